import { type Etcd3 } from 'etcd3';
import { type FastifyInstance } from 'fastify';
import { type ControllerName } from '@lcm/contracts';
import { ControlPlaneApiClient } from '@lcm/cpa-client';
import { createEtcdClient } from '@lcm/etcd';
import { createLogger, currentCorrelationId, type Logger, startTelemetry } from '@lcm/observability';
import { createAdminServer } from './admin-server';
import { Controller } from './controller';
import { type ControllerConfig, defaultReplicaId } from './env';
import { LeaderElection } from './leader-election';
import { ControllerMetrics } from './metrics';
import { type Reconciler } from './reconciler';

/** What an app's reconcilers and routes are built from. */
export interface ControllerAppContext<C extends ControllerConfig = ControllerConfig> {
  config: C;
  cpa: ControlPlaneApiClient;
  etcd: Etcd3;
  logger: Logger;
  metrics: ControllerMetrics;
  leader: LeaderElection;
}

export interface ControllerAppSpec<C extends ControllerConfig> {
  name: ControllerName;
  config: C;
  logger?: Logger;
  defaultParallelism: number;
  reconcilers: (context: ControllerAppContext<C>) => Reconciler[] | Promise<Reconciler[]>;
  /** Extra HTTP routes on the admin server (registered before it listens). */
  routes?: (app: FastifyInstance, context: ControllerAppContext<C>) => void;
  /** Extra fields for `/api/admin/stats`. */
  stats?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Called after start-up and before shutdown, e.g. to stop the app's own timers. */
  onStop?: () => Promise<void> | void;
}

export interface RunningControllerApp<C extends ControllerConfig = ControllerConfig> {
  url: string;
  context: ControllerAppContext<C>;
  controllers: Controller[];
  stop(): Promise<void>;
}

/**
 * Starts one controller process: admin server, etcd client, leader election, the control-plane
 * client (carrying the leader term and the reconcile id), and a `Controller` per reconciler that
 * runs only while this replica leads.
 */
export async function startControllerApp<C extends ControllerConfig>(spec: ControllerAppSpec<C>): Promise<RunningControllerApp<C>> {
  const { config, name } = spec;
  const logger = spec.logger ?? createLogger({ service: name, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const metrics = new ControllerMetrics(name);
  const etcd = createEtcdClient(config.ETCD_ENDPOINTS);
  const replicaId = config.REPLICA_ID ?? defaultReplicaId();
  let url = '';
  const leader = new LeaderElection({
    etcd,
    controller: name,
    replicaId,
    adminUrl: () => config.ADVERTISE_URL ?? url,
    ttlSeconds: config.LEASE_TTL_SECONDS,
    logger,
  });
  const cpa = new ControlPlaneApiClient({
    baseUrl: config.CPA_URL,
    apiKey: config.CPA_API_KEY,
    actor: name,
    correlationId: currentCorrelationId,
    leaderTerm: () => leader.currentTerm()?.revision,
  });
  let controllers: Controller[] = [];
  let started = false;

  const admin = createAdminServer({
    logger,
    metrics,
    apiKey: config.CPA_API_KEY,
    ready: () => started,
    stats: async () => ({
      controller: name,
      replica_id: replicaId,
      is_leader: leader.isLeader() ?? false,
      leader: await leader.currentLeader().catch(() => null),
      term: leader.currentTerm() ?? null,
      reconcilers: controllers.map((controller) => controller.stats()),
      ...(await spec.stats?.()),
    }),
    reconcile: async (key) => {
      if (key) for (const controller of controllers) controller.enqueue(key);
      else await Promise.all(controllers.map((controller) => controller.resync()));
      return { queued: key ? controllers.length : controllers.reduce((sum, c) => sum + c.stats().queue_depth, 0) };
    },
    resign: async () => {
      await leader.resign();
    },
  });

  const appContext: ControllerAppContext<C> = { config, cpa, etcd, logger, metrics, leader };
  spec.routes?.(admin, appContext);
  const address = await admin.listen({ host: config.HOST, port: config.PORT });
  url = `http://${config.HOST}:${new URL(address).port}`;
  controllers = (await spec.reconcilers(appContext)).map(
    (reconciler) =>
      new Controller(reconciler, {
        resyncIntervalMs: config.RESYNC_INTERVAL_MS,
        defaultParallelism: config.PARALLELISM ?? spec.defaultParallelism,
        logger,
        metrics,
      }),
  );
  leader.onChange((leading) => {
    metrics.leader.set(leading ? 1 : 0);
    for (const controller of controllers) {
      if (leading) controller.activate();
      else controller.deactivate();
    }
  });
  for (const controller of controllers) await controller.start();
  await leader.start();
  started = true;
  logger.info({ url, replica_id: replicaId }, `${name} started`);

  return {
    url,
    context: appContext,
    controllers,
    stop: async () => {
      started = false;
      await spec.onStop?.();
      await leader.stop();
      await Promise.all(controllers.map((controller) => controller.stop()));
      await admin.close();
      etcd.close();
    },
  };
}

/**
 * `main` of a controller: start, and stop gracefully (resigning leadership) on SIGTERM/SIGINT.
 * With OTEL_EXPORTER_OTLP_ENDPOINT, spans of the admin API and of the calls to the control plane and
 * to outside systems (http, undici) are exported, W3C trace context goes out with every call, and
 * the buffered spans are flushed before the process exits.
 */
export async function runControllerMain<C extends ControllerConfig>(spec: ControllerAppSpec<C>): Promise<void> {
  const telemetry = startTelemetry({ service: spec.name, otlpEndpoint: spec.config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const app = await startControllerApp(spec);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.context.logger.info({ signal }, 'stopping');
    void app.stop().then(() => telemetry.shutdown()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
