/**
 * Control-plane throughput and latency, with the raw ceilings measured in the same run on the same
 * machine. Run with `pnpm bench:cpa` (starts etcd/FerretDB/moto if they are not running).
 *
 * Prints: GET session req/s and p50/p99 at concurrency 32; schedule + start-instantiation
 * throughput; Fastify hello-world req/s; raw MongoDB reads/s and version-checked updates/s; the
 * ratios; and the round trips each measured command costs (MongoDB messages counted by a
 * pass-through proxy in front of the store, etcd calls from a private etcd's own gRPC counters).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import autocannon from 'autocannon';
import { Etcd3 } from 'etcd3';
import axios from 'axios';
import { type Db, MongoClient } from 'mongodb';
import {
  aDefinition,
  aSession,
  aWorker,
  freePort,
  infraEndpoints,
  PrivateEtcd,
  startInfrastructure,
  stopInfrastructure,
} from '@lcm/testing';
import { SystemClock } from '@lcm/domain';
import { LabletDefinitionRepository } from '../apps/control-plane-api/src/modules/lablet-definitions/infrastructure/lablet-definition.repository';
import { CmlWorkerRepository } from '../apps/control-plane-api/src/modules/workers/infrastructure/cml-worker.repository';
import {
  VersionedCollection,
  type VersionedDocument,
} from '../apps/control-plane-api/src/platform/mongo/versioned-collection';
import { FENCE_ROOT } from '../apps/control-plane-api/src/platform/etcd-projection/fenced-projection';
import { rawVersionedUpdatesPerSecond } from './raw-ceilings';

const ROOT = join(__dirname, '..');
const API_KEY = 'benchmark-controller-key-0123456789';
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONCURRENCY = 32;
const progress = (message: string) => console.error(`[bench] ${message}`);
const SESSIONS_TO_SCHEDULE = Number(process.env['BENCH_SESSIONS'] ?? 200);
const SCHEDULE_CONCURRENCY = Number(process.env['BENCH_SCHEDULE_CONCURRENCY'] ?? 8);
/** A realistic store: this many sessions and workers are already there when the measurements run. */
const FLEET_SESSIONS = Number(process.env['BENCH_FLEET_SESSIONS'] ?? 10_000);
const FLEET_WORKERS = Number(process.env['BENCH_FLEET_WORKERS'] ?? 1_000);
/** The control plane's own log goes here, to see what a failed phase ran into. */
const CPA_LOG = process.env['BENCH_CPA_LOG'] ?? join(ROOT, '.infra', 'logs', 'bench-cpa.log');

interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

function startNodeProcess(
  script: string,
  env: Record<string, string>,
  /** Lines that must all have appeared before the process counts as up. */
  readyPatterns: RegExp[],
  logFile?: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', script], {
    cwd: ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.base.json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (logFile) {
    mkdirSync(dirname(logFile), { recursive: true });
    const log = createWriteStream(logFile);
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (readyPatterns.every((pattern) => pattern.test(output))) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${output}`)));
  });
}

/** Waits until the sessions' etcd projection has at least `sessions` fences (PROJECTION_RESYNC_SECONDS is 60 by default). */
async function untilProjected(endpoint: string, sessions: number, timeoutMs = 600_000): Promise<void> {
  const client = new Etcd3({ hosts: [endpoint] });
  try {
    const deadline = Date.now() + timeoutMs;
    while ((await client.getAll().prefix(`${FENCE_ROOT}sessions/`).count()) < sessions) {
      if (Date.now() > deadline)
        throw new Error(`the seeded sessions were not projected within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  } finally {
    client.close();
  }
}

/** Polls /health/ready until the control plane says it is ready (its start-up work on the store may be retried). */
async function untilReady(base: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await fetch(`${base}/health/ready`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) return;
    if (Date.now() > deadline)
      throw new Error(`the control plane at ${base} was not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function load(
  url: string,
  headers: Record<string, string>,
  method: 'GET' | 'POST' = 'GET',
): Promise<LoadResult> {
  const result = await autocannon({ url, connections: CONCURRENCY, duration: SECONDS, headers, method });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/**
 * Version-checked replaces of the seeded sessions themselves (the collection at its real size),
 * `CONCURRENCY` in parallel: the store's raw versioned-write rate the commands are compared with.
 */
async function rawFleetVersionedWritesPerSecond(db: Db, ids: string[]): Promise<number> {
  const sessions = new VersionedCollection(db.collection<VersionedDocument>('lablet_sessions'), db);
  let writes = 0;
  let next = 0;
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline && next < ids.length) {
        const id = ids[next++] as string;
        const current = (await sessions.collection.findOne({ _id: id })) as VersionedDocument;
        await sessions.replace({ ...current, owner: 'rewritten' }, current.version);
        writes += 1;
      }
    }),
  );
  return writes / SECONDS;
}

interface MessageCounter {
  url: string;
  count(): number;
  close(): void;
}

/**
 * A TCP pass-through in front of the store that counts the MongoDB wire messages clients send:
 * each starts with its little-endian int32 length, and each is one round trip.
 */
async function countingMongoProxy(mongoUrl: string): Promise<MessageCounter> {
  const target = new URL(mongoUrl.replace(/^mongodb:/, 'http:'));
  let messages = 0;
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 27017), target.hostname);
    let header = Buffer.alloc(0);
    let remaining = 0;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      let offset = 0;
      while (offset < chunk.length) {
        if (remaining > 0) {
          const taken = Math.min(remaining, chunk.length - offset);
          remaining -= taken;
          offset += taken;
          continue;
        }
        const taken = chunk.subarray(offset, offset + 4 - header.length);
        header = Buffer.concat([header, taken]);
        offset += taken.length;
        if (header.length === 4) {
          remaining = header.readInt32LE(0) - 4;
          header = Buffer.alloc(0);
          messages += 1;
        }
      }
    });
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `mongodb://127.0.0.1:${port}`, count: () => messages, close: () => server.close() };
}

/** gRPC calls etcd has answered so far (its `grpc_server_handled_total` counters). */
async function etcdCalls(endpoint: string): Promise<number> {
  const text = await (await fetch(`${endpoint}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('grpc_server_handled_total{'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** Round trips per operation while `work` runs `operations` operations. */
async function roundTrips(
  mongo: MessageCounter,
  etcdEndpoint: string,
  operations: number,
  work: () => Promise<void>,
): Promise<{ mongo: number; etcd: number }> {
  const [mongoBefore, etcdBefore] = [mongo.count(), await etcdCalls(etcdEndpoint)];
  await work();
  const [mongoAfter, etcdAfter] = [mongo.count(), await etcdCalls(etcdEndpoint)];
  return { mongo: (mongoAfter - mongoBefore) / operations, etcd: (etcdAfter - etcdBefore) / operations };
}

/** Sessions and workers already in the store, inserted straight into MongoDB. */
async function seedFleet(db: Db, definitionId: string): Promise<string[]> {
  const clock = new SystemClock();
  const sessionIds: string[] = [];
  for (let start = 0; start < FLEET_SESSIONS; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, FLEET_SESSIONS - start) }, () => {
      const { id, ...state } = aSession()
        .with({ id: randomUUID(), definition_id: definitionId })
        .build(clock)
        .toState();
      sessionIds.push(id);
      return { _id: id, ...state, version: 1 };
    });
    await db.collection('lablet_sessions').insertMany(batch as never[]);
  }
  for (let start = 0; start < FLEET_WORKERS; start += 500) {
    const batch = Array.from({ length: Math.min(500, FLEET_WORKERS - start) }, () => {
      const { id, ...state } = aWorker()
        .with({ id: randomUUID(), template_id: randomUUID() })
        .running()
        .build(clock)
        .toState();
      return { _id: id, ...state, version: 1 };
    });
    await db.collection('cml_workers').insertMany(batch as never[]);
  }
  return sessionIds;
}

/** Reads by id with the driver alone: the storage ceiling of GET session. */
async function rawReadsPerSecond(mongoUrl: string, database: string, sessionId: string): Promise<number> {
  const client = await new MongoClient(mongoUrl).connect();
  const sessions = client.db(database).collection<{ _id: string }>('lablet_sessions');
  let reads = 0;
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        await sessions.findOne({ _id: sessionId });
        reads += 1;
      }
    }),
  );
  await client.close();
  return reads / SECONDS;
}

async function main(): Promise<void> {
  const started = await startInfrastructure();
  const { mongoUrl } = infraEndpoints();
  const database = `lcm_bench_${randomUUID().slice(0, 8)}`;
  const children: ChildProcess[] = [];
  // etcd of its own, so its call counters hold the control plane's calls only.
  const etcd = await PrivateEtcd.start();
  const counted = await countingMongoProxy(mongoUrl);
  try {
    // Free ports (of LCM_TEST_PORTS when set: engineers share the machine).
    const [cpaPort, helloPort] = [await freePort(), await freePort()];
    const hello = await startNodeProcess('bench/fastify-hello.ts', { PORT: String(helloPort) }, [
      /listening/,
    ]);
    children.push(hello);
    const cpa = await startNodeProcess(
      'apps/control-plane-api/src/main.ts',
      {
        PORT: String(cpaPort),
        MONGO_URL: counted.url,
        MONGO_DB: database,
        ETCD_ENDPOINTS: etcd.endpoint,
        INTERNAL_API_KEYS: API_KEY,
        AUTH_MODE: 'development',
        DEV_AUTH_SECRET: 'benchmark-development-secret-0123456789',
        LOG_LEVEL: 'info',
      },
      // Listening is not enough: until its start-up work on the store is done it answers 503.
      [/listening/, /ready to serve/],
      CPA_LOG,
    );
    children.push(cpa);
    progress(`control plane log: ${CPA_LOG}`);
    const base = `http://127.0.0.1:${cpaPort}`;
    await untilReady(base);
    const internal = { 'x-api-key': API_KEY, 'content-type': 'application/json' };
    const { data: token } = await axios.post(`${base}/api/auth/dev-token`, {
      subject: 'bench',
      roles: ['admin'],
    });
    const bearer = { authorization: `Bearer ${token.access_token}` };

    progress('control plane and hello-world server up; seeding');
    // Seed one definition and four roomy workers straight into MongoDB (the bench measures sessions, not fleet set-up).
    const client = await new MongoClient(mongoUrl).connect();
    const db = client.db(database);
    const clock = new SystemClock();
    const definition = aDefinition().with({ id: randomUUID(), version: 0, name: 'bench-lab' }).build();
    await new LabletDefinitionRepository(db, clock).save(definition);
    const workers = new CmlWorkerRepository(db, clock);
    const workerIds: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const worker = aWorker()
        .with({ id: randomUUID(), version: 0, template_id: randomUUID() })
        .running()
        .withCapacity({ cpu_cores: 10_000, memory_gb: 100_000, storage_gb: 1_000_000, max_nodes: 100_000 })
        .build();
      await workers.save(worker);
      workerIds.push(worker.id);
    }
    progress(`seeding ${FLEET_SESSIONS} sessions and ${FLEET_WORKERS} workers`);
    const fleetSessionIds = await seedFleet(db, definition.id);
    // The fleet went straight into MongoDB, so the control plane's periodic republish writes its
    // etcd keys once: wait for that before measuring, as a real store's keys would already exist.
    progress('waiting for the periodic etcd republish of the seeded fleet');
    await untilProjected(etcd.endpoint, FLEET_SESSIONS);

    const timeslot = (offsetMinutes: number) => new Date(Date.now() + offsetMinutes * 60_000).toISOString();
    const createSession = async () =>
      (
        await axios.post(
          `${base}/api/v1/sessions`,
          {
            definition_id: definition.id,
            owner: `candidate-${randomUUID().slice(0, 6)}`,
            timeslot_start: timeslot(1),
            timeslot_end: timeslot(60),
          },
          { headers: bearer },
        )
      ).data.id as string;

    const probeSession = await createSession();
    progress('measuring GET session');
    const getSession = await load(`${base}/api/v1/sessions/${probeSession}`, bearer);
    const getTrips = await roundTrips(counted, etcd.endpoint, 50, async () => {
      for (let i = 0; i < 50; i += 1)
        await axios.get(`${base}/api/v1/sessions/${probeSession}`, { headers: bearer });
    });
    const createTrips = await roundTrips(counted, etcd.endpoint, 20, async () => {
      for (let i = 0; i < 20; i += 1) await createSession();
    });

    progress(`creating ${SESSIONS_TO_SCHEDULE} sessions`);
    const sessionIds: string[] = [];
    for (let i = 0; i < SESSIONS_TO_SCHEDULE; i += 1) sessionIds.push(await createSession());
    progress('measuring schedule + start-instantiation');
    const [mongoBefore, etcdBefore] = [counted.count(), await etcdCalls(etcd.endpoint)];
    const scheduleStarted = Date.now();
    let next = 0;
    let scheduleErrors = 0;
    await Promise.all(
      Array.from({ length: SCHEDULE_CONCURRENCY }, async () => {
        while (next < sessionIds.length) {
          const index = next++;
          const id = sessionIds[index]!;
          try {
            await axios.post(
              `${base}/api/internal/sessions/${id}/schedule`,
              { worker_id: workerIds[index % workerIds.length] },
              { headers: internal },
            );
            await axios.post(
              `${base}/api/internal/sessions/${id}/start-instantiation`,
              {},
              { headers: internal },
            );
          } catch {
            scheduleErrors += 1;
          }
        }
      }),
    );
    const schedulePerSecond = sessionIds.length / ((Date.now() - scheduleStarted) / 1000);
    const scheduleTrips = {
      mongo: (counted.count() - mongoBefore) / sessionIds.length,
      etcd: ((await etcdCalls(etcd.endpoint)) - etcdBefore) / sessionIds.length,
    };

    progress('measuring the ceilings');
    const helloWorld = await load(`http://127.0.0.1:${helloPort}/hello`, {});
    const rawUpdates = await rawVersionedUpdatesPerSecond(mongoUrl, SECONDS, CONCURRENCY);
    const rawReads = await rawReadsPerSecond(mongoUrl, database, probeSession);
    const rawFleetWrites = await rawFleetVersionedWritesPerSecond(db, fleetSessionIds);
    await client.close();

    const rows = [
      [
        'GET /api/v1/sessions/:id (c=32)',
        `${getSession.requestsPerSecond.toFixed(0)} req/s`,
        `p50 ${getSession.p50} ms, p99 ${getSession.p99} ms, errors ${getSession.errors}`,
      ],
      [
        `schedule + start-instantiation (c=${SCHEDULE_CONCURRENCY}, 4 workers)`,
        `${schedulePerSecond.toFixed(1)} sessions/s`,
        `${SESSIONS_TO_SCHEDULE} sessions, errors ${scheduleErrors}`,
      ],
      [
        'ceiling: Fastify hello-world (c=32)',
        `${helloWorld.requestsPerSecond.toFixed(0)} req/s`,
        `p50 ${helloWorld.p50} ms, p99 ${helloWorld.p99} ms`,
      ],
      [
        'ceiling: raw version-checked Mongo updates (c=32)',
        `${rawUpdates.toFixed(0)} updates/s`,
        'VersionedCollection.replace, 32 documents',
      ],
      [
        `ceiling: raw versioned writes at fleet size (c=32)`,
        `${rawFleetWrites.toFixed(0)} writes/s`,
        `findOne + VersionedCollection.replace, ${FLEET_SESSIONS} sessions and ${FLEET_WORKERS} workers stored`,
      ],
      [
        'ceiling: raw MongoDB findOne by id (c=32)',
        `${rawReads.toFixed(0)} reads/s`,
        'driver only, the same document as the GET',
      ],
      [
        'round trips per GET session',
        `${getTrips.mongo.toFixed(1)} Mongo, ${getTrips.etcd.toFixed(1)} etcd`,
        'sequential, 50 requests',
      ],
      [
        'round trips per create session',
        `${createTrips.mongo.toFixed(1)} Mongo, ${createTrips.etcd.toFixed(1)} etcd`,
        'sequential, 20 requests',
      ],
      [
        'round trips per schedule + start-instantiation',
        `${scheduleTrips.mongo.toFixed(1)} Mongo, ${scheduleTrips.etcd.toFixed(1)} etcd`,
        `the measured phase, ${SESSIONS_TO_SCHEDULE} sessions (2 commands each), background passes included`,
      ],
      [
        'ratio GET session / raw findOne',
        `${((getSession.requestsPerSecond / rawReads) * 100).toFixed(1)} %`,
        '',
      ],
      [
        'ratio GET session / hello-world',
        `${((getSession.requestsPerSecond / helloWorld.requestsPerSecond) * 100).toFixed(1)} %`,
        '',
      ],
      [
        'ratio schedule+transition / raw writes at fleet size',
        `${((schedulePerSecond / rawFleetWrites) * 100).toFixed(1)} %`,
        'target ≥ 50 %',
      ],
      [
        'ratio schedule+transition / raw updates',
        `${((schedulePerSecond / rawUpdates) * 100).toFixed(1)} %`,
        'each session = 2 commands, ≥4 versioned writes',
      ],
    ];
    console.log(`\nLCM control-plane benchmark (${SECONDS} s per load phase, ${new Date().toISOString()})`);
    for (const [name, figure, detail] of rows)
      console.log(`${name!.padEnd(52)} ${figure!.padEnd(20)} ${detail}`);
  } finally {
    children.forEach((child) => child.kill('SIGTERM'));
    counted.close();
    await etcd.kill();
    stopInfrastructure(started);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
