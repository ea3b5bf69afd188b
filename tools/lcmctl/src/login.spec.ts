import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { deviceLogin } from './login';

/**
 * An issuer that speaks the device grant (RFC 8628): approves on the third poll, after asking the
 * client to slow down once.
 */
async function deviceIssuer(): Promise<{ server: Server; url: string; polls: string[] }> {
  const polls: string[] = [];
  let url = '';
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const json = (status: number, value: unknown) =>
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      const form = new URLSearchParams(body);
      if (request.url === '/.well-known/openid-configuration')
        return json(200, { device_authorization_endpoint: `${url}/device`, token_endpoint: `${url}/token` });
      if (request.url === '/device' && form.get('client_id') === 'lcmctl')
        return json(200, {
          device_code: 'dev-1',
          user_code: 'ABCD-EFGH',
          verification_uri: `${url}/activate`,
          expires_in: 600,
          interval: 1,
        });
      if (request.url === '/token') {
        polls.push(`${form.get('grant_type')} ${form.get('device_code')}`);
        if (polls.length === 1) return json(400, { error: 'authorization_pending' });
        if (polls.length === 2) return json(400, { error: 'slow_down' });
        return json(200, { access_token: 'issued-token', token_type: 'Bearer' });
      }
      json(400, { error: 'invalid_request' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, polls };
}

describe('deviceLogin', () => {
  it('shows the code, polls until approved and backs off when asked to slow down', async () => {
    const issuer = await deviceIssuer();
    const prompts: string[] = [];
    const waits: number[] = [];
    try {
      const token = await deviceLogin({
        issuer: issuer.url,
        clientId: 'lcmctl',
        prompt: (message) => prompts.push(message),
        sleep: async (ms) => void waits.push(ms),
      });
      expect(token).toBe('issued-token');
      expect(prompts).toEqual([`Open ${issuer.url}/activate and enter the code ABCD-EFGH`]);
      expect(issuer.polls).toEqual(Array(3).fill('urn:ietf:params:oauth:grant-type:device_code dev-1'));
      expect(waits).toEqual([1000, 1000, 6000]);
    } finally {
      issuer.server.close();
    }
  });

  it('fails with the issuer error when the login is denied', async () => {
    const issuer = await deviceIssuer();
    try {
      await expect(
        deviceLogin({
          issuer: issuer.url,
          clientId: 'someone-else',
          prompt: () => undefined,
          sleep: async () => undefined,
        }),
      ).rejects.toThrow(/refused the device login \(400\)/);
    } finally {
      issuer.server.close();
    }
  });
});
