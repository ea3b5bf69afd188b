import { type ControllerAppSpec } from '@lcm/reconciler-runtime';
import { createLogger, type Logger } from '@lcm/observability';
import { type WorkerControllerConfig } from './config/env.schema';
import { RegionsConfig } from './config/regions-config';
import { AwsRegions } from './infrastructure/aws-regions';
import { CmlClients } from './infrastructure/cml-clients';
import { Decisions } from './operations/decisions';
import { workerControllerReconcilers } from './reconcilers';

/** Outside systems of the process; the defaults talk to AWS (or moto) and to each worker's CML over HTTPS. */
export interface WorkerControllerParts {
  logger?: Logger;
  aws?: AwsRegions;
  cml?: CmlClients;
  regions?: RegionsConfig;
}

/** The worker-controller process: its reconcilers on the shared runtime, with decision counts in the admin stats. */
export function workerControllerApp(
  config: WorkerControllerConfig,
  parts: WorkerControllerParts = {},
): ControllerAppSpec<WorkerControllerConfig> {
  const logger =
    parts.logger ??
    createLogger({ service: 'worker-controller', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const regions = parts.regions ?? RegionsConfig.load(config.WORKER_REGIONS_CONFIG);
  const aws = parts.aws ?? AwsRegions.sdk({ endpoint: config.AWS_ENDPOINT_URL, logger });
  const cml =
    parts.cml ??
    CmlClients.http({
      urlTemplate: config.CML_URL_TEMPLATE,
      username: config.CML_USERNAME,
      password: config.CML_PASSWORD,
      verifyTls: config.CML_VERIFY_TLS,
      timeoutMs: config.CML_TIMEOUT_MS,
      logger,
    });
  let decisions: Decisions | undefined;
  return {
    name: 'worker-controller',
    config,
    logger,
    defaultParallelism: 5,
    reconcilers: ({ cpa, etcd, metrics }) => {
      decisions = new Decisions(metrics.registry, logger);
      return workerControllerReconcilers(
        {
          cpa,
          aws,
          cml,
          regions,
          decisions,
          logger,
          now: () => new Date(),
          settings: {
            deploymentName: config.DEPLOYMENT_NAME,
            transitionPollMs: config.TRANSITION_POLL_MS,
            ec2ConsistencyGraceMs: config.EC2_CONSISTENCY_GRACE_MS,
            workerBootMinutes: config.WORKER_BOOT_MINUTES,
            drainTimeoutHours: config.DRAIN_TIMEOUT_HOURS,
            scaleDownGraceMinutes: config.SCALE_DOWN_GRACE_MINUTES,
            activityCheckIntervalMs: config.ACTIVITY_CHECK_INTERVAL_MS,
            cmlConcurrency: config.CML_CONCURRENCY,
          },
        },
        etcd,
        {
          metricsPollIntervalMs: config.METRICS_POLL_INTERVAL_MS,
          discoveryIntervalMs: config.DISCOVERY_INTERVAL_MS,
        },
      ).all;
    },
    stats: () => ({ decisions: decisions?.snapshot() ?? {} }),
    onStop: () => aws.close(),
  };
}
