import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { apiContract, type Route, INTERNAL_API_KEY_HEADER } from '@lcm/contracts';
import { AuditLog } from '../../platform/audit/audit-log';
import {
  type RunningTestApp,
  startTestApp,
  TEST_INTERNAL_API_KEY,
  testConfig,
  bearer,
  devToken,
} from '../../testing/test-app';

describe('worker templates over HTTP', () => {
  const config = testConfig();
  let cpa: RunningTestApp;
  let http: AxiosInstance;
  let admin: { headers: Record<string, string> };
  let user: { headers: Record<string, string> };

  const start = async (): Promise<void> => {
    cpa = await startTestApp(config);
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true });
    admin = bearer(await devToken(http, ['admin']));
    user = bearer(await devToken(http, ['user']));
  };
  const body = (overrides: Record<string, unknown> = {}) => ({
    name: `tpl-${randomUUID().slice(0, 8)}`,
    instance_type: 'm5zn.metal',
    capacity: { cpu_cores: 48, memory_gb: 192, storage_gb: 1000 },
    license_type: 'ENTERPRISE',
    max_nodes: 200,
    ami_pattern: 'CML-2.9.*',
    region: 'us-east-1',
    ...overrides,
  });
  const seeded = async () => {
    const page = await http.get('/api/v1/worker-templates', { params: { limit: 200 }, ...user });
    return (
      page.data.items as Array<{ name: string; id: string; is_seeded: boolean; max_nodes: number }>
    ).filter((template) => template.is_seeded);
  };

  beforeAll(start);
  afterAll(() => cpa.close());

  it('seeds the templates of the seed file at start-up and never overwrites an edit', async () => {
    const first = await seeded();
    expect(first.map((template) => template.name).sort()).toEqual(['multi-sessions', 'single-session']);
    const single = first.find((template) => template.name === 'single-session');
    expect(single?.max_nodes).toBe(20);
    const edited = await http.put(
      `/api/v1/worker-templates/${single?.id}`,
      { max_nodes: 15, description: 'edited' },
      admin,
    );
    // The body is part of the expectation so that a refusal says why.
    expect({ status: edited.status, body: edited.data }).toMatchObject({
      status: 200,
      body: { max_nodes: 15 },
    });
    await cpa.close();
    await start();
    const again = await seeded();
    expect(again).toHaveLength(2);
    expect(again.find((template) => template.name === 'single-session')).toMatchObject({
      id: single?.id,
      max_nodes: 15,
      description: 'edited',
    });
  });

  it('creates, reads, lists, updates and deletes a template, with an audit entry for each change', async () => {
    const created = await http.post('/api/v1/worker-templates', body({ region: 'eu-west-1' }), admin);
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      startup_time_minutes: 20,
      drain_timeout_hours: 4,
      port_range: { start: 2000, end: 7999 },
      enabled: true,
      is_seeded: false,
    });
    const id = created.data.id as string;
    expect((await http.get(`/api/v1/worker-templates/${id}`, user)).data.name).toBe(created.data.name);
    const listed = await http.get('/api/v1/worker-templates', { params: { region: 'eu-west-1' }, ...user });
    expect(listed.data.items.map((template: { id: string }) => template.id)).toEqual([id]);
    const updated = await http.put(
      `/api/v1/worker-templates/${id}`,
      { enabled: false, cost_per_hour_usd: 4.2 },
      admin,
    );
    expect(updated.data).toMatchObject({ enabled: false, cost_per_hour_usd: 4.2, version: 2 });
    expect(
      (
        await http.get('/api/internal/worker-templates', {
          params: { enabled_only: 'true', region: 'eu-west-1' },
          headers: { [INTERNAL_API_KEY_HEADER]: TEST_INTERNAL_API_KEY },
        })
      ).data.items,
    ).toEqual([]);
    expect((await http.delete(`/api/v1/worker-templates/${id}`, admin)).status).toBe(204);
    expect((await http.get(`/api/v1/worker-templates/${id}`, user)).status).toBe(404);
    const audit = await cpa.app.get(AuditLog).collection.find({ target_id: id }).toArray();
    expect(audit.map((entry) => entry.action).sort()).toEqual([
      'worker_template.created',
      'worker_template.deleted',
      'worker_template.enabled_changed',
      'worker_template.updated',
    ]);
  });

  it('refuses a duplicate name, a rename and bad fields', async () => {
    const created = await http.post('/api/v1/worker-templates', body(), admin);
    expect(
      (await http.post('/api/v1/worker-templates', body({ name: created.data.name }), admin)).status,
    ).toBe(409);
    // A well-formed body that conflicts with the stored template's fixed name (ST202 took a 400 for a schema miss).
    const rename = await http.put(`/api/v1/worker-templates/${created.data.id}`, { name: 'other' }, admin);
    expect(rename.status).toBe(409);
    expect(rename.data.errors).toEqual([{ field: 'body.name', message: 'the name of a template is fixed' }]);
    // The contract says what the domain requires: some of each capacity (was a bare 'invalid worker template').
    const empty = await http.post(
      '/api/v1/worker-templates',
      body({ capacity: { cpu_cores: 1, memory_gb: 0, storage_gb: 1 } }),
      admin,
    );
    expect(empty.status).toBe(400);
    expect(empty.data.errors.map((e: { field: string }) => e.field)).toEqual(['body.capacity.memory_gb']);
    const bad = await http.post(
      '/api/v1/worker-templates',
      body({
        capacity: { cpu_cores: 'many', memory_gb: 1, storage_gb: 1 },
        license_type: 'GOLD',
        port_range: { start: 3000, end: 2000 },
        extra: true,
      }),
      admin,
    );
    expect(bad.status).toBe(400);
    expect(bad.data.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.capacity.cpu_cores',
      'body.extra',
      'body.license_type',
      'body.port_range.end',
    ]);
  });

  it('refuses to delete a template a worker still uses', async () => {
    const template = await http.post('/api/v1/worker-templates', body(), admin);
    const worker = await http.post('/api/v1/workers', { template_id: template.data.id }, admin);
    expect(worker.status).toBe(201);
    const refused = await http.delete(`/api/v1/worker-templates/${template.data.id}`, admin);
    expect(refused.status).toBe(409);
    expect(refused.data.code).toBe('CONFLICT');
    expect((await http.get(`/api/v1/worker-templates/${template.data.id}`, user)).status).toBe(200);
  });

  it('refuses every mutating route to a user token and internal reads without the API key', async () => {
    const id = (await http.post('/api/v1/worker-templates', body(), admin)).data.id as string;
    for (const route of Object.values(apiContract.public.workerTemplates as Record<string, Route>).filter(
      (r) => r.method !== 'GET',
    )) {
      const response = await http.request({
        method: route.method,
        url: route.path.replace(':worker_template_id', id),
        data: body(),
        ...user,
      });
      expect([route.path, route.method, response.status]).toEqual([route.path, route.method, 403]);
    }
    for (const route of Object.values(apiContract.internal.workerTemplates as Record<string, Route>)) {
      expect((await http.get(route.path.replace(':worker_template_id', id))).status).toBe(401);
    }
  });
});
