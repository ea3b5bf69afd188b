/**
 * pnpm bench:workers — the worker-controller's own overhead (README: Benchmarks).
 *
 * 1. Scale-up → RUNNING: a real control plane (own etcd, own database), the CML fleet simulator with
 *    zero latencies and the worker-controller in this process with an in-memory EC2 (AwsFake), so
 *    what is measured is LCM: the request, the etcd projection and watch, the reconcile steps, the
 *    CML probe and the reports. BENCH_WORKERS scale-ups one after another, p50/p99.
 * 2. One full metrics pass over 100 and 1,000 RUNNING workers: in-memory control plane and EC2,
 *    each worker's CML the simulator over HTTP (system information, health, stats, licensing, labs,
 *    telemetry); time of a cold pass (tokens, activity check) and a warm one, and the EC2 calls.
 */
import { randomUUID } from 'node:crypto';
import { AwsFake } from '@lcm/integrations/aws';
import { createLogger } from '@lcm/observability';
import { startControllerApp } from '@lcm/reconciler-runtime';
import { startCmlFleetSimulator } from '@lcm/simulators';
import { ControlPlaneProcess, PrivateEtcd, startInfrastructure, stopInfrastructure } from '@lcm/testing';
import { workerControllerApp } from '../apps/worker-controller/src/app';
import { loadWorkerControllerConfig } from '../apps/worker-controller/src/config/env.schema';
import { RegionsConfig } from '../apps/worker-controller/src/config/regions-config';
import { AwsRegions } from '../apps/worker-controller/src/infrastructure/aws-regions';
import { CmlClients } from '../apps/worker-controller/src/infrastructure/cml-clients';
import { FleetMetricsReconciler } from '../apps/worker-controller/src/reconcilers/fleet-metrics.reconciler';
import { FakeFleet } from '../apps/worker-controller/src/testing/fake-fleet';

const SCALE_UPS = Number(process.env['BENCH_WORKERS'] ?? 50);
const FLEET_SIZES = (process.env['BENCH_FLEETS'] ?? '100,1000').split(',').map(Number);
const silent = createLogger({ service: 'bench', level: 'silent' });

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function scaleUpToRunning(): Promise<void> {
  const etcd = await PrivateEtcd.start();
  const cpa = await ControlPlaneProcess.start({ etcdEndpoint: etcd.endpoint });
  const cmlSimulator = await startCmlFleetSimulator({ port: 0 });
  const aws = new AwsFake();
  aws.registerImage({ name: 'CML-2.9.0-bench', creation_date: new Date().toISOString() });
  const config = loadWorkerControllerConfig({
    PORT: '0',
    CPA_URL: cpa.url,
    CPA_API_KEY: cpa.apiKey,
    ETCD_ENDPOINTS: etcd.endpoint,
    LEASE_TTL_SECONDS: '5',
    TRANSITION_POLL_MS: '20',
    METRICS_POLL_INTERVAL_MS: '600000',
    DISCOVERY_INTERVAL_MS: '600000',
    CML_URL_TEMPLATE: `${cmlSimulator.url}/workers/{instance_id}`,
    LOG_LEVEL: 'silent',
  });
  const controller = await startControllerApp(
    workerControllerApp(config, {
      logger: createLogger({
        service: 'bench-wc',
        level: (process.env['BENCH_LOG_LEVEL'] as 'info' | undefined) ?? 'silent',
      }),
      aws: new AwsRegions(() => aws),
      regions: new RegionsConfig(
        {
          regions: {
            'us-east-1': {
              subnet_id: 'subnet-bench',
              security_group_ids: ['sg-bench'],
              default_tags: {},
              ami_owners: ['self'],
            },
          },
        },
        'bench',
      ),
    }),
  );
  try {
    const token = await cpa.token(['admin']);
    const call = async (method: string, path: string, body?: unknown) => {
      const answer = await fetch(`${cpa.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      if (!answer.ok) throw new Error(`${method} ${path} → ${answer.status} ${await answer.text()}`);
      return answer.json() as Promise<Record<string, unknown>>;
    };
    await call('PUT', '/api/v1/settings', { scaling: { max_workers: 10_000 } });
    const templates = (await call('GET', '/api/v1/worker-templates')) as {
      items: { id: string; name: string }[];
    };
    const template = templates.items.find((candidate) => candidate.name === 'multi-sessions');
    if (!template) throw new Error('seeded template multi-sessions missing');
    await waitUntilLeading(controller.url, cpa.apiKey);
    const durations: number[] = [];
    for (let index = 0; index < SCALE_UPS; index++) {
      const started = performance.now();
      const { worker_id: workerId } = (await call('POST', '/api/v1/workers/scale-up', {
        template_id: template.id,
        reason: 'bench',
      })) as { worker_id: string };
      for (;;) {
        const worker = await call('GET', `/api/v1/workers/${workerId}`);
        if (worker['status'] === 'RUNNING' && worker['service_status'] === 'AVAILABLE') break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      durations.push(performance.now() - started);
    }
    durations.sort((left, right) => left - right);
    console.log(
      `scale-up → RUNNING + AVAILABLE over ${SCALE_UPS} workers (in-memory EC2, zero-latency CML): p50 ${ms(percentile(durations, 50))}, p99 ${ms(percentile(durations, 99))}, max ${ms(durations[durations.length - 1] ?? NaN)}`,
    );
  } finally {
    await controller.stop();
    await Promise.all([cpa.kill(), cmlSimulator.close()]);
    await etcd.destroy();
  }
}

async function waitUntilLeading(url: string, apiKey: string): Promise<void> {
  for (;;) {
    const stats = (await (
      await fetch(`${url}/api/admin/stats`, { headers: { 'x-api-key': apiKey } })
    ).json()) as { is_leader: boolean };
    if (stats.is_leader) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function metricsPass(size: number): Promise<void> {
  const cmlSimulator = await startCmlFleetSimulator({ port: 0 });
  const fleet = new FakeFleet();
  const deps = {
    ...fleet.deps,
    cml: CmlClients.http({
      urlTemplate: `${cmlSimulator.url}/workers/{instance_id}`,
      username: 'admin',
      password: 'admin',
      verifyTls: false,
      timeoutMs: 30_000,
      logger: silent,
    }),
    now: () => new Date(),
    settings: { ...fleet.deps.settings, cmlConcurrency: 50 },
  };
  try {
    for (let index = 0; index < size; index++)
      await fleet.addRunning({ id: randomUUID(), start_initiated_at: new Date().toISOString() });
    const pass = new FleetMetricsReconciler(deps, [], 60_000);
    const measure = async () => {
      for (const worker of fleet.workers.values())
        fleet.workers.set(worker.id, {
          ...worker,
          cloudwatch: { ...worker.cloudwatch, next_refresh_at: null },
        });
      fleet.aws.recorder.reset();
      const started = performance.now();
      const summary = await pass.pass();
      return { ms: performance.now() - started, summary, ec2: fleet.aws.recorder.operations() };
    };
    const cold = await measure();
    const warm = await measure();
    const requests = (operation: string, chunk: number) =>
      warm.ec2.includes(operation as never) ? Math.ceil(size / chunk) : 0;
    console.log(
      `metrics pass, ${size} workers: cold ${ms(cold.ms)} (CML logins, activity check), warm ${ms(warm.ms)}; ` +
        `reported ${warm.summary.collected}, CML failures ${warm.summary.cml_failures}; ` +
        `EC2/CloudWatch port calls per pass ${warm.ec2.length} (${[...new Set(warm.ec2)].join(', ')}) = ` +
        `${requests('describeInstances', 200) + requests('describeInstanceStatuses', 100)} EC2 + ${requests('getMetricData', 250)} CloudWatch requests with the SDK adapter's chunks`,
    );
  } finally {
    await cmlSimulator.close();
  }
}

async function main(): Promise<void> {
  const started = await startInfrastructure();
  try {
    await scaleUpToRunning();
    for (const size of FLEET_SIZES) await metricsPass(size);
  } finally {
    await stopInfrastructure(started);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
