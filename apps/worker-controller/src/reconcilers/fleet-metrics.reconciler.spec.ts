import { apiContract } from '@lcm/contracts';
import { UnavailableError } from '@lcm/integrations/http';
import { FakeFleet } from '../testing/fake-fleet';
import { FleetMetricsReconciler, METRICS_DUE_NOW_KEY, METRICS_PASS_KEY } from './fleet-metrics.reconciler';

const routes = apiContract.internal.workers;
const minutesBefore = (now: Date, minutes: number) =>
  new Date(now.getTime() - minutes * 60_000).toISOString();

describe('fleet metrics pass', () => {
  let fleet: FakeFleet;
  let pass: FleetMetricsReconciler;

  beforeEach(() => {
    fleet = new FakeFleet();
    pass = new FleetMetricsReconciler(fleet.deps, [], 60_000);
  });

  it('reads the whole fleet with one EC2 describe, one status call and one CloudWatch call, then reports each worker', async () => {
    const workers = await Promise.all(Array.from({ length: 30 }, () => fleet.addRunning()));
    const summary = await pass.pass();
    expect(fleet.aws.recorder.operations().sort()).toEqual([
      'describeInstanceStatuses',
      'describeInstances',
      'getMetricData',
    ]);
    expect(summary).toMatchObject({ workers: 30, collected: 30, cml_failures: 0 });
    const report = fleet.cpa
      .callsTo(routes.reportMetrics)
      .find((call) => call.params.worker_id === workers[0]?.id);
    expect(report?.body).toMatchObject({
      ec2: { ec2_instance_state_detail: 'running', ec2_system_status_check: 'ok' },
      metrics: { ready: true, version: '2.9.0', system_health: { valid: true, is_licensed: true } },
      license: { status: 'REGISTERED' },
    });
  });

  it('reports a worker whose CML answers 502 without its CML part and still reports the others', async () => {
    const [broken, healthy] = [await fleet.addRunning(), await fleet.addRunning()];
    fleet
      .cmlFor(broken?.aws_instance_id as string)
      .recorder.failNext(
        '*',
        new UnavailableError({ system: 'cml', operation: 'x', status: 502, message: 'bad gateway' }),
        10,
      );
    const summary = await pass.pass();
    expect(summary).toMatchObject({ collected: 2, cml_failures: 1 });
    const bodies = new Map(
      fleet.cpa.callsTo(routes.reportMetrics).map((call) => [call.params.worker_id, call.body]),
    );
    expect(bodies.get(broken?.id as string)).not.toHaveProperty('metrics');
    expect(bodies.get(healthy?.id as string)).toHaveProperty('metrics.ready', true);
  });

  it('collects only workers that are due (settings poll interval, or an on-demand refresh)', async () => {
    await fleet.addRunning({
      cloudwatch: {
        ...fleet.add().cloudwatch,
        next_refresh_at: new Date(fleet.now.getTime() + 10 * 60_000).toISOString(),
      },
    });
    const due = await fleet.addRunning({
      cloudwatch: { ...fleet.add().cloudwatch, next_refresh_at: fleet.now.toISOString() },
    });
    await pass.pass();
    expect(fleet.cpa.callsTo(routes.reportMetrics).map((call) => call.params.worker_id)).toEqual([due.id]);
  });

  it('collects on request (a worker just RUNNING) only the workers due now, not those due before the next periodic pass', async () => {
    const dueIn = (seconds: number) => ({
      ...fleet.add().cloudwatch,
      next_refresh_at: new Date(fleet.now.getTime() + seconds * 1000).toISOString(),
    });
    const soon = await fleet.addRunning({ cloudwatch: dueIn(20) });
    const fresh = await fleet.addRunning({ cloudwatch: { ...dueIn(0), next_refresh_at: null } });
    const requested = await fleet.addRunning({ cloudwatch: dueIn(0) });
    const reported = () =>
      fleet.cpa
        .callsTo(routes.reportMetrics)
        .map((call) => call.params.worker_id)
        .sort();
    await pass.reconcile(METRICS_DUE_NOW_KEY);
    expect(reported()).toEqual([fresh.id, requested.id].sort());
    await pass.reconcile(METRICS_PASS_KEY);
    expect(reported()).toEqual([fresh.id, requested.id, soon.id].sort());
  });

  it('reports drift of a RUNNING worker whose instance was stopped outside LCM', async () => {
    const worker = await fleet.addRunning();
    await fleet.aws.stopInstance(worker.aws_instance_id as string);
    await pass.pass();
    expect(fleet.statuses(worker.id)).toEqual(['STOPPING', 'STOPPED']);
    expect(fleet.cpa.callsTo(routes.reportMetrics)).toEqual([]);
  });

  describe('activity and scale-down', () => {
    const idleSince = (minutes: number) => ({
      last_activity_at: minutesBefore(fleet.now, minutes),
      start_initiated_at: minutesBefore(fleet.now, 600),
    });
    const enableScaleDown = () => {
      fleet.settings = {
        ...fleet.settings,
        scaling: { ...fleet.settings.scaling, scale_down_enabled: true },
      };
    };

    it('reports the telemetry since the last check, system users included for the control plane to ignore', async () => {
      const worker = await fleet.addRunning({ last_activity_check_at: minutesBefore(fleet.now, 30) });
      fleet.cmlFor(worker.aws_instance_id as string).telemetryEvents = [
        { category: 'start_lab', timestamp: minutesBefore(fleet.now, 40), data: { lab_id: 'old' } },
        {
          category: 'start_node',
          timestamp: minutesBefore(fleet.now, 5),
          data: { lab_id: 'l1', user_id: 'u1' },
        },
      ];
      await pass.pass();
      expect(fleet.cpa.callsTo(routes.reportActivity)).toEqual([
        {
          params: { worker_id: worker.id },
          body: {
            checked_at: fleet.now.toISOString(),
            events: [{ type: 'start_node', at: minutesBefore(fleet.now, 5), user_id: 'u1', lab_id: 'l1' }],
          },
        },
      ]);
    });

    it('does not drain while scale-down is off (the default)', async () => {
      await fleet.addRunning(idleSince(120));
      await fleet.addRunning(idleSince(120));
      await pass.pass();
      expect(fleet.cpa.callsTo(routes.drainWorker)).toEqual([]);
      expect(fleet.decisions.snapshot()).toEqual({});
    });

    it('drains an idle worker with reason scale_down, and lowers the running count for the next one (min_workers)', async () => {
      enableScaleDown();
      fleet.settings = { ...fleet.settings, scaling: { ...fleet.settings.scaling, min_workers: 1 } };
      await fleet.addRunning(idleSince(120));
      await fleet.addRunning(idleSince(120));
      const summary = await pass.pass();
      expect(fleet.cpa.callsTo(routes.drainWorker).map((call) => call.body)).toEqual([
        { reason: 'scale_down' },
      ]);
      expect(summary.drained).toBe(1);
      expect(fleet.decisions.snapshot()).toMatchObject({
        'scale_down:drained': 1,
        'scale_down:kept:min_workers': 1,
      });
    });

    it.each([
      ['not_idle', { last_activity_at: '2026-04-10T11:30:00.000Z' }],
      ['sessions_on_worker', { session_ids: ['3e27515a-8ab5-4424-92d3-dcacca1d12c9'] as string[] }],
      ['not_eligible_for_pause', { last_resumed_at: '2026-04-10T11:30:00.000Z' }],
    ] as const)('keeps a worker when %s', async (guard, overrides) => {
      enableScaleDown();
      await fleet.addRunning({ ...idleSince(120), ...overrides });
      await pass.pass();
      expect(fleet.cpa.callsTo(routes.drainWorker)).toEqual([]);
      expect(fleet.decisions.snapshot()[`scale_down:kept:${guard}`]).toBe(1);
    });

    it('keeps idle workers while a session is due within the grace period, and during the cooldown after a drain', async () => {
      enableScaleDown();
      fleet.pendingSessions = [
        { id: 's', timeslot_start: new Date(fleet.now.getTime() + 20 * 60_000).toISOString() } as never,
      ];
      await fleet.addRunning(idleSince(120));
      await fleet.addRunning(idleSince(120));
      await pass.pass();
      expect(fleet.decisions.snapshot()).toMatchObject({ 'scale_down:kept:sessions_due': 2 });
      fleet.pendingSessions = [];
      for (const worker of fleet.workers.values()) {
        fleet.workers.set(worker.id, {
          ...worker,
          last_activity_check_at: null,
          cloudwatch: { ...worker.cloudwatch, next_refresh_at: null },
        });
      }
      await pass.pass();
      expect(fleet.decisions.snapshot()).toMatchObject({
        'scale_down:drained': 1,
        'scale_down:kept:cooldown': 1,
      });
    });

    it('changes nothing when the drain call fails', async () => {
      enableScaleDown();
      await fleet.addRunning(idleSince(120));
      await fleet.addRunning(idleSince(120));
      fleet.cpa.failNext(routes.drainWorker, 503, 2);
      const summary = await pass.pass();
      expect(summary.drained).toBe(0);
      expect(fleet.decisions.snapshot()).toMatchObject({ 'scale_down:drain_failed': 2 });
      expect([...fleet.workers.values()].map((worker) => worker.status)).toEqual(['RUNNING', 'RUNNING']);
    });
  });
});
