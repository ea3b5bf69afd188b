import { SignJWT } from 'jose';
import { DevelopmentTokenVerifier, InvalidTokenError } from './token-verifier';

describe('DevelopmentTokenVerifier', () => {
  const verifier = new DevelopmentTokenVerifier('a-development-secret-of-32-chars!!');

  it('verifies the tokens it issues and keeps only known roles', async () => {
    const token = await verifier.issue('alice', ['manager']);
    await expect(verifier.verify(token)).resolves.toEqual({ subject: 'alice', roles: ['manager'] });
  });

  it('refuses a token signed with another key', async () => {
    const forged = await new DevelopmentTokenVerifier('another-secret-of-at-least-32-chars').issue(
      'mallory',
      ['admin'],
    );
    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('reads roles from a nested claim and drops unknown role names', async () => {
    const nested = new DevelopmentTokenVerifier('a-development-secret-of-32-chars!!', 'realm_access.roles');
    const token = await new SignJWT({ realm_access: { roles: ['user', 'superuser'] } })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bob')
      .setIssuer('lcm-development')
      .setAudience('lcm')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('a-development-secret-of-32-chars!!'));
    await expect(nested.verify(token)).resolves.toEqual({ subject: 'bob', roles: ['user'] });
  });
});
