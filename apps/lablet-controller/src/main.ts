import { SystemClock } from '@lcm/domain';
import { createLogger } from '@lcm/observability';
import { runControllerMain } from '@lcm/reconciler-runtime';
import { loadLabletControllerConfig } from './config/env.schema';
import { registerCloudEventsRoute } from './events/cloud-events.route';
import { HttpOutsideSystems } from './integrations/outside-systems';
import { labletReconcilers, type LabletReconcilers } from './reconcilers';

async function main(): Promise<void> {
  const config = loadLabletControllerConfig();
  const logger = createLogger({ service: 'lablet-controller', level: config.LOG_LEVEL });
  const systems = await HttpOutsideSystems.fromConfig(config);
  const clock = new SystemClock();
  let reconcilers: LabletReconcilers | undefined;
  let events: ReturnType<typeof registerCloudEventsRoute> | undefined;
  await runControllerMain({
    name: 'lablet-controller',
    config,
    logger,
    defaultParallelism: 10,
    reconcilers: (context) => {
      reconcilers = labletReconcilers(context, systems, clock);
      return reconcilers.all;
    },
    routes: (app, context) => {
      events = registerCloudEventsRoute(
        app,
        {
          cpa: context.cpa,
          clock,
          log: context.logger,
          dedupeCapacity: config.EVENT_DEDUPE_CAPACITY,
          extraTypePrefixes: config.LDS_CLOUDEVENT_TYPE_PREFIX ? [config.LDS_CLOUDEVENT_TYPE_PREFIX] : [],
        },
        context.logger,
      );
    },
    stats: () => ({
      cloud_events: events?.stats ?? null,
      lab_discovery: [...(reconcilers?.discovery.lastScans.values() ?? [])],
    }),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`lablet-controller failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
