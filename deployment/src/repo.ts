import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The repository root (this project lives in deployment/). */
export const ROOT = join(__dirname, '..', '..');

export const readText = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
/** YAML as Docker Compose reads it: `<<:` merge keys resolved. */
export const readYaml = <T = Record<string, unknown>>(path: string): T =>
  parse(readText(path), { merge: true }) as T;

/** The LCM processes that get an image, with the port their health and /metrics routes are on. */
export const APPS = [
  {
    name: 'control-plane-api',
    entry: 'apps/control-plane-api/src/main.ts',
    port: 8020,
    health: '/health/live',
  },
  { name: 'resource-scheduler', entry: 'apps/resource-scheduler/src/main.ts', port: 8081, health: '/health' },
  { name: 'worker-controller', entry: 'apps/worker-controller/src/main.ts', port: 8083, health: '/health' },
  { name: 'lablet-controller', entry: 'apps/lablet-controller/src/main.ts', port: 8082, health: '/health' },
] as const;
export const IMAGES = [
  ...APPS.map((app) => ({ name: app.name, entry: app.entry })),
  { name: 'simulators', entry: 'tools/simulators/src/main.ts' },
];
