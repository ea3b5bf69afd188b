import axios, { type AxiosInstance } from 'axios';
import { INTERNAL_API_KEY_HEADER } from '@lcm/contracts';
import {
  type RunningTestApp,
  startTestApp,
  bearer,
  devToken,
  TEST_INTERNAL_API_KEY,
} from '../../testing/test-app';

describe('system settings over HTTP', () => {
  let cpa: RunningTestApp;
  let http: AxiosInstance;
  let admin: { headers: Record<string, string> };
  let manager: { headers: Record<string, string> };

  beforeAll(async () => {
    cpa = await startTestApp();
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true });
    admin = bearer(await devToken(http, ['admin']));
    manager = bearer(await devToken(http, ['manager']));
  });
  afterAll(() => cpa.close());

  it('creates the singleton with the spec defaults on first read', async () => {
    const [first, second] = await Promise.all([
      http.get('/api/v1/settings', admin),
      http.get('/api/v1/settings', admin),
    ]);
    expect(first.status).toBe(200);
    expect(first.data).toMatchObject({
      id: 'default',
      version: 1,
      monitoring: { worker_metrics_poll_interval_seconds: 300 },
      idle_detection: { enabled: true, timeout_minutes: 60 },
      scaling: {
        scale_down_enabled: false,
        min_workers: 0,
        max_workers: 10,
        scale_up_cooldown_s: 300,
        scale_down_cooldown_s: 600,
      },
      discovery: { ami_name_pattern: 'cisco-cml2.9*', scan_interval_seconds: 300 },
      updated_by: null,
    });
    expect(second.data.created_at).toBe(first.data.created_at);
  });

  it('updates single fields of a section and keeps the rest', async () => {
    const updated = await http.put(
      '/api/v1/settings',
      { idle_detection: { timeout_minutes: 90 }, scaling: { max_workers: 4 } },
      admin,
    );
    expect(updated.status).toBe(200);
    expect(updated.data).toMatchObject({
      idle_detection: { enabled: true, timeout_minutes: 90 },
      scaling: { max_workers: 4, min_workers: 0 },
      updated_by: 'admin-user',
    });
    expect((await http.get('/api/v1/settings', admin)).data.scaling.max_workers).toBe(4);
  });

  it('refuses bad values and inconsistent ones naming the field, without changing anything', async () => {
    const before = (await http.get('/api/v1/settings', admin)).data;
    const bad = await http.put(
      '/api/v1/settings',
      { scaling: { max_workers: 0, surge: 2 }, colour: 'red' },
      admin,
    );
    expect(bad.status).toBe(400);
    expect(bad.data.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.colour',
      'body.scaling.max_workers',
      'body.scaling.surge',
    ]);
    const inconsistent = await http.put(
      '/api/v1/settings',
      { scaling: { min_workers: 9, max_workers: 3 } },
      admin,
    );
    expect(inconsistent.status).toBe(400);
    // The rule spans two fields; the answer names the one the caller has to change (it named none).
    expect(inconsistent.data).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'body.scaling.min_workers', message: 'must not exceed max_workers' }],
    });
    // The stored max_workers counts too: a min_workers above it alone is the same refusal.
    const aboveStored = await http.put('/api/v1/settings', { scaling: { min_workers: 11 } }, admin);
    expect(aboveStored.status).toBe(400);
    expect(aboveStored.data.errors).toEqual([
      { field: 'body.scaling.min_workers', message: 'must not exceed max_workers' },
    ]);
    expect((await http.get('/api/v1/settings', admin)).data).toEqual(before);
  });

  it('is for admins only', async () => {
    expect((await http.get('/api/v1/settings', manager)).status).toBe(403);
    expect(
      (await http.put('/api/v1/settings', { features: { lab_discovery_v2_enabled: false } }, manager)).status,
    ).toBe(403);
    expect((await http.get('/api/v1/settings')).status).toBe(401);
  });

  it('is readable by the controllers with their API key', async () => {
    const internal = await http.get('/api/internal/settings', {
      headers: { [INTERNAL_API_KEY_HEADER]: TEST_INTERNAL_API_KEY },
    });
    expect(internal.status).toBe(200);
    expect(internal.data).toEqual((await http.get('/api/v1/settings', admin)).data);
    expect((await http.get('/api/internal/settings')).status).toBe(401);
  });
});
