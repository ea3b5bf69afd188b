/**
 * pnpm bench:system — the assembled system at fleet scale (issue 14, system benchmarks).
 *
 * For each fleet size (BENCH_SYSTEM_FLEETS, default 100,1000): the whole system as real processes
 * (libs/testing's launcher: control plane, three controllers, the simulators) on a private etcd, a
 * private moto and a private store (FerretDB on PostgreSQL, tools/system-proof/src/private-store.ts); the fleet
 * is created through the API and launched by the worker-controller (every moto instance is a
 * simulated CML host of the fleet simulator); then BENCH_SYSTEM_SESSIONS ASAP sessions arrive over
 * BENCH_SYSTEM_DAY_S seconds (a booking day compressed) and run their whole life with zero-latency
 * simulators and a simulated candidate, so what is measured is LCM's own overhead.
 *
 * Measured: placement latency (PENDING → SCHEDULED) and create → READY p50/p99, from the sessions'
 * status histories; the control plane's CPU and memory (/proc) and the store and etcd write rates
 * during the booking phase; GET session req/s on the loaded fleet. Raw ceilings in the same run:
 * the store's version-checked write rate (bench/raw-ceilings.ts), etcd puts/s on a private etcd,
 * Fastify hello-world (bench/fastify-hello.ts). Prints a table and writes docs/bench/system.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Etcd3 } from 'etcd3';
import { type Db, MongoClient } from 'mongodb';
import { freePort, launchSystem, type LcmSystem, PrivateEtcd, waitFor } from '@lcm/testing';
import { PrivateStore } from '../tools/system-proof/src/private-store';
import { motoDescribeRates, type MotoDescribeRates, motoRunInstancesPerSecond } from './moto-ceilings';
import { rawVersionedUpdatesPerSecond } from './raw-ceilings';

const ROOT = join(__dirname, '..');
const FLEETS = (process.env['BENCH_SYSTEM_FLEETS'] ?? '100,1000').split(',').map(Number);
const SESSIONS = Number(process.env['BENCH_SYSTEM_SESSIONS'] ?? 500);
const DAY_SECONDS = Number(process.env['BENCH_SYSTEM_DAY_S'] ?? 120);
/** A fleet that is not RUNNING after this long is reported as the size this machine could not reach. */
const FLEET_DEADLINE_MS = Number(process.env['BENCH_SYSTEM_FLEET_DEADLINE_S'] ?? 900) * 1000;
const CEILING_SECONDS = Number(process.env['BENCH_SYSTEM_CEILING_S'] ?? 5);
const OUTPUT = process.env['BENCH_SYSTEM_OUTPUT'] ?? join(ROOT, 'docs', 'bench', 'system.md');
const CONCURRENCY = 32;
/** How this run was asked for, for the report: the bench's own settings from the environment. */
const COMMAND = [
  ...Object.entries(process.env)
    .filter(([name]) => name.startsWith('BENCH_SYSTEM_') && name !== 'BENCH_SYSTEM_OUTPUT')
    .map(([name, value]) => `${name}=${value}`)
    .sort(),
  'pnpm bench:system',
].join(' ');
/** Calls in flight against moto: the worker-controller's lifecycle reconciler runs about as many. */
const MOTO_CONCURRENCY = 8;
const progress = (message: string) =>
  console.error(`[bench:system] ${new Date().toISOString().slice(11, 19)} ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a Ctrl-C or kill must still stop: the bench's servers and the system would outlive it. */
const cleanups = new Set<() => Promise<void>>();
async function withCleanup<T>(stop: () => Promise<void>, body: () => Promise<T>): Promise<T> {
  let stopping: Promise<void> | undefined;
  const stopOnce = () => (stopping ??= stop());
  cleanups.add(stopOnce);
  try {
    return await body();
  } finally {
    await stopOnce();
    cleanups.delete(stopOnce);
  }
}
const stopEverything = (exitCode: number) =>
  void Promise.allSettled([...cleanups].map((stop) => stop())).then(() => process.exit(exitCode));
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    progress(`${signal}: stopping what the bench started`);
    stopEverything(130);
  });
process.once('uncaughtException', (error) => {
  progress(`failed: ${error.stack ?? String(error)}; stopping what the bench started`);
  stopEverything(1);
});

/** The machine's 1-minute load average, sampled every second while a phase runs (other engineers share the cores). */
class LoadSampler {
  private readonly samples: number[] = [];
  private readonly timer = setInterval(() => this.samples.push(loadavg()[0] ?? NaN), 1_000);

  stop(): { mean: number; max: number } {
    clearInterval(this.timer);
    const samples = this.samples.length > 0 ? this.samples : [loadavg()[0] ?? NaN];
    return {
      mean: samples.reduce((sum, value) => sum + value, 0) / samples.length,
      max: Math.max(...samples),
    };
  }
}

/**
 * The production loops at bench pace: fast placement and lab steps, slow background scans (a fleet
 * of 1,000 would otherwise be scanned all the time). The worker-controller keeps its production
 * resync (30 s): its resync lists the whole fleet, which is all it would do at 1,000 workers every 5 s.
 */
const BENCH_LOOPS = {
  'control-plane-api': { LOG_LEVEL: 'warn' },
  'resource-scheduler': { RESYNC_INTERVAL_MS: '5000', LOG_LEVEL: 'warn' },
  'worker-controller': {
    TRANSITION_POLL_MS: '1000',
    DISCOVERY_INTERVAL_MS: '600000',
    METRICS_POLL_INTERVAL_MS: '600000',
    LOG_LEVEL: 'warn',
  },
  'lablet-controller': {
    RESYNC_INTERVAL_MS: '5000',
    LAB_POLL_INTERVAL_MS: '100',
    DISCOVERY_INTERVAL_MS: '600000',
    SESSION_RETENTION_MINUTES: '0',
    LOG_LEVEL: 'warn',
  },
  'lds-simulator': { LDS_SIM_AUTO_LOGIN_MS: '500', LDS_SIM_AUTO_FINISH_MS: '2000' },
};

const TOPOLOGY = `lab:
  title: bench-lab
  version: 0.2.2
nodes:
  - id: n0
    label: r1
    node_definition: iosv
    x: 0
    y: 0
    tags: ['serial:\${PORT_r1_serial}']
    interfaces: [{ id: i0, label: Gi0/0, slot: 0, type: physical }]
links: []
`;

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

/** A moto server of the bench's own: a fleet of 1,000 instances must not slow the shared one down. */
async function startMoto(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('moto', async () => (await fetch(`${url}/moto-api/`)).status < 500, 60_000);
  return { url, child };
}

/** CPU seconds (user + system) of a process so far, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMegabytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? NaN) / 1024;
}

/** Writes the control plane made: each versioned write bumps a version; audit entries are inserts. */
async function storeWrites(db: Db): Promise<number> {
  let total = 0;
  for (const name of [
    'lablet_sessions',
    'cml_workers',
    'lab_records',
    'user_sessions',
    'grading_sessions',
    'score_reports',
  ]) {
    const [sum] = await db
      .collection(name)
      .aggregate<{ versions: number }>([{ $group: { _id: null, versions: { $sum: '$version' } } }])
      .toArray();
    total += sum?.versions ?? 0;
  }
  return total + (await db.collection('audit_log').countDocuments());
}

/** How many workers are in each status, for the progress lines while the fleet comes up. */
async function fleetStatusCounts(db: Db): Promise<string> {
  const counts = await db
    .collection('cml_workers')
    .aggregate<{ _id: string; count: number }>([{ $group: { _id: '$status', count: { $sum: 1 } } }])
    .toArray();
  return counts.map((entry) => `${entry._id} ${entry.count}`).join(', ');
}

/** etcd's revision grows by one per write transaction. */
async function etcdRevision(etcd: Etcd3): Promise<number> {
  const response = await etcd.kv.range({ key: Buffer.from('/lcm/'), limit: '1' });
  return Number(response.header.revision);
}

async function rawEtcdPutsPerSecond(seconds: number): Promise<number> {
  const etcd = await PrivateEtcd.start();
  const client = new Etcd3({ hosts: etcd.endpoint });
  let puts = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      while (Date.now() < deadline) {
        await client.put(`/bench/${worker}`).value(String(puts));
        puts += 1;
      }
    }),
  );
  client.close();
  await etcd.destroy();
  return puts / seconds;
}

async function helloWorldPerSecond(seconds: number): Promise<number> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/fastify-hello.ts'], {
    cwd: ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.base.json', PORT: String(port) },
    stdio: 'ignore',
  });
  try {
    await waitFor('hello-world', async () => (await fetch(`http://127.0.0.1:${port}/hello`)).ok, 60_000);
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/hello`,
      connections: CONCURRENCY,
      duration: seconds,
    });
    return result.requests.average;
  } finally {
    child.kill('SIGKILL');
  }
}

interface Ceilings {
  store: number;
  etcd: number;
  hello: number;
  motoRunInstances: number;
}

interface FleetResult {
  workers: number;
  reached: number;
  createSeconds: number;
  fleetSeconds: number;
  fleetLoad: { mean: number; max: number };
  bookingLoad: { mean: number; max: number };
  moto: MotoDescribeRates;
  booked: number;
  placed: number;
  ready: number;
  placementP50: number;
  placementP99: number;
  readyP50: number;
  readyP99: number;
  cpuPercent: number;
  rssMaxMb: number;
  storeWritesPerSecond: number;
  etcdWritesPerSecond: number;
  getSessionPerSecond: number;
  getSessionP99: number;
  getSessionFailures: number;
  getSessionAnswered: number;
}

/** The bench's admin client; a booking day outlasts a dev token (an hour), so a 401 fetches a new one. */
class Api {
  private token: Promise<string>;

  constructor(
    private readonly base: string,
    private readonly issueToken: () => Promise<string>,
  ) {
    this.token = issueToken();
  }

  async call<T>(method: string, path: string, body?: unknown, retries = 20): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const token = this.token;
      const answer = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).catch(() => null);
      if (answer?.ok) return (await answer.json()) as T;
      if (answer?.status === 401 && attempt < retries) {
        // Concurrent callers that saw the same token expire share one new token.
        if (this.token === token) this.token = this.issueToken();
        continue;
      }
      if (attempt >= retries || (answer && answer.status < 500 && answer.status !== 429))
        throw new Error(
          `${method} ${path} → ${answer?.status ?? 'no answer'} ${answer ? await answer.text() : ''}`,
        );
      await sleep(500);
    }
  }
}

async function measureFleet(workers: number, store: PrivateStore, mongo: MongoClient): Promise<FleetResult> {
  const motoServer = await startMoto();
  const etcd = await PrivateEtcd.start();
  let system: LcmSystem | undefined;
  const etcdClient = new Etcd3({ hosts: etcd.endpoint });
  const stopAll = async () => {
    try {
      await system?.stop();
    } finally {
      motoServer.child.kill('SIGKILL');
      etcdClient.close();
      await etcd.destroy();
    }
  };
  return withCleanup(stopAll, async () => {
    system = await launchSystem({
      etcdEndpoint: etcd.endpoint,
      mongoUrl: store.url,
      awsEndpointUrl: motoServer.url,
      envFor: BENCH_LOOPS,
      // Eight Node processes compiling at once on two shared cores take minutes to answer.
      startTimeoutMs: 300_000,
    });
    const db = mongo.db(system.mongoDb);
    const launched = system;
    const api = new Api(launched.urls.controlPlane, () => launched.token(['admin'], 'bench'));
    await api.call('PUT', '/api/v1/settings', { scaling: { max_workers: 10_000 } });
    const templates = await api.call<{ items: { id: string; name: string }[] }>(
      'GET',
      '/api/v1/worker-templates?limit=100',
    );
    const template = templates.items.find((item) => item.name === 'multi-sessions');
    if (!template) throw new Error('seeded template multi-sessions missing');
    const definition = await api.call<{ id: string }>('POST', '/api/v1/lablet-definitions', {
      name: `bench-${system.deployment}`,
      version: '1.0.0',
      topology_yaml: TOPOLOGY,
      node_count: 1,
      resource_requirements: {
        cpu_cores: 1,
        memory_gb: 1,
        storage_gb: 1,
        nested_virt: false,
        ami_requirements: [],
      },
      port_template: [{ name: 'r1_serial', protocol: 'serial' }],
      form_qualified_name: 'LCM/BENCH/lab-1',
      grading_rules_uri: 's3://grading/bench.yaml',
      max_duration_minutes: 240,
      lab_reuse_enabled: true,
    });

    progress(`${workers} workers: creating the fleet`);
    const fleetLoadSampler = new LoadSampler();
    const fleetStarted = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < workers) {
          next += 1;
          await api.call('POST', '/api/v1/workers', { template_id: template.id, name: `bench-${next}` });
        }
      }),
    );
    const createSeconds = (Date.now() - fleetStarted) / 1000;
    const running = () =>
      db.collection('cml_workers').countDocuments({ status: 'RUNNING', service_status: 'AVAILABLE' });
    let reached = 0;
    let lastProgress = 0;
    while (Date.now() - fleetStarted < FLEET_DEADLINE_MS) {
      reached = await running();
      if (reached >= workers) break;
      if (Date.now() - lastProgress >= 15_000) {
        lastProgress = Date.now();
        progress(
          `${workers} workers: ${await fleetStatusCounts(db)} after ${((Date.now() - fleetStarted) / 1000).toFixed(0)} s`,
        );
      }
      await sleep(2_000);
    }
    const fleetSeconds = (Date.now() - fleetStarted) / 1000;
    const fleetLoad = fleetLoadSampler.stop();
    progress(`${workers} workers: moto's describe rates at this size (${CEILING_SECONDS} s each)`);
    const moto = await motoDescribeRates(motoServer.url, CEILING_SECONDS, MOTO_CONCURRENCY);
    progress(
      `${workers} workers: ${reached} RUNNING after ${fleetSeconds.toFixed(0)} s; booking ${SESSIONS} sessions over ${DAY_SECONDS} s`,
    );

    const pid = system.controlPlane.pid ?? 0;
    const cpuBefore = cpuSeconds(pid);
    const writesBefore = await storeWrites(db);
    const revisionBefore = await etcdRevision(etcdClient);
    let rssMax = rssMegabytes(pid);
    const bookingLoadSampler = new LoadSampler();
    const bookingStarted = Date.now();
    const sampler = setInterval(() => {
      if (launched.controlPlane.running) rssMax = Math.max(rssMax, rssMegabytes(pid));
    }, 1_000);
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: SESSIONS }, async (_, index) => {
        await sleep((index / SESSIONS) * DAY_SECONDS * 1000);
        const session = await api.call<{ id: string }>('POST', '/api/v1/sessions', {
          definition_id: definition.id,
          owner: `candidate-${index}`,
          reservation_id: `bench-${index}`,
          timeslot_end: new Date(Date.now() + 120 * 60_000).toISOString(),
        });
        ids.push(session.id);
      }),
    );
    // The last arrivals get the time a session needs to reach READY.
    await waitFor(
      'the last sessions past READY',
      async () =>
        (await db.collection('lablet_sessions').countDocuments({ 'status_history.to': 'READY' })) >=
        ids.length,
      120_000,
      1_000,
    ).catch(() => undefined);
    const elapsed = (Date.now() - bookingStarted) / 1000;
    const bookingLoad = bookingLoadSampler.stop();
    clearInterval(sampler);
    if (!system.controlPlane.running)
      progress(
        `${workers} workers: the control plane exited during the run; see ${system.controlPlane.logFile}`,
      );
    const cpuPercent = system.controlPlane.running ? ((cpuSeconds(pid) - cpuBefore) / elapsed) * 100 : NaN;
    const storeWritesPerSecond = ((await storeWrites(db)) - writesBefore) / elapsed;
    const etcdWritesPerSecond = ((await etcdRevision(etcdClient)) - revisionBefore) / elapsed;

    const sessions = await db
      .collection<{ status_history: { to: string; at: string }[] }>('lablet_sessions')
      .find({})
      .toArray();
    const at = (history: { to: string; at: string }[], status: string) => {
      const entry = history.find((change) => change.to === status);
      return entry ? Date.parse(entry.at) : null;
    };
    const placement: number[] = [];
    const ready: number[] = [];
    for (const session of sessions) {
      const created = at(session.status_history, 'PENDING');
      const scheduled = at(session.status_history, 'SCHEDULED');
      const readyAt = at(session.status_history, 'READY');
      if (created !== null && scheduled !== null) placement.push(scheduled - created);
      if (created !== null && readyAt !== null) ready.push(readyAt - created);
    }

    const sample = ids[0] ?? '';
    const load = await autocannon({
      url: `${system.urls.controlPlane}/api/v1/sessions/${sample}`,
      connections: CONCURRENCY,
      duration: CEILING_SECONDS,
      headers: { authorization: `Bearer ${await system.token(['admin'], 'bench')}` },
    });
    await db.dropDatabase();
    return {
      workers,
      reached,
      createSeconds,
      fleetSeconds,
      fleetLoad,
      bookingLoad,
      moto,
      booked: ids.length,
      placed: placement.length,
      ready: ready.length,
      placementP50: percentile(placement, 50),
      placementP99: percentile(placement, 99),
      readyP50: percentile(ready, 50),
      readyP99: percentile(ready, 99),
      cpuPercent,
      rssMaxMb: rssMax,
      storeWritesPerSecond,
      etcdWritesPerSecond,
      getSessionPerSecond: load.requests.average,
      getSessionP99: load.latency.p99,
      // A figure of 0 must say why: refused connections, timeouts and error answers are counted apart.
      getSessionFailures: load.errors + load.timeouts + load.non2xx,
      // autocannon leaves requests still in flight at the end out of every count.
      getSessionAnswered: load.requests.total,
    };
  });
}

function writeReport(results: FleetResult[], ceilings: Ceilings): void {
  const text = [
    '# System benchmark (`pnpm bench:system`)',
    '',
    `Measured ${new Date().toISOString().slice(0, 16)} UTC on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), shared with other work.`,
    `${SESSIONS} ASAP sessions booked evenly over ${DAY_SECONDS} s (a booking day compressed), each living its whole life with zero-latency simulators`,
    'and a simulated candidate (login after 0.5 s, finish after 2 s). Placement = PENDING → SCHEDULED, create → READY from the status history.',
    'Store writes = versions bumped + audit entries; etcd writes = revisions. The fleet is created through the API and launched by the',
    'worker-controller on a private moto; each instance is a simulated CML host of the fleet simulator.',
    '',
    table(results, ceilings),
    '',
    `Raw ceilings in the same run, on the same private store and etcd build: store version-checked writes ${ceilings.store.toFixed(0)}/s (c=${CONCURRENCY}), etcd puts ${ceilings.etcd.toFixed(0)}/s (c=${CONCURRENCY}), Fastify hello-world ${ceilings.hello.toFixed(0)} req/s (c=${CONCURRENCY}), moto RunInstances ${ceilings.motoRunInstances.toFixed(0)}/s (c=${MOTO_CONCURRENCY}, a moto of its own); the moto describe rates in the table are measured on the fleet's moto once the fleet is up (c=${MOTO_CONCURRENCY}).`,
    `Machine load: the 1-minute load average sampled every second, while the fleet came up and while the sessions were booked (${cpus().length} cores; a load above that means other work shared them).`,
    `Command: \`${COMMAND}\``,
    '',
  ].join('\n');
  console.log(text);
  mkdirSync(join(OUTPUT, '..'), { recursive: true });
  writeFileSync(OUTPUT, text);
}

function table(results: FleetResult[], ceilings: Ceilings): string {
  const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : '—');
  const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)} %`;
  const rows: [string, (result: FleetResult) => string][] = [
    ['workers RUNNING / asked', (r) => `${r.reached} / ${r.workers}`],
    [
      'fleet POSTed through the API',
      (r) => `${r.createSeconds.toFixed(0)} s (${(r.workers / r.createSeconds).toFixed(1)} workers/s)`,
    ],
    [
      'fleet created → RUNNING',
      (r) => `${r.fleetSeconds.toFixed(0)} s (${(r.reached / r.fleetSeconds).toFixed(2)} workers/s)`,
    ],
    [
      '  load average (1 min) mean / max',
      (r) => `${r.fleetLoad.mean.toFixed(1)} / ${r.fleetLoad.max.toFixed(1)}`,
    ],
    [
      'moto DescribeInstances by id/s at this size',
      (r) => `${r.moto.byIdPerSecond.toFixed(0)} (${r.moto.instances} instances)`,
    ],
    ['moto DescribeInstances by tag filter/s', (r) => r.moto.byTagFilterPerSecond.toFixed(1)],
    ['moto DescribeTags (launch lookup)/s', (r) => r.moto.tagIndexPerSecond.toFixed(0)],
    ['sessions booked / placed / READY', (r) => `${r.booked} / ${r.placed} / ${r.ready}`],
    ['placement latency p50 / p99', (r) => `${ms(r.placementP50)} / ${ms(r.placementP99)}`],
    ['create → READY p50 / p99', (r) => `${ms(r.readyP50)} / ${ms(r.readyP99)}`],
    [
      '  load average (1 min) mean / max',
      (r) => `${r.bookingLoad.mean.toFixed(1)} / ${r.bookingLoad.max.toFixed(1)}`,
    ],
    ['control plane CPU (booking phase)', (r) => `${r.cpuPercent.toFixed(0)} % of one core`],
    ['control plane memory (max RSS)', (r) => `${r.rssMaxMb.toFixed(0)} MB`],
    ['store writes/s (booking phase)', (r) => `${r.storeWritesPerSecond.toFixed(1)}`],
    ['  ÷ raw versioned writes/s', (r) => pct(r.storeWritesPerSecond, ceilings.store)],
    ['etcd writes/s (booking phase)', (r) => `${r.etcdWritesPerSecond.toFixed(1)}`],
    ['  ÷ raw etcd puts/s', (r) => pct(r.etcdWritesPerSecond, ceilings.etcd)],
    [
      'GET session req/s (c=32) / p99 / failed',
      (r) =>
        r.getSessionAnswered === 0
          ? `no answer within ${CEILING_SECONDS} s`
          : `${r.getSessionPerSecond.toFixed(0)} / ${r.getSessionP99} ms / ${r.getSessionFailures}`,
    ],
    ['  ÷ Fastify hello-world req/s', (r) => pct(r.getSessionPerSecond, ceilings.hello)],
  ];
  const header = `| | ${results.map((r) => `${r.workers} workers`).join(' | ')} |`;
  const rule = `|---|${results.map(() => '---').join('|')}|`;
  return [header, rule, ...rows.map(([name, cell]) => `| ${name} | ${results.map(cell).join(' | ')} |`)].join(
    '\n',
  );
}

async function main(): Promise<void> {
  // A store of the bench's own: a fleet of 1,000 must neither slow down nor be slowed by the other suites.
  const store = await PrivateStore.start();
  const mongo = await MongoClient.connect(store.url);
  const stopStore = async () => {
    await mongo.close();
    await store.destroy();
  };
  await withCleanup(stopStore, async () => {
    progress(`raw ceilings (${CEILING_SECONDS} s each)`);
    const ceilings: Ceilings = {
      store: await rawVersionedUpdatesPerSecond(store.url, CEILING_SECONDS, CONCURRENCY),
      etcd: await rawEtcdPutsPerSecond(CEILING_SECONDS),
      hello: await helloWorldPerSecond(CEILING_SECONDS),
      motoRunInstances: await motoRunInstancesOnItsOwn(),
    };
    const results: FleetResult[] = [];
    for (const workers of FLEETS) {
      results.push(await measureFleet(workers, store, mongo));
      // Written after every size, so a size this machine cannot finish still leaves the smaller ones.
      writeReport(results, ceilings);
    }
    progress(`written to ${OUTPUT}`);
  });
}

async function motoRunInstancesOnItsOwn(): Promise<number> {
  const motoServer = await startMoto();
  const stop = async () => void motoServer.child.kill('SIGKILL');
  return withCleanup(stop, () =>
    motoRunInstancesPerSecond(motoServer.url, CEILING_SECONDS, MOTO_CONCURRENCY),
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
