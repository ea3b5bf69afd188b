import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const deploymentSchema = z.object({
  base_url: z.url(),
  username: z.string().min(1),
  password: z.string().min(1),
  timeout_seconds: z.number().positive().default(30),
  label: z.string().optional(),
  frontend_base_url: z.url().optional(),
});

/** One LDS deployment per AWS region plus the fallback region (LDS-API.md §1). */
export const ldsDeploymentsConfigSchema = z
  .object({
    default_region: z.string().min(1),
    deployments: z.record(z.string().min(1), deploymentSchema),
  })
  .refine((config) => config.default_region in config.deployments, {
    message: 'default_region must name one of the deployments',
    path: ['default_region'],
  });

export type LdsDeployment = z.infer<typeof deploymentSchema>;
export type LdsDeploymentsConfig = z.infer<typeof ldsDeploymentsConfigSchema>;

/** Validates the YAML text; throws a zod error naming the bad field so start-up fails loudly. */
export function parseLdsDeploymentsConfig(yamlText: string): LdsDeploymentsConfig {
  return ldsDeploymentsConfigSchema.parse(parseYaml(yamlText));
}

export async function loadLdsDeploymentsConfig(filePath: string): Promise<LdsDeploymentsConfig> {
  return parseLdsDeploymentsConfig(await readFile(filePath, 'utf8'));
}

/** The worker's region's deployment, or the default one when the region has none. */
export function selectLdsDeployment(config: LdsDeploymentsConfig, region: string | undefined): { region: string; deployment: LdsDeployment } {
  const chosen = region !== undefined && region in config.deployments ? region : config.default_region;
  const deployment = config.deployments[chosen];
  if (!deployment) throw new Error(`LDS deployment for region ${chosen} is not configured`);
  return { region: chosen, deployment };
}
