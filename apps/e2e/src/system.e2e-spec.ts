import { type CmlWorker, type LabletDefinition, type LabletSession } from '@lcm/contracts';
import { waitFor } from '@lcm/testing';
import { E2E_TIMINGS, E2eSystem } from './e2e-system';

/** What the simulators' control APIs show (docs/simulators/cml.md, lds.md, grading.md). */
interface CmlSimWorker {
  key: string;
  labs: { id: string; title: string; state: string; nodes: { label: string; state: string }[] }[];
}
interface LdsSimSession {
  id: string;
  state: string;
}
interface GradingSimSession {
  id: string;
}
type CmlSimLab = CmlSimWorker['labs'][number];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const statusesOf = (session: LabletSession) => session.status_history.map((change) => change.to);
const enteredAt = (session: LabletSession, status: string) =>
  Date.parse(session.status_history.find((change) => change.to === status)?.at ?? 'NaN');
/** Clocks of this process and the apps' records are one clock, but records are written a moment after the decision. */
const SLACK_MS = 2_000;

/**
 * The assembled system — simulators, development OIDC provider, control plane, resource-scheduler,
 * worker-controller and lablet-controller, each a real process started by the shared launcher
 * (libs/testing/src/system/launcher.ts), against etcd, the store and moto — driven only through
 * the public API and the simulators' control APIs. The tests run in order on one system: the
 * fleet the first booking creates is the fleet of the later ones.
 */
describe('the whole system, end to end', () => {
  let e2e: E2eSystem;
  let definition: LabletDefinition;
  /** Booked in the first test for a timeslot a little later, checked once its timeslot has passed. */
  let future: LabletSession;
  let firstWorker: CmlWorker;
  let keptLabId: string;

  /** The labs the worker's CML holds for `definition` (CML titles start with the definition's name). */
  const cmlLabs = async (worker: CmlWorker): Promise<CmlSimLab[]> =>
    (await e2e.sim<CmlSimWorker>('cml', 'GET', `/workers/${worker.aws_instance_id}`)).labs.filter((cml) =>
      cml.title.startsWith(`${definition.name} `),
    );
  const ldsSession = async (id: string) =>
    (await e2e.sim<LdsSimSession[]>('lds', 'GET', '/sessions')).find((session) => session.id === id);
  const lab = (id: string) => e2e.api.labRecords.get({ params: { lab_record_id: id } });
  /** Which port allocations of the worker a holder (session or lab record) has. */
  const portsHeldBy = async (worker: CmlWorker, holderId: string) =>
    (await e2e.api.workers.ports({ params: { worker_id: worker.id } })).allocations
      .filter((allocation) => allocation.holder_id === holderId)
      .map((allocation) => allocation.ports);
  /** The simulated candidate opens the login URL LDS issued, which logs them in. */
  const logIn = async (session: LabletSession) => {
    const { login_url: loginUrl } = await e2e.api.sessions.userSession({
      params: { lablet_session_id: session.id },
    });
    expect((await fetch(loginUrl as string)).ok).toBe(true);
    return e2e.waitForSession(session.id, 'RUNNING');
  };
  /** The candidate finishes (logs out) in LDS. */
  const logOut = async (session: LabletSession) => {
    const { lds_session_id: ldsId } = await e2e.api.sessions.userSession({
      params: { lablet_session_id: session.id },
    });
    await e2e.sim('lds', 'POST', `/sessions/${ldsId}/finish`);
  };

  beforeAll(async () => {
    e2e = await E2eSystem.start();
    await e2e.api.settings.update({
      body: {
        scaling: {
          scale_down_enabled: false,
          min_workers: 0,
          max_workers: 5,
          scale_up_cooldown_s: 1,
          scale_down_cooldown_s: 1,
        },
        monitoring: { worker_metrics_poll_interval_seconds: 1 },
        idle_detection: { enabled: true, timeout_minutes: 1 },
      },
    });
    definition = await e2e.createDefinition();
  }, 300_000);

  // A failed test leaves no session behind to hold a worker for the next ones.
  afterEach(() => e2e?.endBookings(future ? [future.id] : []), 90_000);

  afterAll(async () => {
    await e2e?.stop();
  }, 90_000);

  it('keeps a booking ahead of its lead window PENDING and requests no worker for it', async () => {
    // Its own definition, so it never competes with the tests below for the kept lab.
    const aheadDefinition = await e2e.createDefinition();
    // Placed from start − 60 s, instantiated from start − 15 s, a no-show at its end.
    future = await e2e.book(aheadDefinition, { startInMs: 80_000, endInMs: 110_000 });
    await sleep(5_000);
    expect((await e2e.session(future.id)).status).toBe('PENDING');
    expect(await e2e.workers()).toEqual([]);
  });

  it('with no fleet, an ASAP booking scales up a worker and the session runs its whole life: READY with a login URL, logged in and out, configs collected, graded, STOPPED, ARCHIVED, TERMINATED, the lab wiped and kept', async () => {
    const booked = await e2e.book(definition);

    await waitFor(
      'a worker requested by the scheduler',
      async () => (await e2e.workers()).length > 0,
      30_000,
      250,
    );
    const [requested] = await e2e.workers();
    expect(requested?.origin).toBe('scale_up');
    firstWorker = await e2e.waitForWorker(
      requested!.id,
      'RUNNING + AVAILABLE',
      (worker) => worker.status === 'RUNNING' && worker.service_status === 'AVAILABLE',
      90_000,
    );
    expect(firstWorker.aws_instance_id).toMatch(/^i-/);
    // The EC2 instance's CML is the fleet simulator's worker of that instance id.
    const simulated = await e2e.sim<CmlSimWorker>('cml', 'GET', `/workers/${firstWorker.aws_instance_id}`);
    expect(simulated.key).toBe(firstWorker.aws_instance_id);

    const ready = await e2e.waitForSession(booked.id, 'READY');
    keptLabId = ready.lab_record_id as string;
    expect(ready.worker_id).toBe(firstWorker.id);
    expect(statusesOf(ready)).toEqual(['PENDING', 'SCHEDULED', 'INSTANTIATING', 'READY']);
    const [cmlLab] = await cmlLabs(firstWorker);
    expect(cmlLab?.id).toBe(ready.cml_lab_id);
    expect(cmlLab?.nodes.map((node) => node.state)).toEqual(['BOOTED', 'BOOTED', 'BOOTED']);
    expect(await lab(ready.lab_record_id as string)).toMatchObject({
      status: 'BOOTED',
      runtime_binding: { runtime_type: 'CML', worker_id: firstWorker.id, lab_id: ready.cml_lab_id },
    });
    const userSession = await e2e.api.sessions.userSession({ params: { lablet_session_id: booked.id } });
    expect(userSession.login_url).toContain('/lablet/launch?token=');
    expect(await ldsSession(userSession.lds_session_id)).toMatchObject({ state: 'SESSION_PENDING' });
    // The session's ports are the ones its lab holds on the worker.
    expect(Object.keys(ready.allocated_ports).sort()).toEqual(['desktop_vnc', 'r1_serial', 'r2_serial']);
    expect(await portsHeldBy(firstWorker, ready.lab_record_id as string)).toEqual([ready.allocated_ports]);
    expect((await lab(ready.lab_record_id as string)).active_lablet_session_id).toBe(booked.id);

    await logIn(ready);
    expect(await ldsSession(userSession.lds_session_id)).toMatchObject({ state: 'SESSION_RUNNING' });
    await logOut(ready);
    const terminated = await e2e.waitForSession(booked.id, 'TERMINATED');

    expect(statusesOf(terminated)).toEqual([
      'PENDING',
      'SCHEDULED',
      'INSTANTIATING',
      'READY',
      'RUNNING',
      'COLLECTING',
      'GRADING',
      'STOPPING',
      'STOPPED',
      'ARCHIVED',
      'TERMINATED',
    ]);
    // STOPPED is kept for the retention period before ARCHIVED (decision 3).
    expect(enteredAt(terminated, 'ARCHIVED') - enteredAt(terminated, 'STOPPED')).toBeGreaterThanOrEqual(
      E2E_TIMINGS.retentionMinutes * 60_000 - SLACK_MS,
    );
    const grading = await e2e.api.sessions.gradingSession({ params: { lablet_session_id: booked.id } });
    expect(grading.evidence.map((item) => [item.node_label, item.kind])).toEqual(
      expect.arrayContaining([
        ['r1', 'running_config'],
        ['r2', 'running_config'],
      ]),
    );
    const graded = await e2e.sim<GradingSimSession[]>('grading', 'GET', '/sessions');
    expect(graded.map((engineSession) => engineSession.id)).toContain(booked.id);
    expect(terminated.grade_result).toBe('pass');
    const report = await e2e.api.sessions.scoreReport({ params: { lablet_session_id: booked.id } });
    expect(report.score).toBeGreaterThan(0);

    expect(await lab(keptLabId)).toMatchObject({ status: 'WIPED', active_lablet_session_id: null });
    expect(
      (await cmlLabs(firstWorker)).map((kept) => [kept.id, kept.nodes.map((node) => node.state)]),
    ).toEqual([[cmlLab?.id, ['DEFINED_ON_CORE', 'DEFINED_ON_CORE', 'DEFINED_ON_CORE']]]);
  });

  it('places a second session on the same definition on the same worker and reuses the kept lab without importing', async () => {
    const second = await e2e.waitForSession((await e2e.book(definition)).id, 'READY');

    expect(second.worker_id).toBe(firstWorker.id);
    expect(second.lab_record_id).toBe(keptLabId);
    expect(second.pipeline_progress['instantiate']?.['lab_import']?.status).toBe('skipped');
    expect(await cmlLabs(firstWorker)).toHaveLength(1);
    expect(await e2e.workers()).toHaveLength(1);
  });

  it('an operator terminating a running session cleans everything: lab wiped and kept, LDS session ended, the lab released', async () => {
    const running = await logIn(await e2e.waitForSession((await e2e.book(definition)).id, 'READY'));
    const { lds_session_id: ldsId } = await e2e.api.sessions.userSession({
      params: { lablet_session_id: running.id },
    });

    await e2e.api.sessions.terminate({ params: { lablet_session_id: running.id } });
    const terminated = await e2e.waitForSession(running.id, 'TERMINATED');

    expect(terminated.terminated_by).not.toBeNull();
    expect(terminated.grade_result).toBeNull();
    await waitFor(
      'the lab wiped',
      async () => (await lab(terminated.lab_record_id as string)).status === 'WIPED',
      30_000,
    );
    await waitFor(
      'the LDS session ended',
      async () => ['SESSION_ENDED', 'SESSION_ARCHIVED'].includes((await ldsSession(ldsId))?.state ?? ''),
      30_000,
    );
    expect(await cmlLabs(firstWorker)).toHaveLength(1);
    expect((await lab(terminated.lab_record_id as string)).active_lablet_session_id).toBeNull();
  });

  it('placed the booking ahead only within its lead window, readied it within the instantiation lead, and expired it as a no-show', async () => {
    const start = Date.parse(future.timeslot_start as string);
    const end = Date.parse(future.timeslot_end);
    const done = await e2e.waitForSession(future.id, 'TERMINATED', end - Date.now() + 60_000);

    expect(done.expiry_reason).toBe('no_show');
    expect(statusesOf(done)).toEqual([
      'PENDING',
      'SCHEDULED',
      'INSTANTIATING',
      'READY',
      'EXPIRED',
      'STOPPING',
      'STOPPED',
      'ARCHIVED',
      'TERMINATED',
    ]);
    expect(enteredAt(done, 'SCHEDULED')).toBeGreaterThanOrEqual(
      start - E2E_TIMINGS.leadWindowMinutes * 60_000,
    );
    expect(enteredAt(done, 'INSTANTIATING')).toBeGreaterThanOrEqual(
      start - E2E_TIMINGS.instantiationLeadMinutes * 60_000,
    );
    expect(enteredAt(done, 'EXPIRED')).toBeGreaterThanOrEqual(end);
    expect(await lab(done.lab_record_id as string)).toMatchObject({ status: 'WIPED' });
  });

  it('a drained worker takes no new session, keeps the running one to its end, then stops', async () => {
    const running = await logIn(await e2e.waitForSession((await e2e.book(definition)).id, 'READY'));
    expect(running.worker_id).toBe(firstWorker.id);

    await e2e.api.workers.drain({
      params: { worker_id: firstWorker.id },
      body: { reason: 'e2e: drain with a session' },
    });
    await e2e.waitForWorker(firstWorker.id, 'DRAINING', (worker) => worker.status === 'DRAINING');
    const placed = await e2e.waitForSession((await e2e.book(definition)).id, 'READY', 90_000);
    expect(placed.worker_id).not.toBe(firstWorker.id);
    expect((await e2e.worker(placed.worker_id as string)).origin).toBe('scale_up');
    expect((await e2e.session(running.id)).status).toBe('RUNNING');
    expect((await e2e.worker(firstWorker.id)).status).toBe('DRAINING');

    await logOut(running);
    await e2e.waitForSession(running.id, 'TERMINATED');
    await e2e.waitForWorker(
      firstWorker.id,
      'STOPPED once its last session ended',
      (w) => w.status === 'STOPPED',
    );
  });

  it('with scale-down enabled, stops the idle fleet down to zero running workers', async () => {
    await e2e.api.settings.update({ body: { scaling: { scale_down_enabled: true, min_workers: 0 } } });

    // Idle for the idle timeout (1 minute), then drained and stopped.
    await waitFor(
      'every worker STOPPED',
      async () => (await e2e.workers()).every((worker) => worker.status === 'STOPPED'),
      150_000,
      1_000,
    );
    const workers = await e2e.workers();
    expect(workers.length).toBeGreaterThanOrEqual(2);
    for (const worker of workers) {
      const capacity = await e2e.api.workers.capacity({ params: { worker_id: worker.id } });
      expect(capacity.allocated_capacity.cpu_cores).toBe(0);
    }
  }, 180_000);
});
