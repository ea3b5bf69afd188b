import { type SeededRandom } from './seeded-random';

/** Processes of the system a drill may kill -9 and start again (names of libs/testing's launcher). */
export const KILLABLE_PROCESSES = [
  'control-plane-api',
  'resource-scheduler',
  'worker-controller',
  'lablet-controller',
  'cml-simulator',
  'lds-simulator',
  'grading-simulator',
] as const;
export type KillableProcess = (typeof KILLABLE_PROCESSES)[number];

/**
 * Dependencies taken away: the run's private etcd or its private store's FerretDB is killed -9
 * (`etcd`, `store`), or the control plane's link to the store is cut at a TCP relay (`store-link`).
 */
export const DEPENDENCIES = ['etcd', 'store', 'store-link'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

/**
 * Simulator faults through their control APIs (docs/simulators/README.md), and EC2 throttling at
 * the relay in front of moto (ec2-throttling-relay.ts).
 */
export type SimulatorFault =
  | {
      simulator: 'cml' | 'lds' | 'grading';
      kind: 'http-errors';
      rate: number;
      status: 500 | 502 | 503 | 504 | 429;
    }
  | { simulator: 'cml' | 'lds' | 'grading'; kind: 'timeouts'; latencyMs: number }
  | { simulator: 'grading'; kind: 'grading-failures' }
  | { simulator: 'ec2'; kind: 'throttling'; rate: number };

export type ChaosEvent =
  | { atMs: number; kind: 'kill'; target: KillableProcess; pauseMs: number }
  | { atMs: number; kind: 'outage'; target: Dependency; pauseMs: number }
  | { atMs: number; kind: 'simulator-fault'; fault: SimulatorFault; pauseMs: number };

export interface FaultPlanOptions {
  /** Length of the chaotic phase; every event (and its pause) ends inside it. */
  durationMs: number;
  /** Quiet time between the end of one event and the start of the next. */
  gapMs: [min: number, max: number];
  /** How long a killed process stays down, a dependency stays away or a fault stays on. */
  pauseMs: [min: number, max: number];
  /** Relative weights of the three kinds of event. */
  weights?: { kill: number; outage: number; simulatorFault: number };
}

const SIMULATOR_FAULTS: readonly SimulatorFault[] = [
  { simulator: 'cml', kind: 'http-errors', rate: 0.3, status: 500 },
  { simulator: 'cml', kind: 'http-errors', rate: 0.3, status: 503 },
  { simulator: 'cml', kind: 'timeouts', latencyMs: 15_000 },
  { simulator: 'lds', kind: 'http-errors', rate: 0.5, status: 502 },
  { simulator: 'lds', kind: 'timeouts', latencyMs: 15_000 },
  { simulator: 'grading', kind: 'http-errors', rate: 0.5, status: 500 },
  { simulator: 'grading', kind: 'grading-failures' },
  { simulator: 'ec2', kind: 'throttling', rate: 0.8 },
];

/**
 * The schedule of one drill, a pure function of the seed: one event at a time (a process is back,
 * a dependency returned or a fault cleared before the next event starts), so the drill stays
 * bounded and every failure it finds can be replayed from the seed alone.
 */
export function planFaults(random: SeededRandom, options: FaultPlanOptions): ChaosEvent[] {
  const weights = options.weights ?? { kill: 6, outage: 2, simulatorFault: 3 };
  const total = weights.kill + weights.outage + weights.simulatorFault;
  const events: ChaosEvent[] = [];
  let at = 0;
  for (;;) {
    at += random.between(...options.gapMs);
    const pauseMs = random.between(...options.pauseMs);
    if (at + pauseMs > options.durationMs) return events;
    const draw = random.next() * total;
    if (draw < weights.kill)
      events.push({ atMs: at, kind: 'kill', target: random.pick(KILLABLE_PROCESSES), pauseMs });
    else if (draw < weights.kill + weights.outage)
      events.push({ atMs: at, kind: 'outage', target: random.pick(DEPENDENCIES), pauseMs });
    else events.push({ atMs: at, kind: 'simulator-fault', fault: random.pick(SIMULATOR_FAULTS), pauseMs });
    at += pauseMs;
  }
}

export function describeEvent(event: ChaosEvent): string {
  const when = `t+${(event.atMs / 1000).toFixed(1)}s`;
  const pause = `${(event.pauseMs / 1000).toFixed(1)}s`;
  if (event.kind === 'kill') return `${when} kill -9 ${event.target}, back after ${pause}`;
  if (event.kind === 'outage') return `${when} ${event.target} away for ${pause}`;
  const fault = event.fault;
  const what =
    fault.kind === 'http-errors'
      ? `${fault.rate * 100}% ${fault.status}`
      : fault.kind === 'timeouts'
        ? `${fault.latencyMs} ms latency`
        : fault.kind === 'throttling'
          ? `${fault.rate * 100}% RequestLimitExceeded`
          : 'every grading fails';
  const where = fault.simulator === 'ec2' ? 'EC2 (moto relay)' : `${fault.simulator} simulator`;
  return `${when} ${where}: ${what} for ${pause}`;
}
