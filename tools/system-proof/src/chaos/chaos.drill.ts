import { type NodeAppProcess, waitFor } from '@lcm/testing';
import { type InvariantReport, type CheckOptions } from '../invariants/rules';
import { type ControllerName, DrillSystem, type Booking } from './drill-system';
import { planFaults } from './fault-plan';
import { LEADER_DRILLS } from './leader-drills';
import { SeededRandom } from './seeded-random';

/**
 * `pnpm test:chaos` (issue 14, fault drills). Sizes come from the environment so CI runs a small
 * drill and a person a large one; the defaults are the CI size. The seed is printed: the same seed
 * gives the same fault schedule and bookings.
 */
const env = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number, got '${raw}'`);
  return value;
};
/**
 * Within the CI size's 30 s this seed's plan kills -9 the worker-controller, throttles 80 % of the
 * EC2 calls for 5 s, kills -9 the resource-scheduler, cuts the store link for 6.6 s and kills -9
 * the control plane.
 */
const SEED = env('CHAOS_SEED', 20275098);
const SESSIONS = env('CHAOS_SESSIONS', 6);
const WORKERS = env('CHAOS_WORKERS', 3);
const DURATION_MS = env('CHAOS_DURATION_S', 30) * 1000;
const SETTLE_MS = env('CHAOS_SETTLE_S', 240) * 1000;
const ETCD_OUTAGE_MS = env('CHAOS_ETCD_OUTAGE_S', 10) * 1000;
/** Longer than the drill's MONGO_TIMEOUT_MS (drill-system.ts), so 503s arrive during the outage. */
const STORE_OUTAGE_MS = env('CHAOS_STORE_OUTAGE_S', 15) * 1000;
/** Issue 14: a new leader within 20 s, the fleet converged within 60 s. */
const LEADER_DEADLINE_MS = 20_000;
const CONVERGE_DEADLINE_MS = env('CHAOS_CONVERGE_S', 60) * 1000;
/** EC2 answers this share of the calls with RequestLimitExceeded while a worker is launched. */
const THROTTLE_RATE = 0.9;
const THROTTLE_MS = env('CHAOS_THROTTLE_S', 10) * 1000;
/**
 * A worker-controller that backs off makes a few EC2 calls a second while every launch step fails
 * (per-call retries with jitter, the failed key's doubling delay, the periodic scan and metrics
 * passes); one that retried at once would make many more.
 */
const MAX_EC2_CALLS_PER_SECOND = 5;

/** ASAP sessions on a running fleet only wait for the simulated candidate (login, finish). */
const OPTIONS: CheckOptions = { pendingActionTimeoutMs: 30 * 60_000, waitingStatuses: ['READY', 'RUNNING'] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const print = (line: string) => process.stdout.write(`[chaos] ${line}\n`);

function printReport(title: string, report: InvariantReport): void {
  print(
    `${title}: ${Object.entries(report.figures)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}`,
  );
  for (const violation of report.violations)
    print(`  VIOLATION ${violation.invariant}: ${violation.subject}: ${violation.detail}`);
}

const expectedIds = (bookings: readonly Booking[]) =>
  bookings.flatMap((booking) => (booking.sessionId ? [booking.sessionId] : []));

describe(`fault drills (seed ${SEED})`, () => {
  let drill: DrillSystem;
  const bookings: Booking[] = [];

  beforeAll(async () => {
    const started = Date.now();
    drill = await DrillSystem.start();
    await drill.prepareFleet(WORKERS);
    print(
      `system up with ${WORKERS} RUNNING workers in ${((Date.now() - started) / 1000).toFixed(1)} s (logs: ${drill.system.logDir})`,
    );
  }, 600_000);

  afterAll(async () => {
    await drill?.stop();
  }, 120_000);

  /** `since`: the fault the settling is measured from as well (the convergence deadline's start). */
  async function verify(
    title: string,
    settleMs: number,
    since?: { at: number; what: string },
  ): Promise<InvariantReport> {
    const started = Date.now();
    const settled = await drill.settle(OPTIONS, settleMs);
    const sinceFault = since
      ? ` (${((started + settled.settledAfterMs - since.at) / 1000).toFixed(1)} s after ${since.what})`
      : '';
    print(
      `${title}: ${settled.settled ? 'settled' : 'NOT settled'} after ${(settled.settledAfterMs / 1000).toFixed(1)} s${sinceFault}; sessions ${JSON.stringify(await drill.statusCounts(bookings))}`,
    );
    const report = await drill.check({ ...OPTIONS, expectedSessionIds: expectedIds(bookings) });
    printReport(title, report);
    expect(report.violations).toEqual([]);
    expect(settled.settled).toBe(true);
    return report;
  }

  it('kills -9 random processes, cuts etcd and the store and injects simulator faults while sessions run; every invariant holds after settling', async () => {
    const random = new SeededRandom(SEED);
    const plan = planFaults(random, {
      durationMs: DURATION_MS,
      gapMs: [1_000, 5_000],
      pauseMs: [1_000, 8_000],
    });
    const bookAt = Array.from({ length: SESSIONS }, () =>
      random.between(0, Math.floor(DURATION_MS * 0.7)),
    ).sort((a, b) => a - b);
    print(`plan: ${plan.length} events over ${DURATION_MS / 1000} s, ${SESSIONS} sessions`);
    const started = Date.now();
    const booked = Promise.all(
      bookAt.map(async (at, index) => {
        await sleep(at);
        bookings.push(await drill.book(`chaos-${SEED}-${index}`));
      }),
    );
    for (const event of plan) {
      await sleep(Math.max(0, started + event.atMs - Date.now()));
      await drill.apply(event, print);
    }
    await booked;
    print(
      `chaos phase over after ${((Date.now() - started) / 1000).toFixed(1)} s; ${bookings.length} sessions booked (${bookings.reduce((sum, booking) => sum + booking.attempts, 0)} attempts)`,
    );
    await verify('random faults', SETTLE_MS);
  }, 1_800_000);

  it(`keeps working through etcd down ${ETCD_OUTAGE_MS / 1000} s: no data lost, keys republished, controllers resume`, async () => {
    const before = await Promise.all([0, 1].map((index) => drill.book(`etcd-${SEED}-${index}`)));
    bookings.push(...before);
    await drill.etcd.kill();
    const during = await Promise.all([0, 1].map((index) => drill.book(`etcd-down-${SEED}-${index}`)));
    bookings.push(...during);
    // Bookings are accepted while etcd is away (the store is the source of truth, decision 18).
    expect(during.every((booking) => booking.sessionId !== null && booking.attempts === 1)).toBe(true);
    await sleep(ETCD_OUTAGE_MS);
    await drill.etcd.start();
    await verify('etcd outage', SETTLE_MS);
  }, 1_800_000);

  it(`answers 503 with Retry-After (never 500) while the store is down ${STORE_OUTAGE_MS / 1000} s and loses nothing`, async () => {
    bookings.push(...(await Promise.all([0, 1].map((index) => drill.book(`store-${SEED}-${index}`)))));
    await drill.store.down();
    // Calls go out one after another for the whole outage; only the answers that arrived while the
    // store was still away count (a call that outlives the outage may rightly succeed).
    const answers: { status: number; retryAfter: string | null }[] = [];
    let storeBack = false;
    const probing = (async () => {
      while (!storeBack) {
        const [read, write] = await Promise.all([
          drill.api('GET', '/api/v1/sessions?limit=5'),
          drill.api('POST', '/api/v1/sessions', {
            definition_id: '00000000-0000-4000-8000-000000000000',
            owner: 'x',
            timeslot_end: new Date(Date.now() + 600_000).toISOString(),
          }),
        ]);
        if (!storeBack) answers.push(read, write);
      }
    })();
    await sleep(STORE_OUTAGE_MS);
    await drill.store.up();
    storeBack = true;
    await probing;
    const statuses = answers.reduce<Record<number, number>>(
      (counts, answer) => ({ ...counts, [answer.status]: (counts[answer.status] ?? 0) + 1 }),
      {},
    );
    print(`store outage: answers by status ${JSON.stringify(statuses)}`);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((answer) => answer.status !== 503 || answer.retryAfter === null)).toEqual([]);
    await verify('store outage', SETTLE_MS);
  }, 1_800_000);

  it(`backs off while EC2 throttles ${THROTTLE_RATE * 100}% of its calls for ${THROTTLE_MS / 1000} s during a worker launch, and converges within ${CONVERGE_DEADLINE_MS / 1000} s without a duplicate instance`, async () => {
    drill.ec2Relay.throttle(THROTTLE_RATE, new SeededRandom(SEED));
    const workerId = await drill.createWorker(`throttled-${SEED}`);
    await sleep(THROTTLE_MS);
    drill.ec2Relay.clear();
    const clearedAt = Date.now();
    const throttled = drill.ec2Relay.throttled;
    const callsPerSecond = throttled.ec2Calls / (throttled.elapsedMs / 1000);
    print(
      `EC2 throttling: ${throttled.throttled} of ${throttled.ec2Calls} EC2 calls refused in ${(throttled.elapsedMs / 1000).toFixed(1)} s (${callsPerSecond.toFixed(1)} calls/s); the worker was ${(await drill.workerState(workerId))?.status} when it ended`,
    );
    expect(throttled.throttled).toBeGreaterThan(0);
    expect(callsPerSecond).toBeLessThanOrEqual(MAX_EC2_CALLS_PER_SECOND);
    await waitFor(
      'the throttled worker RUNNING',
      async () => (await drill.workerState(workerId))?.status === 'RUNNING',
      CONVERGE_DEADLINE_MS,
      500,
    );
    print(
      `EC2 throttling: the worker RUNNING ${((Date.now() - clearedAt) / 1000).toFixed(1)} s after EC2 answered again`,
    );
    await verify('EC2 throttling', Math.max(0, CONVERGE_DEADLINE_MS - (Date.now() - clearedAt)), {
      at: clearedAt,
      what: 'EC2 answered again',
    });
  }, 1_800_000);

  describe('leader killed mid-reconcile', () => {
    const standbys = new Map<ControllerName, NodeAppProcess>();

    beforeAll(async () => {
      // All three at once: each is a Node process compiling its sources, seconds of CPU apiece.
      await Promise.all(
        LEADER_DRILLS.map(async ({ controller }) =>
          standbys.set(controller, await drill.startStandby(controller)),
        ),
      );
    }, 600_000);

    afterAll(async () => {
      await Promise.all([...standbys.values()].map((standby) => standby.stop()));
    }, 120_000);

    it.each(LEADER_DRILLS.map((scenario) => [scenario.controller, scenario] as const))(
      'elects a new %s leader within 20 s of killing it mid-reconcile and converges within 60 s',
      async (controller, scenario) => {
        const work = await scenario.startWork(drill, `${controller}-${SEED}`);
        const leader = await drill.leaderOf(controller);
        const standby = standbys.get(controller);
        const leaderIsStandby = leader === standby?.options.env['REPLICA_ID'];
        const killedAt = Date.now();
        if (leaderIsStandby) await standby?.kill();
        else await drill.system.kill(controller);
        await waitFor(
          `a new ${controller} leader`,
          async () => {
            const current = await drill.leaderOf(controller);
            return current !== null && current !== leader;
          },
          LEADER_DEADLINE_MS,
          100,
        );
        const failoverMs = Date.now() - killedAt;
        print(
          `${controller}: kill -9 of ${leader} while ${work.doing}; the other replica leads ${(failoverMs / 1000).toFixed(1)} s later`,
        );
        expect(failoverMs).toBeLessThanOrEqual(LEADER_DEADLINE_MS);
        bookings.push(...(await work.bookings));
        // The killed replica comes back as the standby of the next drill.
        if (leaderIsStandby) await standby?.start(300_000);
        else await drill.system.startProcess(controller, 300_000);
        const remaining = () => Math.max(0, CONVERGE_DEADLINE_MS - (Date.now() - killedAt));
        await waitFor(`${controller}'s work done`, work.done, remaining(), 500);
        await verify(`${controller} leader kill`, remaining(), { at: killedAt, what: 'the kill' });
      },
      1_800_000,
    );
  });
});
