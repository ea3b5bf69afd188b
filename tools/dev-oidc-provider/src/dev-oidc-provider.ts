import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import Provider, { type JWK } from 'oidc-provider';
import { DEV_USERS } from './dev-users';
import { loginPage } from './login-page';

export interface DevOidcClient {
  clientId: string;
  redirectUris: string[];
}

export interface DevOidcProviderOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  clients: DevOidcClient[];
}

export interface RunningDevOidcProvider {
  issuer: string;
  close(): Promise<void>;
}

const INTERACTION = /^\/interaction\/([^/?]+)(\/login)?/;

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * A real OpenID Connect provider (the `oidc-provider` package) with the accounts of DEV_USERS, for
 * local runs and tests (spec §2: "a bundled development provider for local runs"). Users sign in
 * with username and password; consent is implied because the dashboard is a first-party client.
 */
export async function startDevOidcProvider(options: DevOidcProviderOptions): Promise<RunningDevOidcProvider> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  const provider = new Provider(issuer, {
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      redirect_uris: client.redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
    })),
    async findAccount(_ctx, id) {
      const user = DEV_USERS.find((candidate) => candidate.username === id);
      if (!user) return undefined;
      return {
        accountId: user.username,
        claims: () => ({
          sub: user.username,
          name: user.name,
          preferred_username: user.username,
          email: user.email,
          roles: user.roles,
        }),
      };
    },
    scopes: ['openid', 'profile', 'email', 'roles'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
      roles: ['roles'],
    },
    // The control plane reads roles from the ID token, as it does with Keycloak's mappers.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: { keys: [{ ...(signingKey as JWK), use: 'sig', alg: 'RS256', kid: 'dev-signing-key' }] },
  });
  const oidc = provider.callback();

  async function interaction(request: IncomingMessage, response: ServerResponse, uid: string, submitted: boolean) {
    const details = await provider.interactionDetails(request, response);
    if (details.uid !== uid) throw new Error('interaction does not match its cookie');
    if (details.prompt.name === 'consent') {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session?.accountId, clientId: String(details.params['client_id']) });
      if (!grant) throw new Error(`grant ${details.grantId} vanished`);
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      await provider.interactionFinished(request, response, { consent: { grantId: await grant.save() } });
      return;
    }
    const action = `/interaction/${uid}/login`;
    if (!submitted) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(loginPage(action));
      return;
    }
    const form = await readForm(request);
    const user = DEV_USERS.find((candidate) => candidate.username === form.get('username'));
    if (!user || user.password !== form.get('password')) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(loginPage(action, 'Unknown username or wrong password.'));
      return;
    }
    await provider.interactionFinished(request, response, { login: { accountId: user.username } });
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const match = INTERACTION.exec(request.url ?? '');
    if (!match?.[1]) {
      void oidc(request, response);
      return;
    }
    interaction(request, response, match[1], request.method === 'POST' && !!match[2]).catch((error: unknown) => {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`login failed: ${(error as Error).message}`);
    });
  });

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
