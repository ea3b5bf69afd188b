import { readFileSync } from 'node:fs';
import https from 'node:https';
import { type AddressInfo } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { createAxiosInstance, HttpCaller } from './http-client';

// A long-lived self-signed certificate for 127.0.0.1, like the ones CML workers ship.
const fixture = (name: string) => readFileSync(path.join(__dirname, 'test-fixtures', name), 'utf8');
const certificate = fixture('self-signed-cert.pem');

describe('TLS verification per client instance', () => {
  let server: https.Server;
  let baseUrl: string;
  const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined };

  beforeAll(async () => {
    server = https.createServer({ key: fixture('self-signed-key.pem'), cert: certificate }, (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{"ready":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const probe = (options: { verifyTls?: boolean; caCertificate?: string }) =>
    new HttpCaller({ system: 'cml', http: createAxiosInstance({ baseUrl, ...options }), logger: silent, retry: { maxAttempts: 1 } }).json({
      operation: 'getSystemInformation',
      method: 'GET',
      path: '/',
      idempotent: true,
      schema: z.object({ ready: z.boolean() }),
    });

  it('rejects a self-signed certificate when verification is on', async () => {
    await expect(probe({ verifyTls: true })).rejects.toMatchObject({ kind: 'unavailable', status: undefined });
  });

  it('accepts it when verification is off for this worker', async () => {
    await expect(probe({ verifyTls: false })).resolves.toEqual({ ready: true });
  });

  it('accepts it when the worker certificate is pinned as CA', async () => {
    await expect(probe({ caCertificate: certificate })).resolves.toEqual({ ready: true });
  });
});
