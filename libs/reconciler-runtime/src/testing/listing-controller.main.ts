/**
 * A minimal controller process for the runtime's own drills (kill -9, resign): it lists the keys in
 * LISTED_KEYS and reconciles each by doing nothing, so only the runtime is under test.
 */
import { z } from 'zod';
import { controllerEnvSchema, loadControllerConfig } from '../env';
import { runControllerMain } from '../controller-app';
import { ListSource } from '../key-source';
import { done } from '../reconcile-result';

const config = loadControllerConfig(
  controllerEnvSchema(0, { LISTED_KEYS: z.string().default('a,b,c') }),
);

void runControllerMain({
  name: 'lablet-controller',
  config,
  defaultParallelism: 2,
  reconcilers: () => [
    {
      name: 'listing',
      sources: [new ListSource('env', async () => config.LISTED_KEYS.split(','))],
      reconcile: async () => done(),
    },
  ],
});
