import { request as httpRequest } from 'node:http';
import { chromium } from '@playwright/test';
import axios, { type AxiosInstance } from 'axios';
import { startTestApp, type RunningTestApp, TEST_INTERNAL_API_KEY } from '../testing/test-app';

describe('control-plane platform over HTTP', () => {
  let cpa: RunningTestApp;
  let http: AxiosInstance;

  /** Any method, any size: axios and fetch refuse some of what a client may send. */
  const raw = (method: string, path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const request = httpRequest(`${cpa.url}${path}`, { method, headers }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      });
      request.on('error', reject);
      request.end();
    });

  beforeAll(async () => {
    cpa = await startTestApp();
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true });
  });
  afterAll(() => cpa.close());

  it('reports liveness and readiness with MongoDB and etcd up', async () => {
    expect((await http.get('/health/live')).data).toEqual({ status: 'up' });
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.data).toEqual({ status: 'up', mongo: 'up', etcd: 'up', projection: 'current' });
  });

  it('serves the OpenAPI document generated from the contracts, and a browsable page', async () => {
    const document = await http.get('/api/docs/openapi.json');
    expect(document.status).toBe(200);
    expect(document.data.openapi).toBe('3.1.0');
    expect(Object.keys(document.data.paths)).toContain('/api/v1/sessions');
    expect(Object.keys(document.data.paths).filter((path) => path.startsWith('/api/internal/'))).toEqual([]);
    // The controllers' API is a document of its own, for API-key holders only.
    expect((await http.get('/api/docs/internal/openapi.json')).status).toBe(401);
    const internal = await http.get('/api/docs/internal/openapi.json', {
      headers: { 'x-api-key': TEST_INTERNAL_API_KEY },
    });
    expect(Object.keys(internal.data.paths)).toContain('/api/internal/sessions');
    const page = await http.get('/api/docs');
    expect(page.headers['content-type']).toContain('text/html');
    expect((await http.get('/api/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
  });

  it('sends security headers, a CSP without inline scripts, and no-store on API answers', async () => {
    const page = await http.get('/api/docs');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("frame-ancestors 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['strict-transport-security']).toEqual(expect.any(String));
    expect(page.data).not.toMatch(/<script>/);
    const token = (await http.post('/api/auth/dev-token', { subject: 'a', roles: ['admin'] })).data
      .access_token;
    const api = await http.get('/api/v1/sessions', { headers: { authorization: `Bearer ${token}` } });
    expect(api.headers['cache-control']).toBe('no-store');
    expect(api.headers['content-security-policy']).toEqual(expect.any(String));
  });

  it('renders the API docs page in a browser under that CSP, with no violation', async () => {
    const browser = await chromium.launch({
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
      await page.goto(`${cpa.url}/api/docs`);
      // Swagger UI fetched the document and rendered it: the title shows in the page.
      await page.waitForFunction(
        "document.querySelector('#ui')?.textContent?.includes('Lablet Cloud Manager control-plane API')",
        undefined,
        { timeout: 30_000 },
      );
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('answers an undeclared method with 405 and Allow (TRACE was 404, QUERY 400), OPTIONS with the Allow list', async () => {
    for (const method of ['TRACE', 'QUERY', 'DELETE']) {
      const answer = await raw(method, '/api/v1/sessions');
      expect({ method, status: answer.status }).toEqual({ method, status: 405 });
      expect(answer.headers['allow']).toBe('GET, POST');
      expect(JSON.parse(answer.body)).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    }
    const options = await raw('OPTIONS', `/api/v1/sessions/${'0'.repeat(8)}-0000-4000-8000-000000000000`);
    expect(options.status).toBe(204);
    expect(options.headers['allow']).toBe('DELETE, GET');
    expect((await raw('TRACE', '/api/v1/no-such-thing')).status).toBe(404);
  });

  it('answers an overlong URL with 414 and oversized headers with 431, as problems that do not echo them', async () => {
    const marker = 'echo-marker-';
    for (const [length, status] of [
      [10_000, 414],
      [40_000, 414],
    ] as const) {
      const answer = await raw('GET', `/api/v1/sessions?owner=${marker}${'x'.repeat(length)}`);
      expect({ length, status: answer.status }).toEqual({ length, status });
      expect(JSON.parse(answer.body)).toMatchObject({ status, code: 'URI_TOO_LONG' });
      expect(answer.body).not.toContain(marker);
    }
    const headers = await raw('GET', '/api/v1/sessions', { 'x-padding': `${marker}${'x'.repeat(40_000)}` });
    expect(headers.status).toBe(431);
    expect(JSON.parse(headers.body)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
    expect(headers.body).not.toContain(marker);
  });

  it('issues development tokens and names every bad field of a bad request', async () => {
    const issued = await http.post('/api/auth/dev-token', { subject: 'alice', roles: ['admin'] });
    expect(issued.status).toBe(201);
    expect(issued.data.access_token).toEqual(expect.any(String));

    const bad = await http.post('/api/auth/dev-token', { subject: '', roles: ['root'], extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.data.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'extra',
      'roles.0',
      'subject',
    ]);
  });

  it('answers malformed JSON, oversized bodies and unknown routes with problem documents, never 500', async () => {
    const malformed = await http.post('/api/auth/dev-token', '{"subject": ', {
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.data).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });

    const oversized = await http.post('/api/auth/dev-token', {
      subject: 'x'.repeat(1024 * 1024 + 10),
      roles: ['user'],
    });
    expect(oversized.status).toBe(413);
    expect(oversized.data).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });

    const unknown = await http.get('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.data).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});
