import { createHash, randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { apiContract, INTERNAL_API_KEY_HEADER, type Route } from '@lcm/contracts';
import {
  type RunningTestApp,
  startTestApp,
  TEST_INTERNAL_API_KEY,
  bearer,
  devToken,
} from '../../testing/test-app';
import { sampleDefinitionBody } from './fixtures/sample-definition';

describe('lablet definitions over HTTP', () => {
  let cpa: RunningTestApp;
  let http: AxiosInstance;
  let admin: { headers: Record<string, string> };
  let user: { headers: Record<string, string> };
  const internal = { headers: { [INTERNAL_API_KEY_HEADER]: TEST_INTERNAL_API_KEY } };
  const uniqueSample = (overrides: Parameters<typeof sampleDefinitionBody>[0] = {}) =>
    sampleDefinitionBody({ name: `devasc-${randomUUID().slice(0, 8)}`, ...overrides });

  beforeAll(async () => {
    cpa = await startTestApp();
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true });
    admin = bearer(await devToken(http, ['admin']));
    user = bearer(await devToken(http, ['user']));
  });
  afterAll(() => cpa.close());

  it('creates an active version from the sample lab fixture', async () => {
    const body = uniqueSample();
    const created = await http.post('/api/v1/lablet-definitions', body, admin);
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      name: body.name,
      version: '0.3.0',
      status: 'active',
      node_count: 2,
      grading_collector: 'ccm',
      multi_lab_enabled: false,
      created_by: 'admin-user',
      lab_yaml_hash: createHash('sha256').update(body.topology_yaml).digest('hex'),
    });
    expect(created.data.port_template).toHaveLength(3);
    expect((await http.get(`/api/internal/lablet-definitions/${created.data.id}`, internal)).data).toEqual(
      created.data,
    );
  });

  it('keeps versions of one name apart: a new semver is a new version, the same one a 409', async () => {
    const first = await http.post(
      '/api/v1/lablet-definitions',
      uniqueSample({ grading_collector: 'collector-1' }),
      admin,
    );
    const name = first.data.name as string;
    expect((await http.post('/api/v1/lablet-definitions', uniqueSample({ name }), admin)).status).toBe(409);
    const second = await http.post(
      '/api/v1/lablet-definitions',
      uniqueSample({ name, version: '0.4.0', node_count: undefined }),
      admin,
    );
    expect(second.status).toBe(201);
    expect(second.data.node_count).toBe(2);
    const versions = await http.get(`/api/v1/lablet-definitions/${second.data.id}/versions`, user);
    expect(versions.data.items.map((definition: { version: string }) => definition.version)).toEqual([
      '0.3.0',
      '0.4.0',
    ]);
    const older = await http.get(`/api/v1/lablet-definitions/${second.data.id}/versions/0.3.0`, user);
    expect(older.data).toMatchObject({ id: first.data.id, grading_collector: 'collector-1' });
    expect((await http.get(`/api/v1/lablet-definitions/${second.data.id}/versions/9.9.9`, user)).status).toBe(
      404,
    );
    const byName = await http.get('/api/v1/lablet-definitions', { params: { name, limit: 1 }, ...user });
    expect(byName.data.items).toHaveLength(1);
    expect(byName.data.next_cursor).toEqual(expect.any(String));
  });

  it('refuses multi_lab_enabled=true with 422 (decision 5), on create and on update', async () => {
    const refused = await http.post(
      '/api/v1/lablet-definitions',
      uniqueSample({ multi_lab_enabled: true }),
      admin,
    );
    expect(refused.status).toBe(422);
    expect(refused.data.code).toBe('UNSUPPORTED_FEATURE');
    const created = await http.post('/api/v1/lablet-definitions', uniqueSample(), admin);
    expect(
      (await http.put(`/api/v1/lablet-definitions/${created.data.id}`, { multi_lab_enabled: true }, admin))
        .status,
    ).toBe(422);
    expect(
      (await http.get(`/api/v1/lablet-definitions/${created.data.id}`, user)).data.multi_lab_enabled,
    ).toBe(false);
  });

  it('updates operational flags and activation, keeping the grading collector, and deprecates', async () => {
    const created = await http.post(
      '/api/v1/lablet-definitions',
      uniqueSample({ grading_collector: 'pod-collector' }),
      admin,
    );
    const id = created.data.id as string;
    const updated = await http.put(
      `/api/v1/lablet-definitions/${id}`,
      { lab_reuse_enabled: true, max_duration_minutes: 90, status: 'inactive' },
      admin,
    );
    expect(updated.status).toBe(200);
    expect(updated.data).toMatchObject({
      lab_reuse_enabled: true,
      max_duration_minutes: 90,
      status: 'inactive',
      grading_collector: 'pod-collector',
      topology_yaml: created.data.topology_yaml,
    });
    const deprecated = await http.delete(`/api/v1/lablet-definitions/${id}`, admin);
    expect(deprecated.data.status).toBe('deprecated');
    const hidden = await http.get('/api/v1/lablet-definitions', {
      params: { name: created.data.name },
      ...user,
    });
    expect(hidden.data.items).toEqual([]);
    const shown = await http.get('/api/v1/lablet-definitions', {
      params: { name: created.data.name, include_deprecated: 'true' },
      ...user,
    });
    expect(shown.data.items.map((definition: { id: string }) => definition.id)).toEqual([id]);
    const back = await http.put(`/api/v1/lablet-definitions/${id}`, { status: 'inactive' }, admin);
    expect(back.status).toBe(409);
    expect(back.data).toMatchObject({
      code: 'INVALID_TRANSITION',
      current_status: 'deprecated',
      requested_status: 'inactive',
    });
  });

  it('names every bad field, and an unparsable topology', async () => {
    const bad = await http.post(
      '/api/v1/lablet-definitions',
      {
        ...uniqueSample(),
        version: 'one',
        port_template: [{ name: 'x', protocol: 'carrier-pigeon' }],
        extra: 1,
      },
      admin,
    );
    expect(bad.status).toBe(400);
    expect(bad.data.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.extra',
      'body.port_template.0.protocol',
      'body.version',
    ]);
    const yaml = await http.post(
      '/api/v1/lablet-definitions',
      { ...uniqueSample({ node_count: undefined }), topology_yaml: 'nodes: [unclosed' },
      admin,
    );
    expect(yaml.status).toBe(400);
    expect(yaml.data.errors[0].field).toBe('body.topology_yaml');
    expect(
      (await http.put(`/api/v1/lablet-definitions/${randomUUID()}`, { lab_reuse_enabled: true }, admin))
        .status,
    ).toBe(404);
  });

  it('refuses every mutating route to a user token and internal reads without the API key', async () => {
    const id = (await http.post('/api/v1/lablet-definitions', uniqueSample(), admin)).data.id as string;
    for (const route of Object.values(apiContract.public.labletDefinitions as Record<string, Route>).filter(
      (r) => r.method !== 'GET',
    )) {
      const response = await http.request({
        method: route.method,
        url: route.path.replace(':lablet_definition_id', id),
        data: uniqueSample(),
        ...user,
      });
      expect([route.path, route.method, response.status]).toEqual([route.path, route.method, 403]);
    }
    for (const route of Object.values(apiContract.internal.labletDefinitions as Record<string, Route>)) {
      expect((await http.get(route.path.replace(':lablet_definition_id', id))).status).toBe(401);
    }
  });
});
