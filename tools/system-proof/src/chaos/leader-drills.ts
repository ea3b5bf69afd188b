import { type LabletSessionStatus } from '@lcm/contracts';
import { waitFor } from '@lcm/testing';
import { type Booking, type ControllerName, type DrillSystem } from './drill-system';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a controller's leader is in the middle of when the drill kills it. */
export interface WorkUnderWay {
  /** Said in the drill's output. */
  doing: string;
  /** The sessions the work booked (every booking answered once this resolves). */
  bookings: Promise<Booking[]>;
  /** True once the work is done, beyond the settled sessions every drill waits for. */
  done(): Promise<boolean>;
}

export interface LeaderDrill {
  controller: ControllerName;
  /** Gives the controller work and resolves while its leader is in the middle of it. */
  startWork(drill: DrillSystem, tag: string): Promise<WorkUnderWay>;
}

/** Work whose end is its sessions settling, which every drill waits for. */
const nothingBeyondSessions = async () => true;

/** Books `count` sessions at once and resolves as soon as one of them is in `status`. */
async function bookUntilOneIs(
  drill: DrillSystem,
  reservationIds: readonly string[],
  status: LabletSessionStatus,
  timeoutMs: number,
  pollMs: number,
): Promise<{ seen: boolean; bookings: Promise<Booking[]> }> {
  let answered = false;
  const bookings = Promise.all(reservationIds.map((id) => drill.book(id))).finally(() => {
    answered = true;
  });
  const references = reservationIds.map((reservationId) => ({ reservationId, sessionId: null, attempts: 0 }));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sessions = await drill.sessionsOf(references);
    if (sessions.some((session) => session.status === status)) return { seen: true, bookings };
    // Every booking answered and none is (any longer) in the status: the moment has passed.
    if ((answered && sessions.length === reservationIds.length) || Date.now() > deadline)
      return { seen: false, bookings };
    await sleep(pollMs);
  }
}

/**
 * One drill per controller (issue 14: leader killed mid-reconcile). Each gives the leader work
 * that takes it a while and that a lost leader must not leave half done:
 * - lablet-controller: a batch of sessions, killed while one is INSTANTIATING (a CML import and
 *   boot in flight);
 * - resource-scheduler: a batch of sessions, killed while one is still PENDING (its placement in
 *   flight); a placement takes a few store round trips, so the drill books again when it saw every
 *   session placed before it could look;
 * - worker-controller: a new worker, killed while it is PROVISIONING (its EC2 instance launched,
 *   its start being awaited); done once it is RUNNING with one instance.
 */
export const LEADER_DRILLS: readonly LeaderDrill[] = [
  {
    controller: 'lablet-controller',
    async startWork(drill, tag) {
      const batch = await Promise.all([0, 1, 2].map((index) => drill.book(`leader-${tag}-${index}`)));
      await waitFor(
        'a session of the batch in instantiation',
        async () => (await drill.sessionsOf(batch)).some((session) => session.status === 'INSTANTIATING'),
        60_000,
        100,
      );
      return {
        doing: 'instantiating a session',
        bookings: Promise.resolve(batch),
        done: nothingBeyondSessions,
      };
    },
  },
  {
    controller: 'resource-scheduler',
    async startWork(drill, tag) {
      const booked: Promise<Booking[]>[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const ids = [0, 1, 2].map((index) => `leader-${tag}-${attempt}-${index}`);
        const { seen, bookings } = await bookUntilOneIs(drill, ids, 'PENDING', 60_000, 20);
        booked.push(bookings);
        if (seen)
          return {
            doing: 'placing a pending session',
            bookings: Promise.all(booked).then((batches) => batches.flat()),
            done: nothingBeyondSessions,
          };
      }
      throw new Error('the scheduler placed every session of three batches before one was seen pending');
    },
  },
  {
    controller: 'worker-controller',
    async startWork(drill, tag) {
      const workerId = await drill.createWorker(`leader-${tag}`);
      await waitFor(
        'the new worker provisioning',
        async () => (await drill.workerState(workerId))?.status === 'PROVISIONING',
        60_000,
        100,
      );
      return {
        doing: `awaiting the start of worker ${workerId}`,
        bookings: Promise.resolve([]),
        done: async () => {
          const state = await drill.workerState(workerId);
          return state?.status === 'RUNNING' && state.service_status === 'AVAILABLE';
        },
      };
    },
  },
];
