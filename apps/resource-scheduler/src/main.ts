import { loadControllerConfig, runControllerMain } from '@lcm/reconciler-runtime';
import { SchedulerEnvSchema } from './config/env.schema';
import { schedulerAppSpec } from './scheduler-app';

runControllerMain(schedulerAppSpec(loadControllerConfig(SchedulerEnvSchema))).catch((error: unknown) => {
  console.error('resource-scheduler failed to start:', error);
  process.exit(1);
});
