import { createLogger } from '@lcm/observability';
import { runControllerMain } from '@lcm/reconciler-runtime';
import { workerControllerApp } from './app';
import { loadWorkerControllerConfig } from './config/env.schema';

try {
  void runControllerMain(workerControllerApp(loadWorkerControllerConfig())).catch((error: unknown) =>
    fail(error),
  );
} catch (error) {
  fail(error);
}

function fail(error: unknown): never {
  createLogger({ service: 'worker-controller' }).fatal({ err: error }, 'worker-controller failed to start');
  process.exit(1);
}
