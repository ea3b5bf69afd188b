import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';

interface DiscoveryDocument {
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
}

export interface OidcLoginSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  scopes: string;
}

/** What the browser carries (signed) from /login to /callback. */
export interface LoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export class OidcLoginError extends Error {}

const base64url = (bytes: Buffer): string => bytes.toString('base64url');

/** The relying-party half of Authorization Code + PKCE (RFC 7636, S256) against one issuer. */
export class OidcLoginClient {
  private discovery?: Promise<DiscoveryDocument>;
  private jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly settings: OidcLoginSettings) {}

  newTransaction(returnTo: string): LoginTransaction {
    return {
      state: base64url(randomBytes(24)),
      nonce: base64url(randomBytes(24)),
      codeVerifier: base64url(randomBytes(48)),
      returnTo,
    };
  }

  async authorizationUrl(transaction: LoginTransaction, prompt?: string): Promise<string> {
    const { authorization_endpoint: endpoint } = await this.document();
    const url = new URL(endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.settings.clientId,
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      state: transaction.state,
      nonce: transaction.nonce,
      code_challenge: base64url(createHash('sha256').update(transaction.codeVerifier).digest()),
      code_challenge_method: 'S256',
      ...(prompt ? { prompt } : {}),
    }).toString();
    return url.toString();
  }

  /** Redeems the code and returns the verified ID token's claims (issuer, audience, nonce checked). */
  async redeem(code: string, transaction: LoginTransaction): Promise<JWTPayload> {
    const { token_endpoint: endpoint } = await this.document();
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.settings.redirectUri,
      code_verifier: transaction.codeVerifier,
      client_id: this.settings.clientId,
    });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (this.settings.clientSecret) {
      const credentials = `${encodeURIComponent(this.settings.clientId)}:${encodeURIComponent(this.settings.clientSecret)}`;
      headers['authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const answer = await fetch(endpoint, { method: 'POST', headers, body: form });
    const tokens = (await answer.json().catch(() => ({}))) as { id_token?: string; error?: string };
    if (!answer.ok || !tokens.id_token)
      throw new OidcLoginError(`token endpoint answered ${answer.status} ${tokens.error ?? ''}`.trim());
    try {
      const { payload } = await jwtVerify(tokens.id_token, await this.keys(), {
        issuer: this.settings.issuer,
        audience: this.settings.clientId,
      });
      if (payload['nonce'] !== transaction.nonce) throw new OidcLoginError('ID token nonce does not match');
      return payload;
    } catch (error) {
      if (error instanceof OidcLoginError) throw error;
      throw new OidcLoginError(`ID token rejected: ${(error as Error).message}`);
    }
  }

  private async keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.jwks ??= createRemoteJWKSet(new URL((await this.document()).jwks_uri));
    return this.jwks;
  }

  private document(): Promise<DiscoveryDocument> {
    this.discovery ??= this.discover().catch((error: unknown) => {
      // A provider that was down at the first login must not break every later one.
      this.discovery = undefined;
      throw error;
    });
    return this.discovery;
  }

  private async discover(): Promise<DiscoveryDocument> {
    const issuer = this.settings.issuer.replace(/\/$/, '');
    const answer = await fetch(`${issuer}/.well-known/openid-configuration`);
    if (!answer.ok) throw new OidcLoginError(`OIDC discovery answered ${answer.status}`);
    const document = (await answer.json()) as Partial<DiscoveryDocument>;
    if (!document.authorization_endpoint || !document.token_endpoint || !document.jwks_uri)
      throw new OidcLoginError('OIDC discovery document lacks an authorization, token or JWKS endpoint');
    return document as DiscoveryDocument;
  }
}
