/**
 * The local run's apps (scripts/dev.sh, after etcd, the store and moto are up): the same launcher
 * the e2e suite uses, on the README's fixed ports, output prefixed with each process's name.
 * SIGINT/SIGTERM stop every process it started. Any setting below can be overridden from the
 * environment, as dev.sh always allowed.
 *
 *   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register libs/testing/src/system/launch-system.main.ts
 */
import { infraEndpoints } from '../infra/endpoints';
import { DEV_PORTS, LcmSystem } from './launcher';

const env = process.env;
const fromEnvironment = (names: string[]): Record<string, string> =>
  Object.fromEntries(names.flatMap((name) => (env[name] !== undefined ? [[name, env[name] as string]] : [])));

let stopping = false;

async function main(): Promise<void> {
  const infra = infraEndpoints();
  const internalKeys = env['INTERNAL_API_KEYS'] ?? 'local-development-controller-key';
  const system = await LcmSystem.create({
    ports: {
      ...DEV_PORTS,
      'dev-oidc-provider': Number(env['DEV_OIDC_PORT'] ?? DEV_PORTS['dev-oidc-provider']),
    },
    etcdEndpoint: infra.etcdEndpoints.join(','),
    mongoUrl: infra.mongoUrl,
    mongoDb: env['MONGO_DB'] ?? 'lcm',
    // An empty AWS_ENDPOINT_URL means real AWS (README); unset means moto on loopback.
    awsEndpointUrl: infra.awsEndpointUrl,
    awsRegion: env['AWS_REGION'] ?? 'us-east-1',
    deployment: env['DEPLOYMENT_NAME'] ?? 'lcm-local',
    regionsConfig: env['WORKER_REGIONS_CONFIG'] ?? '.infra/worker-regions.json',
    apiKey: internalKeys.split(',')[0]!.trim(),
    logDir: '.infra/logs',
    echo: true,
    env: {
      DEV_AUTH_SECRET: 'local-development-secret-change-me',
      SESSION_SECRET: 'local-development-session-secret-change-me',
      // Logs for people at a terminal (every app reads LOG_FORMAT; JSON is the default elsewhere).
      LOG_FORMAT: 'pretty',
      ...fromEnvironment([
        'AUTH_MODE',
        'DEV_AUTH_SECRET',
        'SESSION_SECRET',
        'OIDC_ISSUER',
        'OIDC_CLIENT_ID',
        'LOG_FORMAT',
        'LOG_LEVEL',
        'CML_URL_TEMPLATE',
        'LDS_URL',
        'GRADING_URL',
        'SIM_SINK_URL',
      ]),
    },
    envFor: { 'control-plane-api': { INTERNAL_API_KEYS: internalKeys } },
  });
  // Ctrl-C while the apps still start stops those already running too.
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void system.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await system.start();
  const { urls } = system;
  process.stdout.write(
    [
      `[dev] etcd ${urls.etcd}, MongoDB wire ${urls.mongo} (database ${system.mongoDb}), EC2 ${urls.aws || 'real AWS'}`,
      `[dev] simulators: CML fleet ${urls.cml}, LDS ${urls.lds}, GradingEngine ${urls.grading}`,
      `[dev] dashboard: ${urls.controlPlane}/ (log in as admin/admin, manager/manager or user/user)`,
      `[dev] control plane: ${urls.controlPlane} (API docs at /api/docs; dev tokens: POST /api/auth/dev-token)`,
      `[dev] development OIDC provider: ${urls.oidcIssuer}`,
      `[dev] resource-scheduler: ${urls.resourceScheduler} (decisions at ${urls.controlPlane}/api/v1/scheduler/status)`,
      `[dev] lablet-controller: ${urls.labletController} (CloudEvents at /api/events, admin at /api/admin/stats)`,
      `[dev] worker-controller admin: ${urls.workerController} (regions file: ${system.regionsConfig || 'none'})`,
      `[dev] logs: ${system.logDir}/<process>.log; Ctrl-C stops everything`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  if (stopping) return;
  process.stderr.write(`[dev] the system did not start: ${(error as Error).message}\n`);
  process.exit(1);
});
