import { createRemoteJWKSet, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { Role } from '@lcm/contracts';
import { type AppConfig } from '../../config/env.schema';

export interface Principal {
  subject: string;
  roles: Role[];
}

export class InvalidTokenError extends Error {}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

const DEV_ISSUER = 'lcm-development';
const DEV_AUDIENCE = 'lcm';

function claimAt(payload: JWTPayload, dottedPath: string): unknown {
  return dottedPath
    .split('.')
    .reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      payload,
    );
}

export function principalFrom(payload: JWTPayload, rolesClaim: string): Principal {
  const claimed = claimAt(payload, rolesClaim);
  const roles = (Array.isArray(claimed) ? claimed : []).filter(
    (role): role is Role => Role.safeParse(role).success,
  );
  return { subject: payload.sub ?? 'unknown', roles };
}

/**
 * Verifies bearer tokens of an OIDC provider against the keys its discovery document names. The
 * issuer and the audience are always checked: the issuer mints tokens for other clients too.
 */
export class OidcTokenVerifier implements TokenVerifier {
  private jwks?: ReturnType<typeof createRemoteJWKSet>;
  private readonly audience: string;

  constructor(
    private readonly config: Pick<
      AppConfig,
      'OIDC_ISSUER' | 'OIDC_AUDIENCE' | 'OIDC_JWKS_URL' | 'OIDC_ROLES_CLAIM'
    >,
  ) {
    if (!config.OIDC_AUDIENCE) throw new Error('OidcTokenVerifier needs OIDC_AUDIENCE');
    this.audience = config.OIDC_AUDIENCE;
  }

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, await this.keys(), {
        issuer: this.config.OIDC_ISSUER,
        audience: this.audience,
      });
      return principalFrom(payload, this.config.OIDC_ROLES_CLAIM);
    } catch (error) {
      throw new InvalidTokenError(error instanceof Error ? error.message : 'invalid token');
    }
  }

  private async keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (!this.jwks) {
      const jwksUrl = this.config.OIDC_JWKS_URL ?? (await this.discoverJwksUrl());
      this.jwks = createRemoteJWKSet(new URL(jwksUrl));
    }
    return this.jwks;
  }

  private async discoverJwksUrl(): Promise<string> {
    const issuer = (this.config.OIDC_ISSUER ?? '').replace(/\/$/, '');
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    if (!response.ok) throw new InvalidTokenError(`OIDC discovery failed with HTTP ${response.status}`);
    const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: string };
    if (!jwksUri) throw new InvalidTokenError('OIDC discovery document has no jwks_uri');
    return jwksUri;
  }
}

/** Local runs and tests only: tokens signed with a shared secret, issued by /api/auth/dev-token. */
export class DevelopmentTokenVerifier implements TokenVerifier {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly rolesClaim = 'roles',
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(subject: string, roles: Role[], ttlSeconds = 3600): Promise<string> {
    return new SignJWT({ [this.rolesClaim]: roles })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subject)
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
      return principalFrom(payload, this.rolesClaim);
    } catch (error) {
      throw new InvalidTokenError(error instanceof Error ? error.message : 'invalid token');
    }
  }
}
