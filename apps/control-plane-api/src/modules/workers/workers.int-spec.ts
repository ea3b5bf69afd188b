import { randomUUID } from 'node:crypto';
import { type AxiosResponse } from 'axios';
import { apiContract, decodeEtcdValue, etcdKeys, etcdPrefixes, type Route } from '@lcm/contracts';
import { aLabRecord } from '@lcm/testing';
import { sampleDefinitionBody } from '../lablet-definitions/fixtures/sample-definition';
import { WorkersEtcdProjector } from './infrastructure/workers.etcd-projector';
import {
  inMinutes,
  SseReader,
  type SessionsTestKit,
  startSessionsTestKit,
} from '../sessions/testing/session-test-kit';

describe('workers over HTTP', () => {
  let kit: SessionsTestKit;
  let admin: Record<string, string>;
  let user: Record<string, string>;
  let wc: Record<string, string>;
  let templateId: string;

  const as = (headers: Record<string, string>) => ({ headers });
  const createTemplate = async (overrides: Record<string, unknown> = {}): Promise<string> => {
    const body = {
      name: `tpl-${randomUUID().slice(0, 8)}`,
      instance_type: 'm5zn.metal',
      capacity: { cpu_cores: 48, memory_gb: 192, storage_gb: 1000 },
      license_type: 'ENTERPRISE',
      max_nodes: 200,
      ami_pattern: 'CML-2.9.*',
      region: 'us-east-1',
      ...overrides,
    };
    const response = await kit.http.post('/api/v1/worker-templates', body, as(admin));
    expect(response.status).toBe(201);
    return response.data.id as string;
  };
  const createWorker = async (template = templateId): Promise<string> => {
    const response = await kit.http.post('/api/v1/workers', { template_id: template }, as(admin));
    expect(response.status).toBe(201);
    return response.data.id as string;
  };
  const patch = (id: string, body: Record<string, unknown>): Promise<AxiosResponse> =>
    kit.http.patch(`/api/internal/workers/${id}`, body, as(wc));
  const runningWorker = async (): Promise<string> => {
    const id = await createWorker();
    expect((await patch(id, { status: 'PROVISIONING', aws_instance_id: `i-${id.slice(0, 8)}` })).status).toBe(
      200,
    );
    const running = await patch(id, {
      status: 'RUNNING',
      service_status: 'AVAILABLE',
      https_endpoint: 'https://10.0.0.9',
      public_ip: '54.1.2.3',
    });
    expect(running.status).toBe(200);
    return id;
  };
  const etcdValue = async <
    K extends 'workerDesired' | 'workerActual' | 'workerCapacity' | 'workerLicense' | 'workerDiscoverLabs',
  >(
    kind: K,
    id: string,
  ) => {
    const raw = await kit.etcd.get(etcdKeys[kind](id)).string();
    return raw === null ? null : decodeEtcdValue(kind, raw);
  };

  beforeAll(async () => {
    kit = await startSessionsTestKit();
    admin = { authorization: `Bearer ${await kit.token(['admin'])}` };
    user = { authorization: `Bearer ${await kit.token(['user'])}` };
    wc = { ...kit.internalHeaders, 'x-lcm-actor': 'worker-controller' };
    templateId = await createTemplate();
  });
  afterAll(() => kit.close());

  it('creates a PENDING worker from a template and publishes its desired and actual keys', async () => {
    const created = await kit.http.post(
      '/api/v1/workers',
      { template_id: templateId, name: 'w-create' },
      as(admin),
    );
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      name: 'w-create',
      status: 'PENDING',
      desired_status: 'running',
      origin: 'user_created',
      template_id: templateId,
    });
    expect(created.data.declared_capacity).toEqual({
      cpu_cores: 48,
      memory_gb: 192,
      storage_gb: 1000,
      max_nodes: 200,
    });
    const id = created.data.id as string;
    expect(await etcdValue('workerDesired', id)).toMatchObject({
      desired_status: 'running',
      requested_by: 'admin-user',
    });
    expect(await etcdValue('workerActual', id)).toMatchObject({
      status: 'PENDING',
      service_status: 'UNAVAILABLE',
    });
    expect(await etcdValue('workerCapacity', id)).toMatchObject({
      worker_id: id,
      assigned_instance_count: 0,
    });
    expect((await kit.http.get(`/api/v1/workers/${id}`, as(user))).data.id).toBe(id);
  });

  it('lists workers by filter, one bounded page at a time', async () => {
    const region = `eu-list-${randomUUID().slice(0, 4)}`;
    const template = await createTemplate({ region });
    await createWorker(template);
    await createWorker(template);
    const first = await kit.http.get('/api/v1/workers', {
      params: { template_id: template, limit: 1 },
      ...as(user),
    });
    expect(first.status).toBe(200);
    expect(first.data.items).toHaveLength(1);
    const second = await kit.http.get('/api/v1/workers', {
      params: { template_id: template, limit: 1, cursor: first.data.next_cursor },
      ...as(user),
    });
    expect(second.data.items).toHaveLength(1);
    expect(second.data.items[0].id).not.toBe(first.data.items[0].id);
    expect(second.data.next_cursor).toBeNull();
    const bad = await kit.http.get('/api/v1/workers', {
      params: { status: 'SLEEPING', limit: 0, colour: 'red' },
      ...as(user),
    });
    expect(bad.status).toBe(400);
    expect(bad.data.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'query.colour',
      'query.limit',
      'query.status.0',
    ]);
  });

  it('drains and cancels a drain; invalid moves are 409 naming current and requested status', async () => {
    const id = await runningWorker();
    const drained = await kit.http.post(`/api/v1/workers/${id}/drain`, { reason: 'maintenance' }, as(admin));
    expect(drained.status).toBe(200);
    expect(drained.data).toMatchObject({
      status: 'DRAINING',
      desired_status: 'stopped',
      drain_reason: 'maintenance',
      drain_requested_by: 'admin-user',
    });
    expect(
      (await kit.http.post(`/api/v1/workers/${id}/drain`, { reason: 'maintenance' }, as(admin))).status,
    ).toBe(200);
    const cancelled = await kit.http.post(`/api/v1/workers/${id}/cancel-drain`, undefined, as(admin));
    expect(cancelled.data).toMatchObject({
      status: 'RUNNING',
      desired_status: 'running',
      drain_reason: null,
    });
    expect(
      (await kit.http.post(`/api/v1/workers/${id}/cancel-drain`, undefined, as(admin))).data.status,
    ).toBe('RUNNING');

    const pending = await createWorker();
    const refused = await kit.http.post(`/api/v1/workers/${pending}/drain`, { reason: 'x' }, as(admin));
    expect(refused.status).toBe(409);
    expect(refused.data).toMatchObject({
      code: 'INVALID_TRANSITION',
      current_status: 'PENDING',
      requested_status: 'DRAINING',
    });
    const notDraining = await kit.http.post(`/api/v1/workers/${pending}/cancel-drain`, undefined, as(admin));
    expect(notDraining.status).toBe(409);
    expect(notDraining.data).toMatchObject({ current_status: 'PENDING', requested_status: 'RUNNING' });
  });

  it('stops and starts through the status table', async () => {
    const id = await runningWorker();
    const stopping = await kit.http.post(`/api/v1/workers/${id}/stop`, undefined, as(admin));
    expect(stopping.data).toMatchObject({
      status: 'STOPPING',
      desired_status: 'stopped',
      manual_pause_count: 1,
      pause_reason: 'manual',
    });
    const stopped = await patch(id, { status: 'STOPPED' });
    expect(stopped.data).toMatchObject({
      status: 'STOPPED',
      public_ip: null,
      https_endpoint: null,
      service_status: 'UNAVAILABLE',
    });
    const started = await kit.http.post(`/api/v1/workers/${id}/start`, undefined, as(admin));
    expect(started.data).toMatchObject({ status: 'STARTING', desired_status: 'running' });
    const early = await kit.http.post(`/api/v1/workers/${await createWorker()}/stop`, undefined, as(admin));
    expect(early.status).toBe(409);
    expect(early.data).toMatchObject({ current_status: 'PENDING', requested_status: 'STOPPING' });
  });

  it('scales up from an enabled template within the regional maximum', async () => {
    const region = `eu-scale-${randomUUID().slice(0, 4)}`;
    const template = await createTemplate({ region });
    const settings = await kit.http.put('/api/v1/settings', { scaling: { max_workers: 2 } }, as(admin));
    expect(settings.status).toBe(200);
    try {
      const accepted = await kit.http.post(
        '/api/v1/workers/scale-up',
        { template_id: template, reason: 'queue' },
        as(admin),
      );
      expect(accepted.status).toBe(202);
      const worker = await kit.http.get(`/api/v1/workers/${accepted.data.worker_id}`, as(user));
      expect(worker.data).toMatchObject({ status: 'PENDING', origin: 'scale_up', aws_region: region });
      const internal = await kit.http.post(
        '/api/internal/workers/scale-up',
        { template_id: template, reason: 'no capacity', lablet_session_id: randomUUID() },
        as(wc),
      );
      expect(internal.status).toBe(202);
      const full = await kit.http.post(
        '/api/internal/workers/scale-up',
        { template_id: template, reason: 'more' },
        as(wc),
      );
      expect(full.status).toBe(409);
      expect(full.data.code).toBe('CONFLICT');
    } finally {
      await kit.http.put('/api/v1/settings', { scaling: { max_workers: 10 } }, as(admin));
    }
    expect(
      (await kit.http.post('/api/v1/workers/scale-up', { template_id: randomUUID(), reason: 'x' }, as(admin)))
        .status,
    ).toBe(404);
    const disabled = await createTemplate({ enabled: false });
    const refused = await kit.http.post(
      '/api/v1/workers/scale-up',
      { template_id: disabled, reason: 'x' },
      as(admin),
    );
    expect(refused.status).toBe(400);
    expect(refused.data.code).toBe('INVALID_REQUEST');
  });

  it('updates the capacity key when the worker-controller reports metrics', async () => {
    const id = await runningWorker();
    const before = await etcdValue('workerCapacity', id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const reported = await kit.http.post(
      `/api/internal/workers/${id}/metrics`,
      {
        collected_at: new Date().toISOString(),
        cloudwatch: { cpu_utilization: 12.5, memory_utilization: 40 },
        ec2: { ec2_instance_state_detail: 'running', ec2_system_status_check: 'ok' },
        metrics: {
          version: '2.9.0',
          ready: true,
          uptime_seconds: 100,
          labs_count: 1,
          system_info: null,
          system_health: null,
          last_synced_at: new Date().toISOString(),
        },
      },
      as(wc),
    );
    expect(reported.status).toBe(200);
    expect(reported.data.cloudwatch).toMatchObject({
      cpu_utilization: 12.5,
      memory_utilization: 40,
      poll_interval_seconds: 300,
    });
    expect(reported.data.metrics).toMatchObject({ version: '2.9.0', labs_count: 1 });
    const after = await etcdValue('workerCapacity', id);
    expect(after?.updated_at).toBe(reported.data.updated_at);
    expect(after?.updated_at).not.toBe(before?.updated_at);
    expect(await etcdValue('workerActual', id)).toMatchObject({
      status: 'RUNNING',
      service_status: 'AVAILABLE',
      ec2_state: 'running',
      ip: '54.1.2.3',
    });
  });

  it('imports an existing EC2 instance or an AMI search as an UNKNOWN worker the worker-controller resolves', async () => {
    const instanceId = `i-${randomUUID().slice(0, 12)}`;
    const byInstance = await kit.http.post(
      '/api/v1/workers/import',
      { aws_region: 'us-east-1', aws_instance_id: instanceId, template_id: templateId },
      as(admin),
    );
    expect(byInstance.status).toBe(201);
    expect(byInstance.data).toMatchObject({
      status: 'UNKNOWN',
      origin: 'ec2_discovery',
      aws_instance_id: instanceId,
      created_by: 'admin-user',
    });
    const again = await kit.http.post(
      '/api/v1/workers/import',
      { aws_region: 'us-east-1', aws_instance_id: instanceId },
      as(admin),
    );
    expect(again.status).toBe(409);

    const byAmi = await kit.http.post(
      '/api/v1/workers/import',
      { aws_region: 'us-east-1', ami_name: 'cisco-cml2.9-lablet' },
      as(admin),
    );
    expect(byAmi.status).toBe(201);
    expect(byAmi.data).toMatchObject({
      aws_instance_id: null,
      ami_name: 'cisco-cml2.9-lablet',
      declared_capacity: null,
    });

    const both = await kit.http.post(
      '/api/v1/workers/import',
      { aws_region: 'us-east-1', aws_instance_id: 'i-1', ami_id: 'ami-1' },
      as(admin),
    );
    expect(both.status).toBe(400);
  });

  it('lets the worker-controller import an instance its EC2 discovery found, once', async () => {
    const instanceId = `i-${randomUUID().slice(0, 12)}`;
    const body = { aws_region: 'us-east-1', aws_instance_id: instanceId, name: 'found-in-ec2' };
    const imported = await kit.http.post('/api/internal/workers/import', body, as(wc));
    expect(imported.status).toBe(201);
    expect(imported.data).toMatchObject({
      status: 'UNKNOWN',
      origin: 'ec2_discovery',
      aws_instance_id: instanceId,
      declared_capacity: null,
    });
    expect((await kit.http.post('/api/internal/workers/import', body, as(wc))).status).toBe(409);
  });

  it('deletes every key of a worker that is TERMINATED, and keeps answering for it', async () => {
    const id = await runningWorker();
    const shuttingDown = await kit.http.delete(`/api/v1/workers/${id}`, as(admin));
    expect(shuttingDown.status).toBe(202);
    expect(shuttingDown.data).toMatchObject({
      status: 'SHUTTING_DOWN',
      desired_status: 'terminated',
      terminated_by: 'admin-user',
    });
    const terminated = await patch(id, { status: 'TERMINATED' });
    expect(terminated.data).toMatchObject({ status: 'TERMINATED', terminated_by: 'admin-user' });
    expect(await kit.etcd.getAll().prefix(etcdPrefixes.worker(id)).keys()).toEqual([]);
    expect((await kit.http.delete(`/api/v1/workers/${id}`, as(admin))).status).toBe(202);
    expect(await kit.etcd.getAll().prefix(etcdPrefixes.worker(id)).keys()).toEqual([]);
  });

  it('terminates the sessions of a worker that stops under them, releasing their capacity', async () => {
    const id = await runningWorker();
    const definition = await kit.http.post(
      '/api/v1/lablet-definitions',
      sampleDefinitionBody({ name: `cascade-${randomUUID().slice(0, 8)}` }),
      as(admin),
    );
    expect(definition.status).toBe(201);
    const session = await kit.http.post(
      '/api/v1/sessions',
      {
        definition_id: definition.data.id,
        owner: 'candidate-1',
        timeslot_end: new Date(Date.now() + 3600_000).toISOString(),
      },
      as(admin),
    );
    expect(session.status).toBe(201);
    expect(
      (await kit.http.post(`/api/internal/sessions/${session.data.id}/schedule`, { worker_id: id }, as(wc)))
        .status,
    ).toBe(200);
    expect(
      (await kit.http.get(`/api/v1/workers/${id}/sessions`, as(user))).data.items.map(
        (s: { id: string }) => s.id,
      ),
    ).toEqual([session.data.id]);
    expect((await kit.http.get(`/api/v1/workers/${id}/ports`, as(user))).data.allocations).toHaveLength(1);

    const stoppedWorker = await kit.workers.findById(id);
    if (!stoppedWorker) throw new Error('worker missing');
    const runningLab = aLabRecord()
      .with({ id: randomUUID(), version: 0 })
      .onWorker(stoppedWorker)
      .inState('BOOTED')
      .build();
    await kit.labs.save(runningLab);

    await kit.http.post(`/api/internal/workers/${id}/stop`, { reason: 'drained' }, as(wc));
    expect((await patch(id, { status: 'STOPPED' })).status).toBe(200);
    const after = await kit.http.get(`/api/v1/sessions/${session.data.id}`, as(admin));
    // The session was only SCHEDULED: the candidate never started, which a booking system rebooks.
    expect(after.data).toMatchObject({
      status: 'TERMINATED',
      termination_reason: 'worker_stopped_before_session_start',
    });
    const sessionIds = async (query: string) =>
      (await kit.http.get(`/api/v1/workers/${id}/sessions${query}`, as(user))).data.items.map(
        (s: { id: string }) => s.id,
      );
    expect(await sessionIds('')).toEqual([]);
    expect(await sessionIds('?include_history=true')).toEqual([session.data.id]);
    expect((await kit.http.get(`/api/v1/lab-records/${runningLab.id}`, as(admin))).data.status).toBe(
      'STOPPED',
    );
    const capacity = await kit.http.get(`/api/v1/workers/${id}/capacity`, as(user));
    expect(capacity.data).toMatchObject({
      assigned_instance_count: 0,
      allocated_capacity: { cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 },
    });
  });

  it('recalculates a worker capacity from the sessions that hold it, for operators only', async () => {
    const id = await runningWorker();
    const definition = await kit.seedDefinition();
    const session = await kit.admin.sessions.create({
      body: { definition_id: definition.id, owner: 'candidate-3', timeslot_end: inMinutes(60) },
    });
    await kit.internal.sessions.schedule({
      params: { lablet_session_id: session.id },
      body: { worker_id: id },
    });
    // An allocation no session stands for (e.g. left by a crash between the worker and session saves).
    const worker = await kit.workers.getById(id);
    worker.allocate(randomUUID(), definition.capacityDemand, []);
    await kit.workers.save(worker);
    const allocated = async () => (await kit.http.get(`/api/v1/workers/${id}/capacity`, as(user))).data;
    expect((await allocated()).assigned_instance_count).toBe(2);

    const path = `/api/v1/workers/${id}/recalculate-capacity`;
    expect((await kit.http.post(path, undefined, as(user))).status).toBe(403);
    const recalculated = await kit.http.post(path, undefined, as(admin));
    expect(recalculated.status).toBe(200);
    expect(await allocated()).toMatchObject({
      assigned_instance_count: 1,
      allocated_capacity: definition.capacityDemand,
    });
    expect(
      (await kit.http.post(`/api/v1/workers/${randomUUID()}/recalculate-capacity`, undefined, as(admin)))
        .status,
    ).toBe(404);
  });

  it('orphans the labs and terminates the sessions of a worker whose instance is gone', async () => {
    const id = await runningWorker();
    const worker = await kit.workers.findById(id);
    if (!worker) throw new Error('worker missing');
    // Its last change lies in the future (the builders' clock): losing the worker orphans it all the same.
    const lab = aLabRecord()
      .with({ id: randomUUID(), version: 0 })
      .onWorker(worker)
      .inState('BOOTED')
      .build();
    await kit.labs.save(lab);
    const definition = await kit.seedDefinition();
    const session = await kit.admin.sessions.create({
      body: {
        definition_id: definition.id,
        owner: 'candidate-2',
        timeslot_end: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    await kit.internal.sessions.schedule({
      params: { lablet_session_id: session.id },
      body: { worker_id: id },
    });

    expect((await patch(id, { status: 'TERMINATED', reason: 'instance_not_found' })).status).toBe(200);

    expect((await kit.http.get(`/api/v1/sessions/${session.id}`, as(admin))).data).toMatchObject({
      status: 'TERMINATED',
      termination_reason: 'worker_terminated_before_session_start',
    });
    expect((await kit.http.get(`/api/v1/lab-records/${lab.id}`, as(admin))).data.status).toBe('ORPHANED');
    expect(await kit.etcd.getAll().prefix(etcdPrefixes.worker(id)).keys()).toEqual([]);
  });

  it('rate-limits refreshes to one per 10 s and hands the labs refresh to the lablet-controller', async () => {
    const id = await runningWorker();
    const sse = await SseReader.open(kit.cpa.url, await kit.token(['admin']));
    try {
      const first = await kit.http.post(`/api/v1/workers/${id}/refresh`, undefined, as(admin));
      expect(first.status).toBe(202);
      expect(first.data.worker_id).toBe(id);
      expect(await etcdValue('workerDiscoverLabs', id)).toMatchObject({ lab_ids: [], source: 'refresh' });
      const second = await kit.http.post(`/api/v1/workers/${id}/refresh`, undefined, as(admin));
      expect(second.status).toBe(429);
      expect(second.data.code).toBe('RATE_LIMITED');
      await sse.waitFor(
        (frame) => frame.event === 'worker.refresh.requested' && frame.data['worker_id'] === id,
      );
      await sse.waitFor(
        (frame) => frame.event === 'worker.refresh.skipped' && frame.data['worker_id'] === id,
      );
    } finally {
      await sse.close();
    }
    expect((await kit.http.delete(`/api/internal/workers/${id}/discover-labs`, as(wc))).status).toBe(204);
    expect(await etcdValue('workerDiscoverLabs', id)).toBeNull();
  });

  it('hands licence operations to the worker-controller through the licence key', async () => {
    const id = await runningWorker();
    const started = await kit.http.post(`/api/v1/workers/${id}/license`, { token: 'smart-token' }, as(admin));
    expect(started.status).toBe(202);
    expect(started.data.license).toMatchObject({ has_token: true, operation_in_progress: 'register' });
    expect(await etcdValue('workerLicense', id)).toEqual({
      operation: 'register',
      token: 'smart-token',
      reregister: false,
    });
    expect((await kit.http.delete(`/api/v1/workers/${id}/license`, as(admin))).status).toBe(409);
    const done = await kit.http.post(
      `/api/internal/workers/${id}/license/complete`,
      { operation: 'register', succeeded: true },
      as(wc),
    );
    expect(done.data.license).toMatchObject({ status: 'REGISTERED', operation_in_progress: null });
    expect(await etcdValue('workerLicense', id)).toBeNull();
  });

  it('records activity and evaluates idleness', async () => {
    const id = await runningWorker();
    const now = new Date().toISOString();
    const reported = await kit.http.post(
      `/api/internal/workers/${id}/activity`,
      {
        checked_at: now,
        events: [
          { type: 'start_lab', at: now },
          { type: 'user_activity', at: now, user_id: '00000000-0000-4000-8000-000000000000' },
          { type: 'telemetry_ping', at: now },
        ],
      },
      as(wc),
    );
    expect(reported.status).toBe(200);
    expect(reported.data).toMatchObject({ worker_id: id, is_idle: false, eligible_for_pause: false });
    const activity = await kit.http.get(`/api/v1/workers/${id}/activity`, as(user));
    expect(activity.data.recent_activity_events.map((e: { type: string }) => e.type)).toEqual(['start_lab']);
    const disabled = await kit.http.post(
      `/api/v1/workers/${id}/idle-detection/disable`,
      undefined,
      as(admin),
    );
    expect(disabled.data.is_idle_detection_enabled).toBe(false);
    expect((await kit.http.get(`/api/v1/workers/${id}/idle-status`, as(user))).data.eligible_for_pause).toBe(
      false,
    );
  });

  it('republishes every worker key from MongoDB and removes keys of workers it does not know', async () => {
    const id = await runningWorker();
    const stranger = randomUUID();
    await kit.etcd.delete().prefix(etcdPrefixes.worker(id));
    await kit.etcd.put(etcdKeys.workerActual(stranger)).value('{}');
    await kit.cpa.app.get(WorkersEtcdProjector).republishAll();
    expect(await etcdValue('workerActual', id)).toMatchObject({ status: 'RUNNING' });
    expect(await etcdValue('workerDesired', id)).toMatchObject({ desired_status: 'running' });
    expect(await kit.etcd.getAll().prefix(etcdPrefixes.worker(stranger)).keys()).toEqual([]);
  });

  it('names every bad field of a report and changes nothing', async () => {
    const id = await runningWorker();
    const bad = await patch(id, { status: 'ASLEEP', public_ip: 7, colour: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.data.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.colour',
      'body.public_ip',
      'body.status',
    ]);
    expect((await kit.http.get(`/api/internal/workers/${id}`, as(wc))).data.status).toBe('RUNNING');
    const malformed = await kit.http.patch(`/api/internal/workers/${id}`, '{"status": ', {
      headers: { ...wc, 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect((await kit.http.get(`/api/v1/workers/${randomUUID()}`, as(user))).status).toBe(404);
  });

  it('refuses every mutating public worker route to a user token, and internal routes without the API key', async () => {
    const id = await createWorker();
    const mutating = Object.values(apiContract.public.workers as Record<string, Route>).filter(
      (route) => route.method !== 'GET',
    );
    for (const route of mutating) {
      const url = route.path.replace(':worker_id', id);
      const response = await kit.http.request({ method: route.method, url, data: {}, headers: user });
      expect([route.path, response.status]).toEqual([route.path, 403]);
    }
    for (const route of Object.values(apiContract.internal.workers as Record<string, Route>)) {
      const response = await kit.http.request({
        method: route.method,
        url: route.path.replace(':worker_id', id),
        data: route.method === 'GET' ? undefined : {},
      });
      expect([route.path, response.status]).toEqual([route.path, 401]);
    }
  });
});
