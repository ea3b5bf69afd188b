import { type CmlWorker, type CmlWorkerStatus, etcdPrefixes, parseEtcdKey } from '@lcm/contracts';
import { isNotFoundError } from '@lcm/cpa-client';
import { CML_WORKER_TRANSITIONS, isStartupOverdue, nextDrainStep } from '@lcm/domain';
import {
  type AwsWorkerPort,
  type Ec2InstanceInfo,
  isCapacityError,
  LCM_TAGS,
  newestImage,
} from '@lcm/integrations/aws';
import { type CmlPort } from '@lcm/integrations/cml';
import { isIntegrationError, isNotFound } from '@lcm/integrations/http';
import { type Etcd3 } from 'etcd3';
import {
  done,
  EtcdPrefixSource,
  type KeySource,
  ListSource,
  type ReconcileContext,
  type Reconciler,
  type ReconcileResult,
  requeueAfter,
} from '@lcm/reconciler-runtime';
import { listAll } from '../operations/paging';
import { report, templateOf, type WorkerControllerDeps } from '../operations/worker-context';

/** Keys under /lcm/workers/{id}/ that mean "look at this worker again". */
const WATCHED_KEYS = new Set(['workerDesired', 'workerActual', 'workerDiscoverLabs']);
/** A launch of a worker whose earlier instances were terminated takes the next generation (a fresh ClientToken). */
const MAX_LAUNCH_GENERATIONS = 20;

/** Where the lifecycle reconciler's keys (worker ids) come from: the worker keys in etcd and a list of every live worker. */
export function workerLifecycleSources(
  deps: Pick<WorkerControllerDeps, 'cpa' | 'logger' | 'now'>,
  etcd: Etcd3,
): KeySource[] {
  return [
    new EtcdPrefixSource({
      name: 'worker-keys',
      etcd,
      prefix: etcdPrefixes.workers,
      logger: deps.logger,
      keyOf: (key) => {
        const parsed = parseEtcdKey(key);
        return parsed && parsed.kind !== 'leader' && WATCHED_KEYS.has(parsed.kind) ? parsed.id : null;
      },
    }),
    new ListSource('live-workers', async () => {
      const now = deps.now();
      return (await listAll((query) => deps.cpa.workers.list({ query })))
        .filter((worker) => awaitsLifecycleStep(worker, now))
        .map((worker) => worker.id);
    }),
  ];
}

/** Statuses the worker leaves only through a lifecycle step (a launch, start, stop, drain or termination on its way). */
const ON_ITS_WAY: ReadonlySet<CmlWorkerStatus> = new Set([
  'PENDING',
  'PROVISIONING',
  'STARTING',
  'DRAINING',
  'STOPPING',
  'SHUTTING_DOWN',
]);

/**
 * Whether the resync must hand a listed worker to the lifecycle reconciler: one on its way, one whose
 * desired status differs from where it rests, or a RUNNING one whose metrics refresh is due. A worker
 * at rest where it should be needs nothing (its changes arrive through the etcd watch, drift through
 * the EC2 scan); listing it anyway cost one control-plane read per worker per resync, which at 1,000
 * workers filled the queue and kept the launching workers waiting behind the RUNNING ones
 * (docs/bench/system.md).
 */
export function awaitsLifecycleStep(worker: CmlWorker, now: Date): boolean {
  if (ON_ITS_WAY.has(worker.status)) return true;
  if (worker.desired_status === 'terminated') return worker.status !== 'TERMINATED';
  if (worker.status === 'STOPPED') return worker.desired_status === 'running';
  if (worker.status !== 'RUNNING') return false;
  const refreshAt = worker.cloudwatch.next_refresh_at;
  return worker.desired_status === 'stopped' || refreshAt === null || Date.parse(refreshAt) <= now.getTime();
}

/** A launch EC2 refused for good (bad parameters, permissions, capacity or quota): the worker is FAILED at once (spec §7.2). */
function isRejectedLaunch(error: unknown): boolean {
  return (
    isIntegrationError(error) &&
    (['invalid', 'unauthorized', 'conflict', 'not_found'].includes(error.kind) || isCapacityError(error))
  );
}

const isoOrNull = (value: string | null): string | null =>
  value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null;

/**
 * The status table of spec §7.2, one idempotent step per run: launch, wait for EC2 and CML, stop,
 * start, drain and terminate as the desired status says, reporting each observation through the
 * internal API. Steady workers (RUNNING, STOPPED, FAILED, UNKNOWN) are checked for drift by the EC2
 * scan in batches, not here, so a resync makes no EC2 call per worker.
 */
export class WorkerLifecycleReconciler implements Reconciler {
  readonly name = 'worker-lifecycle';

  constructor(
    private readonly deps: WorkerControllerDeps,
    readonly sources: readonly KeySource[],
    /** Asks the fleet metrics pass to run soon (an on-demand refresh, or a worker that just became RUNNING). */
    private readonly requestMetricsPass: () => void,
  ) {}

  async reconcile(workerId: string, context: ReconcileContext): Promise<ReconcileResult> {
    let worker: CmlWorker;
    try {
      worker = await this.deps.cpa.workers.get({ params: { worker_id: workerId } });
    } catch (error) {
      if (isNotFoundError(error)) return done();
      throw error;
    }
    if (worker.status === 'TERMINATED') {
      this.deps.cml.forget(worker.id);
      return done();
    }
    if (worker.desired_status === 'terminated' && worker.status !== 'SHUTTING_DOWN')
      return this.beginTermination(worker);
    switch (worker.status) {
      case 'PENDING':
        return this.launch(worker);
      case 'PROVISIONING':
      case 'STARTING':
        return this.awaitRunning(worker, context);
      case 'RUNNING':
        return this.running(worker);
      case 'DRAINING':
        return this.drain(worker);
      case 'STOPPING':
        return this.awaitStopped(worker);
      case 'STOPPED':
        return this.stopped(worker);
      case 'SHUTTING_DOWN':
        return this.awaitTerminated(worker);
      default:
        // FAILED, UNKNOWN: drift only, reported by the EC2 scan.
        return done();
    }
  }

  private aws(worker: CmlWorker): AwsWorkerPort {
    return this.deps.aws.port(worker.aws_region);
  }

  private poll(reason: string): ReconcileResult {
    return requeueAfter(this.deps.settings.transitionPollMs, reason);
  }

  private async launch(worker: CmlWorker): Promise<ReconcileResult> {
    const { deps } = this;
    const existing = await this.describe(worker);
    if (
      existing !== null &&
      existing !== 'not_yet' &&
      existing.state !== 'terminated' &&
      existing.state !== 'shutting-down'
    ) {
      // Imported while EC2 said pending, or a retried worker whose instance lives: only its start is awaited.
      await report(deps.cpa, worker.id, {
        status: 'PROVISIONING',
        aws_instance_id: existing.instance_id,
        reason: 'instance_exists',
      });
      return this.poll('provisioning');
    }
    const template = await templateOf(deps.cpa, worker);
    if (!template) throw new Error(`worker ${worker.id} has no template to launch from`);
    const network = deps.regions.network(worker.aws_region);
    const aws = this.aws(worker);
    const image = newestImage(await aws.findImages(template.ami_pattern, network.ami_owners));
    if (!image) {
      deps.decisions.record('launch', 'no_ami', {
        worker_id: worker.id,
        region: worker.aws_region,
        ami_pattern: template.ami_pattern,
      });
      throw new Error(`no AMI matching ${template.ami_pattern} in ${worker.aws_region}`);
    }
    let instance: Ec2InstanceInfo;
    try {
      instance = await this.launchFresh(aws, {
        workerId: worker.id,
        templateName: template.name,
        deploymentName: deps.settings.deploymentName,
        imageId: image.image_id,
        instanceType: template.instance_type,
        subnetId: network.subnet_id,
        securityGroupIds: network.security_group_ids,
        volumeSizeGb: template.capacity.storage_gb,
        ...(image.root_device_name ? { rootDeviceName: image.root_device_name } : {}),
        ...(network.key_name ? { keyName: network.key_name } : {}),
        ...(network.iam_instance_profile ? { iamInstanceProfileName: network.iam_instance_profile } : {}),
        extraTags: network.default_tags,
      });
    } catch (error) {
      if (!isRejectedLaunch(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      deps.decisions.record('launch', 'rejected', { worker_id: worker.id, error: message });
      await report(deps.cpa, worker.id, {
        status: 'FAILED',
        reason: `launch rejected: ${message}`.slice(0, 1000),
      });
      return done();
    }
    deps.decisions.record('launch', 'launched', {
      worker_id: worker.id,
      instance_id: instance.instance_id,
      image_id: image.image_id,
    });
    await report(deps.cpa, worker.id, {
      status: 'PROVISIONING',
      aws_instance_id: instance.instance_id,
      instance_type: template.instance_type,
      ami_id: image.image_id,
      ami_name: image.name,
      ami_description: image.description,
      ami_creation_date: isoOrNull(image.creation_date),
      reason: 'ec2_launched',
    });
    return this.poll('provisioning');
  }

  /** The worker's live instance: a repeated launch returns it (ClientToken + launch tag); a terminated one moves on a generation. */
  private async launchFresh(
    aws: AwsWorkerPort,
    spec: Parameters<AwsWorkerPort['launchInstance']>[0],
  ): Promise<Ec2InstanceInfo> {
    for (let generation = 0; generation < MAX_LAUNCH_GENERATIONS; generation++) {
      const instance = await aws.launchInstance({ ...spec, launchGeneration: generation });
      if (instance.state !== 'terminated' && instance.state !== 'shutting-down') return instance;
    }
    throw new Error(
      `worker ${spec.workerId} has ${MAX_LAUNCH_GENERATIONS} terminated launches; not launching again`,
    );
  }

  private async awaitRunning(worker: CmlWorker, context: ReconcileContext): Promise<ReconcileResult> {
    const { deps } = this;
    const template = await templateOf(deps.cpa, worker);
    const startupMinutes = template?.startup_time_minutes ?? deps.settings.workerBootMinutes;
    if (isStartupOverdue(worker.start_initiated_at, startupMinutes, deps.now())) {
      deps.decisions.record('startup', 'timed_out', {
        worker_id: worker.id,
        startup_minutes: startupMinutes,
      });
      await report(deps.cpa, worker.id, {
        status: 'FAILED',
        reason: `not running after ${startupMinutes * 1.5} minutes (startup_time × 1.5)`,
      });
      return done();
    }
    const instance = await this.describe(worker);
    if (instance === 'not_yet') return this.poll('ec2_not_visible_yet');
    if (instance === null || instance.state === 'terminated' || instance.state === 'shutting-down')
      return this.reportGone(worker);
    if (instance.state === 'stopped') {
      if (worker.status === 'PROVISIONING') {
        await report(deps.cpa, worker.id, { status: 'STARTING', reason: 'ec2_stopped_while_provisioning' });
        return this.poll('starting');
      }
      await this.aws(worker).startInstance(instance.instance_id);
      deps.decisions.record('start', 'ec2_start_issued', {
        worker_id: worker.id,
        instance_id: instance.instance_id,
      });
      return this.poll('ec2_starting');
    }
    if (instance.state !== 'running') return this.poll(`ec2_${instance.state}`);
    const addressed = { ...worker, public_ip: instance.public_ip, private_ip: instance.private_ip };
    const cml = deps.cml.forWorker(addressed);
    if (!cml) return this.poll('no_address_yet');
    if (!(await this.cmlReady(cml.client, context))) return this.poll('cml_not_ready');
    await report(deps.cpa, worker.id, {
      status: 'RUNNING',
      service_status: 'AVAILABLE',
      https_endpoint: cml.baseUrl,
      public_ip: instance.public_ip,
      private_ip: instance.private_ip,
      ec2_instance_state_detail: instance.state,
      reason: 'cml_ready',
    });
    deps.decisions.record('startup', 'running', {
      worker_id: worker.id,
      instance_id: instance.instance_id,
      endpoint: cml.baseUrl,
    });
    this.requestMetricsPass();
    return done();
  }

  /** CML is up once system information says ready and the (authenticated) health call answers (spec §7.2). */
  private async cmlReady(cml: CmlPort, context: ReconcileContext): Promise<boolean> {
    try {
      if (!(await cml.getSystemInformation()).ready) return false;
      await cml.getSystemHealth();
      return true;
    } catch (error) {
      context.log.debug({ err: error }, 'CML not answering yet');
      return false;
    }
  }

  private async running(worker: CmlWorker): Promise<ReconcileResult> {
    if (worker.desired_status === 'stopped') {
      await this.deps.cpa.workers.stop({
        params: { worker_id: worker.id },
        body: { reason: 'desired_stopped' },
      });
      return this.poll('stopping');
    }
    const refreshAt = worker.cloudwatch.next_refresh_at;
    if (refreshAt === null || Date.parse(refreshAt) <= this.deps.now().getTime()) this.requestMetricsPass();
    return done();
  }

  private async drain(worker: CmlWorker): Promise<ReconcileResult> {
    const { deps } = this;
    const sessions = await listAll((query) =>
      deps.cpa.workers.sessions({ params: { worker_id: worker.id }, query }),
    );
    const template = await templateOf(deps.cpa, worker);
    const step = nextDrainStep({
      drain_started_at: worker.drain_started_at,
      drain_timeout_hours: template?.drain_timeout_hours ?? deps.settings.drainTimeoutHours,
      active_session_ids: sessions.map((session) => session.id),
      now: deps.now(),
    });
    if (step.kind === 'wait') {
      return requeueAfter(Math.max(0, step.until.getTime() - deps.now().getTime()), 'draining');
    }
    if (step.kind === 'terminate_sessions') {
      for (const sessionId of step.session_ids) {
        await deps.cpa.sessions.transition({
          params: { lablet_session_id: sessionId },
          body: { target_status: 'TERMINATED', reason: 'drain_timeout' },
        });
        deps.decisions.record('drain', 'session_terminated', { worker_id: worker.id, session_id: sessionId });
      }
    }
    await deps.cpa.workers.stop({
      params: { worker_id: worker.id },
      body: { reason: step.kind === 'stop' ? 'drained' : 'drain_timeout' },
    });
    deps.decisions.record('drain', step.kind === 'stop' ? 'empty_stop' : 'timeout_stop', {
      worker_id: worker.id,
    });
    return this.poll('stopping');
  }

  private async awaitStopped(worker: CmlWorker): Promise<ReconcileResult> {
    const { deps } = this;
    const instance = await this.describe(worker);
    if (instance === 'not_yet') return this.poll('ec2_not_visible_yet');
    if (instance === null || instance.state === 'terminated' || instance.state === 'shutting-down')
      return this.reportGone(worker);
    if (instance.state === 'running' || instance.state === 'pending') {
      await this.aws(worker).stopInstance(instance.instance_id);
      deps.decisions.record('stop', 'ec2_stop_issued', {
        worker_id: worker.id,
        instance_id: instance.instance_id,
      });
      return this.poll('ec2_stopping');
    }
    if (instance.state !== 'stopped') return this.poll(`ec2_${instance.state}`);
    await report(deps.cpa, worker.id, {
      status: 'STOPPED',
      ec2_instance_state_detail: 'stopped',
      reason: 'ec2_stopped',
    });
    deps.cml.forget(worker.id);
    deps.decisions.record('stop', 'stopped', { worker_id: worker.id });
    return done();
  }

  private async stopped(worker: CmlWorker): Promise<ReconcileResult> {
    if (worker.desired_status !== 'running') return done();
    await report(this.deps.cpa, worker.id, { status: 'STARTING', reason: 'desired_running' });
    return this.poll('starting');
  }

  /** Desired terminated: through SHUTTING_DOWN where the table allows it, else the instance goes and the worker is TERMINATED. */
  private async beginTermination(worker: CmlWorker): Promise<ReconcileResult> {
    const { deps } = this;
    if ((CML_WORKER_TRANSITIONS[worker.status] as readonly CmlWorkerStatus[]).includes('SHUTTING_DOWN')) {
      await report(deps.cpa, worker.id, { status: 'SHUTTING_DOWN', reason: 'desired_terminated' });
      return this.poll('shutting_down');
    }
    for (const instanceId of await this.instancesOf(worker))
      await this.aws(worker).terminateInstance(instanceId);
    await report(deps.cpa, worker.id, { status: 'TERMINATED', reason: 'terminated' });
    deps.decisions.record('terminate', 'terminated', { worker_id: worker.id, from: worker.status });
    return done();
  }

  private async awaitTerminated(worker: CmlWorker): Promise<ReconcileResult> {
    const { deps } = this;
    const aws = this.aws(worker);
    // TerminateInstances keeps answering shutting-down (moto even for a terminated instance): the describe decides.
    const live = (await aws.describeInstances(await this.instancesOf(worker))).filter(
      (instance) => instance.state !== 'terminated',
    );
    for (const instance of live.filter((candidate) => candidate.state !== 'shutting-down'))
      await aws.terminateInstance(instance.instance_id);
    if (live.length > 0) return this.poll('ec2_shutting_down');
    await report(deps.cpa, worker.id, { status: 'TERMINATED', reason: 'terminated' });
    deps.cml.forget(worker.id);
    deps.decisions.record('terminate', 'terminated', { worker_id: worker.id });
    return done();
  }

  /** Its recorded instance and any other live one carrying its tags (a launch whose report was lost). */
  private async instancesOf(worker: CmlWorker): Promise<string[]> {
    const tagged = await this.aws(worker).findInstances({
      tags: { [LCM_TAGS.workerId]: worker.id, [LCM_TAGS.deployment]: this.deps.settings.deploymentName },
      states: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'],
    });
    return [
      ...new Set([
        ...(worker.aws_instance_id ? [worker.aws_instance_id] : []),
        ...tagged.map((instance) => instance.instance_id),
      ]),
    ];
  }

  /**
   * The worker's instance; null when EC2 does not know it, `not_yet` while that may still be EC2's
   * eventual consistency right after a launch or start.
   */
  private async describe(worker: CmlWorker): Promise<Ec2InstanceInfo | null | 'not_yet'> {
    if (!worker.aws_instance_id) return null;
    try {
      return await this.aws(worker).describeInstance(worker.aws_instance_id);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const since = worker.start_initiated_at ?? worker.updated_at;
      return this.deps.now().getTime() - Date.parse(since) < this.deps.settings.ec2ConsistencyGraceMs
        ? 'not_yet'
        : null;
    }
  }

  private async reportGone(worker: CmlWorker): Promise<ReconcileResult> {
    await report(this.deps.cpa, worker.id, { status: 'TERMINATED', reason: 'instance_gone' });
    this.deps.cml.forget(worker.id);
    this.deps.decisions.record('drift', 'instance_gone', {
      worker_id: worker.id,
      instance_id: worker.aws_instance_id,
    });
    return done();
  }
}
