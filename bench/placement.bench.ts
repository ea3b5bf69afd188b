/**
 * Placement throughput. Run with `pnpm bench:placement` (starts FerretDB/etcd if nothing listens).
 *
 * 1. The in-process engine (libs/domain placement) at 100 and 1,000 workers with 10,000 pending
 *    sessions placed one after another: decisions/s overall, and for the first and the last 1,000
 *    decisions, which shows whether a decision gets dearer as sessions pile up on the workers.
 * 2. End to end: a private etcd, a real control plane and one resource-scheduler process place
 *    BENCH_E2E_SESSIONS PENDING sessions; sessions/s from PENDING to SCHEDULED beside the raw
 *    version-checked write rate of the same store, measured in the same run.
 */
import { performance } from 'node:perf_hooks';
import type { LicenseType } from '@lcm/contracts';
import {
  type PlacementCandidate,
  type PlacementDefinition,
  placementDemandOf,
  PlacementFleet,
} from '@lcm/domain';
import { infraEndpoints, startInfrastructure, stopInfrastructure } from '@lcm/testing';
import { PLACEMENT_PARALLELISM } from '../apps/resource-scheduler/src/scheduler-app';
import { SchedulerSystem } from '../apps/resource-scheduler/src/testing/system-kit';
import { rawVersionedUpdatesPerSecond } from './raw-ceilings';

const PENDING_SESSIONS = 10_000;
const E2E_SESSIONS = Number(process.env['BENCH_E2E_SESSIONS'] ?? 300);
const E2E_WORKERS = 10;
/** An overloaded store can stall placement; past this the figure counts what was placed so far. */
const E2E_DEADLINE_SECONDS = Number(process.env['BENCH_E2E_DEADLINE_SECONDS'] ?? 300);
const RAW_SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const RAW_CONCURRENCY = 10;
/** The scheduler's parallelism (its default: PLACEMENT_PARALLELISM). */
const E2E_PARALLELISM = Number(process.env['BENCH_PARALLELISM'] ?? PLACEMENT_PARALLELISM);
const progress = (message: string) => console.error(`[bench] ${message}`);

/** A fleet where one worker in five fails a filter (status, licence, AMI, capacity) and the rest can hold every session. */
function benchFleet(workers: number): PlacementCandidate[] {
  const perWorker = Math.ceil(PENDING_SESSIONS / (workers * 0.8)) + 1;
  return Array.from({ length: workers }, (_, index) => {
    const flavour = index % 10;
    return {
      id: `worker-${String(index).padStart(5, '0')}`,
      status: flavour === 1 ? 'DRAINING' : 'RUNNING',
      serviceStatus: 'AVAILABLE',
      licenseType: (flavour === 3 ? 'EVALUATION' : 'ENTERPRISE') as LicenseType,
      amiName: flavour === 5 ? 'cisco-cml2.7.0' : 'cisco-cml2.9.1',
      cmlVersion: null,
      declared:
        flavour === 7
          ? { cpu_cores: 2, memory_gb: 8, storage_gb: 50, max_nodes: 10 }
          : {
              cpu_cores: 4 * perWorker,
              memory_gb: 16 * perWorker,
              storage_gb: 50 * perWorker,
              max_nodes: 10 * perWorker,
            },
      allocated: { cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 },
      freePorts: 6000,
    };
  });
}

const definitions: PlacementDefinition[] = [1, 2, 4].map((cpu) => ({
  node_count: 2 * cpu,
  resource_requirements: {
    cpu_cores: cpu,
    memory_gb: 4 * cpu,
    storage_gb: 10 * cpu,
    nested_virt: false,
    ami_requirements: [{ name_pattern: 'cisco-cml2*', min_version: '2.8' }],
  },
  port_template: [
    { name: 'r1', protocol: 'telnet' },
    { name: 'r2', protocol: 'ssh' },
  ],
  license_affinity: ['PERSONAL', 'ENTERPRISE'],
}));

function engineRun(workers: number, sessions = PENDING_SESSIONS) {
  const fleet = new PlacementFleet(benchFleet(workers));
  const demands = definitions.map(placementDemandOf);
  const chunkRates: number[] = [];
  let placed = 0;
  const started = performance.now();
  let chunkStarted = started;
  for (let index = 0; index < sessions; index += 1) {
    if (fleet.place(demands[index % demands.length]!).kind === 'placed') placed += 1;
    if ((index + 1) % 1000 === 0) {
      const now = performance.now();
      chunkRates.push(1000 / ((now - chunkStarted) / 1000));
      chunkStarted = now;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { workers, placed, perSecond: sessions / seconds, first: chunkRates[0]!, last: chunkRates.at(-1)! };
}

interface EndToEnd {
  perSecond: number;
  placed: number;
  seconds: number;
  rawUpdates: number;
  latency: { p50: number; p95: number };
}

async function endToEnd(): Promise<EndToEnd> {
  const system = await SchedulerSystem.start();
  try {
    progress(`seeding ${E2E_WORKERS} workers and ${E2E_SESSIONS} PENDING sessions`);
    const template = await system.createTemplate({
      capacity: { cpu_cores: 4096, memory_gb: 16384, storage_gb: 100_000 },
      max_nodes: 10_000,
    });
    for (let index = 0; index < E2E_WORKERS; index += 1) await system.runningWorker(template);
    const definition = await system.createDefinition({ cpu_cores: 1 });
    let created = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (created < E2E_SESSIONS) {
          created += 1;
          await system.createSession(definition);
        }
      }),
    );
    const pendingLeft = async (): Promise<number> => {
      let count = 0;
      let cursor: string | undefined;
      do {
        const { data } = await system.internal.get('/api/internal/sessions', {
          params: { status: 'PENDING', limit: 200, ...(cursor ? { cursor } : {}) },
        });
        count += data.items.length;
        cursor = data.next_cursor ?? undefined;
      } while (cursor);
      return count;
    };
    progress('starting the resource-scheduler');
    const scheduler = await system.startScheduler('bench', {
      LOG_LEVEL: 'warn',
      RESYNC_INTERVAL_MS: '30000',
      PARALLELISM: String(E2E_PARALLELISM),
    });
    // Progress from the scheduler's own count of placements, so watching costs the store nothing;
    // the store is asked once at the end.
    const placedSoFar = async (): Promise<number> =>
      ((await system.stats(scheduler)) as { decisions: { placed?: number } }).decisions.placed ?? 0;
    const started = performance.now();
    while (
      (await placedSoFar().catch(() => 0)) < E2E_SESSIONS &&
      performance.now() - started < E2E_DEADLINE_SECONDS * 1000
    )
      await new Promise((resolve) => setTimeout(resolve, 50));
    const seconds = (performance.now() - started) / 1000;
    const { decision_latency_ms: latency } = (await system.stats(scheduler)) as {
      decision_latency_ms: EndToEnd['latency'];
    };
    await scheduler.process.stop();
    const left = await pendingLeft();
    progress('measuring the raw version-checked write rate of the same store');
    const rawUpdates = await rawVersionedUpdatesPerSecond(
      infraEndpoints().mongoUrl,
      RAW_SECONDS,
      RAW_CONCURRENCY,
    );
    const placed = E2E_SESSIONS - left;
    return { perSecond: placed / seconds, placed, seconds, rawUpdates, latency };
  } finally {
    await system.stop();
  }
}

async function main(): Promise<void> {
  progress('in-process engine (after a warm-up run, so the JIT has compiled the scan)');
  engineRun(1000, 3_000);
  const engine = [engineRun(100), engineRun(1000)];
  const started = await startInfrastructure();
  try {
    const e2e = await endToEnd();
    console.log(`\nLCM placement benchmark (${new Date().toISOString()})`);
    for (const run of engine)
      console.log(
        `${`engine, ${run.workers} workers, ${PENDING_SESSIONS} pending`.padEnd(52)} ${`${run.perSecond.toFixed(0)} decisions/s`.padEnd(22)} first 1,000: ${run.first.toFixed(0)}/s, last 1,000: ${run.last.toFixed(0)}/s, placed ${run.placed}`,
      );
    console.log(
      `${`end to end, ${E2E_SESSIONS} sessions, ${E2E_WORKERS} workers`.padEnd(52)} ${`${e2e.perSecond.toFixed(1)} sessions/s`.padEnd(22)} ${e2e.placed} PENDING → SCHEDULED in ${e2e.seconds.toFixed(1)} s (one scheduler, parallelism ${E2E_PARALLELISM})`,
    );
    console.log(
      `${'scheduler decision latency (read + schedule call)'.padEnd(52)} ${`p50 ${e2e.latency.p50} ms`.padEnd(22)} p95 ${e2e.latency.p95} ms, almost all of it the control plane's schedule command`,
    );
    console.log(
      `${`ceiling: raw version-checked Mongo updates (c=${RAW_CONCURRENCY})`.padEnd(52)} ${`${e2e.rawUpdates.toFixed(0)} updates/s`.padEnd(22)} VersionedCollection.replace on the same store`,
    );
    console.log(
      `${'ratio end to end / raw versioned writes'.padEnd(52)} ${`${((e2e.perSecond / e2e.rawUpdates) * 100).toFixed(1)} %`.padEnd(22)} each schedule = worker + session versioned writes, etcd keys, SSE`,
    );
  } finally {
    stopInfrastructure(started);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
