import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { startTestApp, testConfig, type RunningTestApp } from '../../testing/test-app';

describe('dashboard served at / (spec §2)', () => {
  const built = mkdtempSync(join(tmpdir(), 'lcm-dashboard-'));
  const outside = `${built}-secret.txt`;
  let cpa: RunningTestApp;

  beforeAll(async () => {
    mkdirSync(join(built, 'assets'));
    writeFileSync(join(built, 'index.html'), '<!doctype html><title>LCM</title><script src="/assets/index-abc123.js"></script>');
    writeFileSync(join(built, 'assets', 'index-abc123.js'), 'console.log("dashboard")');
    writeFileSync(join(built, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(outside, 'not part of the dashboard');
    cpa = await startTestApp(testConfig({ DASHBOARD_DIR: built }));
  });

  afterAll(async () => {
    await cpa?.close();
    rmSync(built, { recursive: true, force: true });
    rmSync(outside, { force: true });
  });

  const get = (path: string) => fetch(`${cpa.url}${path}`);

  it('serves index.html at / and asks browsers to revalidate it', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<title>LCM</title>');
  });

  it('serves hashed bundles with a year-long immutable cache and other files revalidated', async () => {
    const bundle = await get('/assets/index-abc123.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const icon = await get('/favicon.svg');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers deep links of the app with index.html', async () => {
    const page = await get('/sessions/0192-abc?tab=grading');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>LCM</title>');
  });

  it('never shadows /api or /health: unknown paths there are 404 problems, known ones still answer', async () => {
    for (const path of ['/api/v1/no-such-thing', '/api', '/health/nothing']) {
      const answer = await get(path);
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('/api/v1/sessions')).status).toBe(401);
  });

  it('answers 404 for a missing file and never reads outside the built folder', async () => {
    expect((await get('/assets/index-gone.js')).status).toBe(404);
    for (const escape of [`/..%2f${basename(outside)}`, `/%2e%2e/${basename(outside)}`]) {
      const answer = await get(escape);
      expect(answer.status).toBe(404);
      expect(await answer.text()).not.toContain('not part of the dashboard');
    }
  });
});
