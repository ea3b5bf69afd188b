import { type CmlWorker, type ReportWorkerMetricsBody, type SystemSettings } from '@lcm/contracts';
import { evaluateIdleness, evaluateScaleDown, recordActivity, type ScaleDownGuard } from '@lcm/domain';
import { type CmlPort } from '@lcm/integrations/cml';
import {
  done,
  type KeySource,
  ListSource,
  type Reconciler,
  type ReconcileResult,
} from '@lcm/reconciler-runtime';
import { type CmlReadings, cmlLicenseFrom, cmlMetricsFrom } from '../operations/cml-observation';
import { reportDrift } from '../operations/drift';
import { type InstanceReadings, readInstances, statusCheckSummary } from '../operations/ec2-fleet-readings';
import { groupBy, mapLimited } from '../operations/limited';
import { listAll } from '../operations/paging';
import { type WorkerControllerDeps } from '../operations/worker-context';

/** The periodic pass: collects every worker due before the next one. */
export const METRICS_PASS_KEY = 'fleet-metrics';
/** A pass on request (a worker just became RUNNING, an on-demand refresh): collects only workers due now. */
export const METRICS_DUE_NOW_KEY = 'fleet-metrics:due-now';

/** A key source others can fire: an on-demand refresh or a worker that just became RUNNING runs the pass soon. */
export class TriggerSource implements KeySource {
  readonly name = 'trigger';
  private enqueue: ((key: string) => void) | null = null;

  constructor(private readonly key: string) {}

  async watch(enqueue: (key: string) => void): Promise<void> {
    this.enqueue = enqueue;
  }

  fire(): void {
    this.enqueue?.(this.key);
  }
}

export function fleetMetricsSources(intervalMs: number, trigger: TriggerSource): KeySource[] {
  return [new ListSource('metrics-interval', async () => [METRICS_PASS_KEY], intervalMs), trigger];
}

/** What one pass did, for the admin stats and the benchmark. */
export interface MetricsPassSummary {
  workers: number;
  collected: number;
  cml_failures: number;
  drift_reports: number;
  activity_reports: number;
  drained: number;
  duration_ms: number;
}

const ACTIVE_SESSION_STATUSES_DUE = ['PENDING'] as const;

/**
 * The RUNNING row of spec §7.2 for the whole fleet at once: EC2 status checks and CloudWatch in
 * batched calls per region, then each due worker's CML (system information, health, stats,
 * licensing) with bounded concurrency — a worker whose CML answers 502 or times out is reported
 * without its CML part and never delays the others — one metrics report per worker, drift of
 * RUNNING/DRAINING workers, and every 30 minutes per worker the activity check followed by the
 * scale-down evaluation.
 */
export class FleetMetricsReconciler implements Reconciler {
  readonly name = 'fleet-metrics';
  readonly parallelism = 1;
  lastPass: MetricsPassSummary | null = null;
  /** This controller's last scale-down drain (guard 5 cooldown). */
  private lastDrainAt: Date | null = null;

  constructor(
    private readonly deps: WorkerControllerDeps,
    readonly sources: readonly KeySource[],
    private readonly passIntervalMs: number,
  ) {}

  async reconcile(key: string): Promise<ReconcileResult> {
    this.lastPass = await this.pass(key === METRICS_DUE_NOW_KEY ? 'due_now' : 'periodic');
    return done();
  }

  /**
   * A periodic pass also takes the workers due before the next periodic pass (the settings' poll
   * interval sets next_refresh_at; a refresh request sets it to now). A pass on request takes only
   * those due now: while a fleet comes up, every worker turning RUNNING asks for a pass, and with
   * the horizon each of them collected and reported the whole fleet again, one control-plane write
   * per RUNNING worker (docs/bench/system.md).
   */
  async pass(kind: 'periodic' | 'due_now' = 'periodic'): Promise<MetricsPassSummary> {
    const { deps } = this;
    const started = Date.now();
    const now = deps.now();
    const [settings, workers] = await Promise.all([
      deps.cpa.settings.get(),
      listAll((query) => deps.cpa.workers.list({ query: { ...query, status: ['RUNNING', 'DRAINING'] } })),
    ]);
    const horizon = now.getTime() + (kind === 'periodic' ? this.passIntervalMs / 2 : 0);
    const due = workers.filter(
      (worker) =>
        worker.aws_instance_id &&
        (worker.cloudwatch.next_refresh_at === null ||
          Date.parse(worker.cloudwatch.next_refresh_at) <= horizon),
    );
    const readings = new Map<string, InstanceReadings>();
    for (const [region, regional] of groupBy(due, (worker) => worker.aws_region)) {
      const byRegion = await readInstances(
        deps.aws.port(region),
        regional.map((worker) => worker.aws_instance_id as string),
        now,
      );
      for (const [instanceId, reading] of byRegion) readings.set(instanceId, reading);
    }
    const summary: MetricsPassSummary = {
      workers: workers.length,
      collected: 0,
      cml_failures: 0,
      drift_reports: 0,
      activity_reports: 0,
      drained: 0,
      duration_ms: 0,
    };
    const scaleDown = new ScaleDownBudget(settings, workers, this.lastDrainAt);
    await mapLimited(due, deps.settings.cmlConcurrency, async (worker) => {
      try {
        await this.observeWorker(
          worker,
          readings.get(worker.aws_instance_id as string) ?? null,
          settings,
          scaleDown,
          summary,
        );
      } catch (error) {
        deps.logger.warn(
          { worker_id: worker.id, err: error },
          'metrics of one worker failed; the pass goes on',
        );
      }
    });
    this.lastDrainAt = scaleDown.lastDrainAt;
    summary.duration_ms = Date.now() - started;
    deps.logger.debug({ ...summary }, 'metrics pass done');
    return summary;
  }

  private async observeWorker(
    worker: CmlWorker,
    reading: InstanceReadings | null,
    settings: SystemSettings,
    scaleDown: ScaleDownBudget,
    summary: MetricsPassSummary,
  ): Promise<void> {
    const { deps } = this;
    const instance = reading?.instance ?? null;
    if (await reportDrift(deps, worker, instance)) summary.drift_reports++;
    if (!instance || instance.state !== 'running') return;
    const cml = deps.cml.forWorker(worker);
    const cmlReadings = cml ? await this.readCml(cml.client) : null;
    if (!cmlReadings || !cmlReadings.info) summary.cml_failures++;
    const now = deps.now();
    const metrics = cmlReadings ? cmlMetricsFrom(cmlReadings, now) : null;
    const body: ReportWorkerMetricsBody = {
      collected_at: now.toISOString(),
      ec2: {
        ec2_instance_state_detail: instance.state,
        ec2_system_status_check: statusCheckSummary(reading?.status ?? null),
      },
      cloudwatch: {
        cpu_utilization: reading?.cpu_utilization ?? null,
        memory_utilization: reading?.memory_utilization ?? null,
      },
      ...(metrics ? { metrics } : {}),
      ...(cmlReadings?.licensing ? { license: cmlLicenseFrom(cmlReadings.licensing) } : {}),
    };
    await deps.cpa.workers.reportMetrics({ params: { worker_id: worker.id }, body });
    summary.collected++;
    const lastCheck = worker.last_activity_check_at ? Date.parse(worker.last_activity_check_at) : null;
    const idleCheckDue =
      lastCheck === null || now.getTime() - lastCheck >= deps.settings.activityCheckIntervalMs;
    if (cml && worker.status === 'RUNNING' && idleCheckDue)
      await this.checkActivity(worker, cml.client, settings, scaleDown, summary);
  }

  /** Each part on its own: one failing call (502, timeout, 401) leaves the others' readings. */
  private async readCml(cml: CmlPort): Promise<CmlReadings> {
    const settle = async <T>(read: () => Promise<T>): Promise<T | null> => {
      try {
        return await read();
      } catch {
        return null;
      }
    };
    const info = await settle(() => cml.getSystemInformation());
    if (!info) return { info: null, health: null, stats: null, licensing: null, labsCount: null };
    const [health, stats, licensing, labIds] = await Promise.all([
      settle(() => cml.getSystemHealth()),
      settle(() => cml.getSystemStats()),
      settle(() => cml.getLicensing()),
      settle(() => cml.listLabIds()),
    ]);
    return { info, health, stats, licensing, labsCount: labIds?.length ?? null };
  }

  /**
   * Activity detection (spec §7.2): the telemetry since the last check is evaluated as the control
   * plane will evaluate it; with scale-down enabled an idle worker that passes every guard is
   * drained before the report, so the control plane does not also auto-pause it.
   */
  private async checkActivity(
    worker: CmlWorker,
    cml: CmlPort,
    settings: SystemSettings,
    scaleDown: ScaleDownBudget,
    summary: MetricsPassSummary,
  ): Promise<void> {
    const { deps } = this;
    const now = deps.now();
    const since = worker.last_activity_check_at ? Date.parse(worker.last_activity_check_at) : 0;
    const telemetry = await cml.getTelemetryEvents();
    const events = telemetry
      .filter((event) => !Number.isNaN(Date.parse(event.timestamp)) && Date.parse(event.timestamp) > since)
      .map((event) => ({
        type: event.category,
        at: new Date(event.timestamp).toISOString(),
        user_id: typeof event.data?.['user_id'] === 'string' ? (event.data['user_id'] as string) : null,
        lab_id: typeof event.data?.['lab_id'] === 'string' ? (event.data['lab_id'] as string) : null,
      }));
    const activityReport = { checked_at: now.toISOString(), events };
    const subject = {
      id: worker.id,
      status: worker.status,
      created_at: worker.created_at,
      start_initiated_at: worker.start_initiated_at,
      activity: { ...worker, recent_activity_events: worker.recent_activity_events },
    };
    const idle = evaluateIdleness(
      { ...subject, activity: recordActivity(subject.activity, activityReport, settings.idle_detection) },
      settings.idle_detection,
      now,
    );
    if (settings.scaling.scale_down_enabled)
      await scaleDown.exclusive(() => this.considerScaleDown(worker, idle, scaleDown, summary));
    await deps.cpa.workers.reportActivity({ params: { worker_id: worker.id }, body: activityReport });
    summary.activity_reports++;
  }

  private async considerScaleDown(
    worker: CmlWorker,
    idle: { is_idle: boolean; eligible_for_pause: boolean },
    scaleDown: ScaleDownBudget,
    summary: MetricsPassSummary,
  ): Promise<void> {
    const { deps } = this;
    const now = deps.now();
    const decision = evaluateScaleDown({
      settings: scaleDown.settings,
      worker,
      idle,
      running_workers: scaleDown.runningWorkers,
      last_drain_at: scaleDown.lastDrainAt,
      sessions_on_worker: worker.session_ids.length,
      sessions_due_within_grace:
        worker.session_ids.length > 0 ? 0 : await scaleDown.sessionsDue(() => this.pendingSessionsDue(now)),
      now,
    });
    if (!decision.drain) {
      deps.decisions.record('scale_down', `kept:${decision.blocked_by satisfies ScaleDownGuard}`, {
        worker_id: worker.id,
      });
      return;
    }
    try {
      await deps.cpa.workers.drain({ params: { worker_id: worker.id }, body: { reason: 'scale_down' } });
    } catch (error) {
      // A failed drain call changes nothing (spec §7.2): no count, no cooldown; the next check tries again.
      deps.decisions.record('scale_down', 'drain_failed', { worker_id: worker.id, err: error });
      return;
    }
    scaleDown.drained(now);
    summary.drained++;
    deps.decisions.record('scale_down', 'drained', {
      worker_id: worker.id,
      running_workers_left: scaleDown.runningWorkers,
    });
  }

  /** FR-2.5.3a: sessions still waiting for a worker whose timeslot starts within the grace period (or as soon as possible). */
  private async pendingSessionsDue(now: Date): Promise<number> {
    const graceEnd = now.getTime() + this.deps.settings.scaleDownGraceMinutes * 60_000;
    const pending = await listAll((query) =>
      this.deps.cpa.sessions.list({ query: { ...query, status: [...ACTIVE_SESSION_STATUSES_DUE] } }),
    );
    return pending.filter(
      (session) => session.timeslot_start === null || Date.parse(session.timeslot_start) <= graceEnd,
    ).length;
  }
}

/** Guard inputs shared by one pass: each drain lowers the running count for the workers after it (spec §7.2 guard 4). */
class ScaleDownBudget {
  readonly settings: SystemSettings['scaling'];
  runningWorkers: number;
  lastDrainAt: Date | null;
  private dueCount: Promise<number> | null = null;
  private turn: Promise<unknown> = Promise.resolve();

  constructor(settings: SystemSettings, workers: readonly CmlWorker[], lastDrainAt: Date | null) {
    this.settings = settings.scaling;
    this.runningWorkers = workers.filter((worker) => worker.status === 'RUNNING').length;
    const drainedByUs = workers
      .filter((worker) => worker.drain_reason === 'scale_down' && worker.drain_started_at)
      .map((worker) => new Date(worker.drain_started_at as string));
    this.lastDrainAt = [lastDrainAt, ...drainedByUs].reduce<Date | null>(
      (latest, at) => (at && (!latest || at > latest) ? at : latest),
      null,
    );
  }

  /** The pending sessions are read once per pass, and only if some worker gets that far. */
  sessionsDue(read: () => Promise<number>): Promise<number> {
    this.dueCount ??= read();
    return this.dueCount;
  }

  /** Decisions one at a time: each sees the running count and cooldown the previous one left. */
  exclusive(decide: () => Promise<void>): Promise<void> {
    const next = this.turn.then(decide);
    this.turn = next.catch(() => undefined);
    return next;
  }

  drained(at: Date): void {
    this.runningWorkers--;
    this.lastDrainAt = at;
  }
}
