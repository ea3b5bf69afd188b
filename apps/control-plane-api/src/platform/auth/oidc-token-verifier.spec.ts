import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';
import { InvalidTokenError, OidcTokenVerifier } from './token-verifier';

/** A minimal OIDC provider on loopback: a discovery document and the JWKS it names. */
async function startIssuer(publicJwk: object): Promise<{ issuer: string; server: Server }> {
  const server = createServer((request, response) => {
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/lcm`;
    const body =
      request.url === '/realms/lcm/.well-known/openid-configuration'
        ? { issuer, jwks_uri: `${issuer}/protocol/openid-connect/certs` }
        : request.url === '/realms/lcm/protocol/openid-connect/certs'
          ? { keys: [{ ...publicJwk, kid: 'k1', alg: 'RS256', use: 'sig' }] }
          : null;
    response
      .writeHead(body ? 200 : 404, { 'content-type': 'application/json' })
      .end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/lcm`, server };
}

describe('OidcTokenVerifier against an issuer on loopback', () => {
  let privateKey: KeyLike;
  let issuer: string;
  let server: Server;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    ({ issuer, server } = await startIssuer(await exportJWK(pair.publicKey)));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sign = (claims: Record<string, unknown>, overrides: { issuer?: string; audience?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('alice')
      .setIssuer(overrides.issuer ?? issuer)
      .setAudience(overrides.audience ?? 'lcm-dashboard')
      .setExpirationTime('5m')
      .sign(privateKey);

  const verifier = () =>
    new OidcTokenVerifier({
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: 'lcm-dashboard',
      OIDC_JWKS_URL: undefined,
      OIDC_ROLES_CLAIM: 'realm_access.roles',
    });

  it('discovers the JWKS and reads the roles from the configured claim', async () => {
    const token = await sign({ realm_access: { roles: ['manager', 'offline_access'] } });
    await expect(verifier().verify(token)).resolves.toEqual({ subject: 'alice', roles: ['manager'] });
  });

  it('refuses a token for another audience or from another issuer', async () => {
    await expect(verifier().verify(await sign({}, { audience: 'someone-else' }))).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
    await expect(
      verifier().verify(await sign({}, { issuer: 'http://evil.example/realms/lcm' })),
    ).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('refuses to run without an audience, so a token for any other client of the issuer cannot pass', () => {
    expect(
      () =>
        new OidcTokenVerifier({
          OIDC_ISSUER: issuer,
          OIDC_AUDIENCE: undefined,
          OIDC_JWKS_URL: undefined,
          OIDC_ROLES_CLAIM: 'roles',
        }),
    ).toThrow(/OIDC_AUDIENCE/);
  });

  it('refuses a token signed by a key the issuer does not publish', async () => {
    const stranger = await generateKeyPair('RS256');
    const forged = await new SignJWT({ realm_access: { roles: ['admin'] } })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('mallory')
      .setIssuer(issuer)
      .setAudience('lcm-dashboard')
      .setExpirationTime('5m')
      .sign(stranger.privateKey);
    await expect(verifier().verify(forged)).rejects.toBeInstanceOf(InvalidTokenError);
  });
});
