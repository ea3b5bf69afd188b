import { apiContract } from '@lcm/contracts';
import { InvalidError } from '@lcm/integrations/http';
import { RegionsConfig } from '../config/regions-config';
import { FakeFleet } from '../testing/fake-fleet';
import { reconcileContext } from '../testing/reconcile-context';
import { type Etcd3 } from 'etcd3';
import { WorkerLifecycleReconciler, workerLifecycleSources } from './worker-lifecycle.reconciler';

const routes = apiContract.internal.workers;

describe('worker lifecycle (spec §7.2 status table)', () => {
  let fleet: FakeFleet;
  let metricsPassRequests: number;
  let reconciler: WorkerLifecycleReconciler;
  const step = (workerId: string) => reconciler.reconcile(workerId, reconcileContext(workerId));

  const useFleet = (next: FakeFleet) => {
    fleet = next;
    metricsPassRequests = 0;
    reconciler = new WorkerLifecycleReconciler(fleet.deps, [], () => metricsPassRequests++);
  };
  beforeEach(() => useFleet(new FakeFleet()));

  it('launches a PENDING worker from its template with the newest matching AMI, the region network and LCM tags', async () => {
    fleet.aws.registerImage({ name: 'CML-2.9.1-build-7', creation_date: '2025-06-01T00:00:00.000Z' });
    fleet.aws.registerImage({ name: 'CML-3.0.0', creation_date: '2025-09-01T00:00:00.000Z' });
    const worker = fleet.add();
    await expect(step(worker.id)).resolves.toMatchObject({ kind: 'requeue' });
    const [instance] = [...fleet.aws.instances.values()];
    expect(instance).toMatchObject({
      instance_type: 'm5zn.metal',
      subnet_id: 'subnet-1',
      tags: {
        'lcm:worker-id': worker.id,
        'lcm:template': 'multi-sessions',
        'lcm:deployment': 'lcm-test',
        ManagedBy: 'cml-cloud-manager',
        team: 'lcm',
      },
    });
    expect(fleet.workers.get(worker.id)).toMatchObject({
      status: 'PROVISIONING',
      aws_instance_id: instance?.instance_id,
      ami_name: 'CML-2.9.1-build-7',
    });
  });

  it('never launches a second instance when the report of the first was lost (crash after RunInstances)', async () => {
    const worker = fleet.add();
    fleet.cpa.failNext(routes.patchWorker, 503);
    await expect(step(worker.id)).rejects.toThrow(/503/);
    await step(worker.id);
    expect(fleet.aws.instances.size).toBe(1);
    expect(fleet.workers.get(worker.id)?.status).toBe('PROVISIONING');
  });

  it('fails the step with backoff, not the worker, when no AMI matches or the region has no network settings', async () => {
    fleet.aws.images.length = 0;
    const worker = fleet.add();
    await expect(step(worker.id)).rejects.toThrow(/no AMI matching CML-2\.9\.\* in us-east-1/);
    useFleet(new FakeFleet({ regions: new RegionsConfig({ regions: {} }, 'test') }));
    const other = fleet.add();
    await expect(step(other.id)).rejects.toThrow(/no network settings for region us-east-1/);
    expect(fleet.statuses(worker.id)).toEqual([]);
    expect(fleet.statuses(other.id)).toEqual([]);
    expect(fleet.decisions.snapshot()).toEqual({});
  });

  it('makes the worker FAILED when EC2 rejects the launch', async () => {
    fleet.aws.recorder.failNext(
      'launchInstance',
      new InvalidError({
        system: 'aws',
        operation: 'launchInstance',
        code: 'InvalidParameterValue',
        message: 'bad instance type',
      }),
    );
    const worker = fleet.add();
    await expect(step(worker.id)).resolves.toEqual({ kind: 'done' });
    expect(fleet.statuses(worker.id)).toEqual(['FAILED']);
    expect(fleet.decisions.snapshot()).toEqual({ 'launch:rejected': 1 });
  });

  it('reports RUNNING + AVAILABLE with the endpoint only once EC2 runs and CML is ready', async () => {
    const worker = fleet.add();
    await step(worker.id);
    const instanceId = fleet.workers.get(worker.id)?.aws_instance_id as string;
    fleet.cmlFor(instanceId).systemInformation = {
      ...fleet.cmlFor(instanceId).systemInformation,
      ready: false,
    };
    await expect(step(worker.id)).resolves.toMatchObject({ kind: 'requeue', reason: 'cml_not_ready' });
    fleet.cmlFor(instanceId).systemInformation = {
      ...fleet.cmlFor(instanceId).systemInformation,
      ready: true,
    };
    await expect(step(worker.id)).resolves.toEqual({ kind: 'done' });
    expect(fleet.workers.get(worker.id)).toMatchObject({
      status: 'RUNNING',
      service_status: 'AVAILABLE',
      https_endpoint: `http://cml.test/workers/${instanceId}`,
      public_ip: expect.any(String),
    });
    expect(metricsPassRequests).toBe(1);
  });

  it('gives up after startup_time × 1.5 (FAILED)', async () => {
    const worker = fleet.add({
      status: 'PROVISIONING',
      aws_instance_id: 'i-gone',
      start_initiated_at: '2026-04-10T11:29:00.000Z',
    });
    await expect(step(worker.id)).resolves.toEqual({ kind: 'done' });
    expect(fleet.statuses(worker.id)).toEqual(['FAILED']);
  });

  it('starts the instance of a STARTING worker, stops the instance of a STOPPING one and reports STOPPED', async () => {
    const worker = await fleet.addRunning();
    const instanceId = worker.aws_instance_id as string;
    await fleet.aws.stopInstance(instanceId);
    await fleet.aws.describeInstance(instanceId);
    fleet.workers.set(worker.id, { ...worker, status: 'STARTING' });
    await step(worker.id);
    expect(fleet.aws.recorder.operations()).toContain('startInstance');
    fleet.workers.set(worker.id, {
      ...fleet.worker(worker.id),
      status: 'STOPPING',
      desired_status: 'stopped',
    });
    await expect(step(worker.id)).resolves.toMatchObject({ kind: 'requeue' });
    expect(fleet.aws.recorder.operations()).toContain('stopInstance');
    await expect(step(worker.id)).resolves.toEqual({ kind: 'done' });
    expect(fleet.workers.get(worker.id)).toMatchObject({
      status: 'STOPPED',
      public_ip: null,
      https_endpoint: null,
    });
  });

  it('turns a STOPPED worker with desired running into STARTING, and terminates through SHUTTING_DOWN', async () => {
    const worker = await fleet.addRunning({ status: 'STOPPED', desired_status: 'running' });
    await step(worker.id);
    expect(fleet.statuses(worker.id)).toEqual(['STARTING']);
    fleet.workers.set(worker.id, {
      ...fleet.worker(worker.id),
      status: 'RUNNING',
      desired_status: 'terminated',
    });
    await step(worker.id);
    await expect(step(worker.id)).resolves.toMatchObject({ kind: 'requeue', reason: 'ec2_shutting_down' });
    await expect(step(worker.id)).resolves.toEqual({ kind: 'done' });
    expect(fleet.statuses(worker.id)).toEqual(['STARTING', 'SHUTTING_DOWN', 'TERMINATED']);
    expect(fleet.aws.instances.get(worker.aws_instance_id as string)?.state).not.toBe('running');
  });

  it('terminates a cancelled PENDING worker, including an instance whose launch report was lost', async () => {
    const worker = fleet.add({ desired_status: 'terminated' });
    const lost = await fleet.aws.launchInstance({
      workerId: worker.id,
      templateName: 'multi-sessions',
      deploymentName: 'lcm-test',
      imageId: 'ami-1',
      instanceType: 'm5zn.metal',
      subnetId: 's',
      securityGroupIds: ['g'],
    });
    await expect(step(worker.id)).resolves.toEqual({ kind: 'done' });
    expect(fleet.statuses(worker.id)).toEqual(['TERMINATED']);
    expect(fleet.aws.recorder.callsTo('terminateInstance')).toEqual([[lost.instance_id]]);
  });

  it('stops a DRAINING worker once its last session ended', async () => {
    const worker = await fleet.addRunning({
      status: 'DRAINING',
      desired_status: 'stopped',
      drain_started_at: '2026-04-10T11:00:00.000Z',
    });
    fleet.sessions.set(worker.id, [{ id: 's-1' } as never]);
    await expect(step(worker.id)).resolves.toMatchObject({ kind: 'requeue', afterMs: 3 * 3_600_000 });
    expect(fleet.cpa.callsTo(routes.stopWorker)).toEqual([]);
    fleet.sessions.set(worker.id, []);
    await step(worker.id);
    expect(fleet.cpa.callsTo(routes.stopWorker)).toEqual([
      { params: { worker_id: worker.id }, body: { reason: 'drained' } },
    ]);
  });

  it('past the drain timeout terminates the remaining sessions through the control plane, then stops', async () => {
    const worker = await fleet.addRunning({
      status: 'DRAINING',
      desired_status: 'stopped',
      drain_started_at: '2026-04-10T07:59:00.000Z',
    });
    fleet.sessions.set(worker.id, [{ id: 's-1' } as never, { id: 's-2' } as never]);
    fleet.cpa.on(apiContract.internal.sessions.transitionSession, () => ({}) as never);
    await step(worker.id);
    expect(
      fleet.cpa
        .callsTo(apiContract.internal.sessions.transitionSession)
        .map((call) => [call.params.lablet_session_id, call.body.target_status]),
    ).toEqual([
      ['s-1', 'TERMINATED'],
      ['s-2', 'TERMINATED'],
    ]);
    expect(fleet.cpa.callsTo(routes.stopWorker)).toEqual([
      { params: { worker_id: worker.id }, body: { reason: 'drain_timeout' } },
    ]);
    expect(fleet.decisions.snapshot()).toMatchObject({
      'drain:session_terminated': 2,
      'drain:timeout_stop': 1,
    });
  });

  it('asks for a metrics pass when a RUNNING worker is due (on-demand refresh) and makes no EC2 call for it', async () => {
    const worker = await fleet.addRunning({
      cloudwatch: { ...fleet.add().cloudwatch, next_refresh_at: '2026-04-10T11:59:59.000Z' },
    });
    await expect(step(worker.id)).resolves.toEqual({ kind: 'done' });
    expect(metricsPassRequests).toBe(1);
    expect(fleet.aws.recorder.operations()).toEqual([]);
  });

  it('resyncs only the workers that await a step: none at rest where they should be (one control-plane read each at 1,000 workers)', async () => {
    const { cloudwatch } = fleet.add();
    fleet.workers.clear();
    const dueAt = (minutes: number) => ({
      ...cloudwatch,
      next_refresh_at: new Date(fleet.now.getTime() + minutes * 60_000).toISOString(),
    });
    const launching = fleet.add({ status: 'PENDING' });
    const provisioning = fleet.add({ status: 'PROVISIONING' });
    const draining = fleet.add({ status: 'DRAINING' });
    const toStop = await fleet.addRunning({ desired_status: 'stopped', cloudwatch: dueAt(5) });
    const refreshDue = await fleet.addRunning({ cloudwatch: dueAt(-1) });
    const neverCollected = await fleet.addRunning({ cloudwatch: { ...cloudwatch, next_refresh_at: null } });
    const toStart = fleet.add({ status: 'STOPPED', desired_status: 'running' });
    const failedToTerminate = fleet.add({ status: 'FAILED', desired_status: 'terminated' });
    await fleet.addRunning({ cloudwatch: dueAt(5) });
    fleet.add({ status: 'STOPPED', desired_status: 'stopped' });
    fleet.add({ status: 'FAILED', desired_status: 'running' });
    const resync = workerLifecycleSources(fleet.deps, {} as Etcd3).find((source) => source.list);
    expect(await resync?.list?.()).toEqual(
      [launching, provisioning, draining, toStop, refreshDue, neverCollected, toStart, failedToTerminate].map(
        (worker) => worker.id,
      ),
    );
  });
});
