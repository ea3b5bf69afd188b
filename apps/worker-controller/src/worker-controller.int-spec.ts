import { startCmlFleetSimulator } from '@lcm/simulators';
import { waitFor } from '@lcm/testing';
import { HoldingProxy, REJECTING_REGION, WorkerControllerSystem } from './testing/local-system';

describe('worker-controller against moto, the CML simulator and the control plane', () => {
  const system = new WorkerControllerSystem();

  beforeAll(() => system.start(() => startCmlFleetSimulator({ port: 0 })), 90_000);
  afterAll(() => system.stop(), 30_000);

  it('turns a scale-up into a RUNNING + AVAILABLE worker with an EC2 instance and a CML endpoint that answers', async () => {
    const workerId = await system.scaleUp();
    const worker = await system.waitForWorker(
      workerId,
      'RUNNING + AVAILABLE',
      (w) => w.status === 'RUNNING' && w.service_status === 'AVAILABLE',
    );
    const instances = await system.instancesOf(workerId);
    expect(instances.map((instance) => instance.InstanceId)).toEqual([worker.aws_instance_id]);
    expect(instances[0]?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'lcm:deployment', Value: system.deployment },
        { Key: 'lcm:template', Value: 'multi-sessions' },
      ]),
    );
    expect(worker).toMatchObject({
      https_endpoint: `${system.cml.url}/workers/${worker.aws_instance_id}`,
      ami_name: expect.stringMatching(/^CML-2\.9\./),
    });
    const info = await fetch(`${worker.https_endpoint}/api/v0/system_information`);
    expect(info.status).toBe(200);
    const withMetrics = await system.waitForWorker(
      workerId,
      'metrics',
      (w) => w.metrics !== null && w.ec2_instance_state_detail === 'running',
    );
    expect(withMetrics.metrics).toMatchObject({ ready: true, version: expect.stringMatching(/^2\.9/) });
  });

  it('stops, starts and terminates the worker as desired', async () => {
    const workerId = await system.scaleUp();
    await system.waitForWorker(workerId, 'RUNNING', (w) => w.status === 'RUNNING');
    await system.api('POST', `/api/v1/workers/${workerId}/stop`);
    const stopped = await system.waitForWorker(workerId, 'STOPPED', (w) => w.status === 'STOPPED');
    expect(stopped).toMatchObject({ public_ip: null, https_endpoint: null, metrics: null });
    expect((await system.instancesOf(workerId))[0]?.State?.Name).toBe('stopped');
    await system.api('POST', `/api/v1/workers/${workerId}/start`);
    await system.waitForWorker(
      workerId,
      'RUNNING again',
      (w) => w.status === 'RUNNING' && w.service_status === 'AVAILABLE',
    );
    await system.api('DELETE', `/api/v1/workers/${workerId}`);
    await system.waitForWorker(workerId, 'TERMINATED', (w) => w.status === 'TERMINATED');
    expect((await system.instancesOf(workerId)).map((instance) => instance.State?.Name)).toEqual([
      'terminated',
    ]);
  });

  it('reports an instance stopped behind LCM’s back as STOPPED', async () => {
    const workerId = await system.scaleUp();
    const worker = await system.waitForWorker(workerId, 'RUNNING', (w) => w.status === 'RUNNING');
    await system.stopBehindLcmsBack(worker.aws_instance_id as string);
    await system.waitForWorker(workerId, 'STOPPED', (w) => w.status === 'STOPPED');
  });

  it('leaves a worker PENDING and backs off when no AMI matches its template (never FAILED)', async () => {
    const template = await system.api<{ id: string }>('POST', '/api/v1/worker-templates', {
      name: `no-ami-${system.deployment}`,
      instance_type: 'm5zn.metal',
      capacity: { cpu_cores: 48, memory_gb: 192, storage_gb: 500 },
      license_type: 'ENTERPRISE',
      max_nodes: 100,
      ami_pattern: 'NO-SUCH-CML-*',
      region: 'us-east-1',
    });
    const { worker_id: workerId } = await system.api<{ worker_id: string }>(
      'POST',
      '/api/v1/workers/scale-up',
      { template_id: template.id, reason: 'no AMI' },
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await system.worker(workerId)).status).toBe('PENDING');
    expect((await system.controllerStats()).decisions['launch:no_ami']).toBeGreaterThanOrEqual(2);
    expect(await system.instancesOf(workerId)).toEqual([]);
  });

  it('makes the worker FAILED when EC2 rejects the launch', async () => {
    const template = await system.api<{ id: string }>('POST', '/api/v1/worker-templates', {
      name: `rejected-${system.deployment}`,
      instance_type: 'm5zn.metal',
      capacity: { cpu_cores: 48, memory_gb: 192, storage_gb: 500 },
      license_type: 'ENTERPRISE',
      max_nodes: 100,
      ami_pattern: 'CML-2.9.*',
      region: REJECTING_REGION,
    });
    const { worker_id: workerId } = await system.api<{ worker_id: string }>(
      'POST',
      '/api/v1/workers/scale-up',
      { template_id: template.id, reason: 'bad subnet' },
    );
    await system.waitForWorker(workerId, 'FAILED', (w) => w.status === 'FAILED');
    expect((await system.controllerStats()).decisions['launch:rejected']).toBe(1);
  });

  it('launches exactly one instance when killed -9 between RunInstances and its report', async () => {
    const proxy = new HoldingProxy(
      system.cpa.url,
      (method, path, body) =>
        method === 'PATCH' && path.startsWith('/api/internal/workers/') && body.includes('"PROVISIONING"'),
    );
    await proxy.start();
    try {
      await system.controller.kill();
      await system.startController(proxy.url);
      const workerId = await system.scaleUp();
      await waitFor('the PROVISIONING report held by the proxy', async () => proxy.held.length > 0, 20_000);
      // The instance exists, its report hangs in the proxy: kill -9 now.
      expect((await system.instancesOf(workerId)).length).toBe(1);
      expect((await system.worker(workerId)).status).toBe('PENDING');
      await system.controller.kill();
      await system.startController();
      await system.waitForWorker(workerId, 'RUNNING after restart', (w) => w.status === 'RUNNING');
      expect((await system.instancesOf(workerId)).length).toBe(1);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('keeps a drained worker while a session runs on it and stops it once the session ended', async () => {
    const workerId = await system.scaleUp();
    await system.waitForWorker(
      workerId,
      'RUNNING',
      (w) => w.status === 'RUNNING' && w.service_status === 'AVAILABLE',
    );
    const sessionId = await system.sessionOn(workerId);
    await system.api('POST', `/api/v1/workers/${workerId}/drain`, { reason: 'maintenance' });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await system.worker(workerId)).status).toBe('DRAINING');
    await system.api('DELETE', `/api/v1/sessions/${sessionId}`);
    await system.waitForWorker(workerId, 'STOPPED', (w) => w.status === 'STOPPED');
    expect((await system.instancesOf(workerId))[0]?.State?.Name).toBe('stopped');
  });

  it('with scale-down enabled drains and stops an idle worker, and keeps one whose idle detection is off', async () => {
    const others = await system.api<{ items: { id: string }[] }>(
      'GET',
      '/api/v1/workers?status=RUNNING&limit=200',
    );
    await Promise.all(others.items.map((worker) => system.api('DELETE', `/api/v1/workers/${worker.id}`)));
    await system.api('PUT', '/api/v1/settings', {
      idle_detection: { timeout_minutes: 1 },
      monitoring: { worker_metrics_poll_interval_seconds: 1 },
      scaling: { scale_down_enabled: true, min_workers: 0, scale_down_cooldown_s: 1 },
    });
    const [idle, watched] = [await system.scaleUp(), await system.scaleUp()];
    await system.waitForWorker(watched, 'RUNNING', (w) => w.status === 'RUNNING');
    await system.api('POST', `/api/v1/workers/${watched}/idle-detection/disable`);
    await system.waitForWorker(idle, 'STOPPED after an idle minute', (w) => w.status === 'STOPPED', 90_000);
    expect((await system.controllerStats()).decisions['scale_down:drained']).toBeGreaterThanOrEqual(1);
    // Idle a moment later than the other, the watched worker is then kept by the eligibility guard.
    const keptIdle = async () =>
      ((await system.controllerStats()).decisions['scale_down:kept:not_eligible_for_pause'] ?? 0) >= 1;
    await waitFor('the idle worker without idle detection kept', keptIdle, 20_000);
    expect((await system.worker(watched)).status).toBe('RUNNING');
  }, 120_000);
});
