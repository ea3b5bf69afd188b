import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { infraEndpoints } from './endpoints';

const scriptsDir = join(__dirname, '..', '..', '..', '..', 'scripts', 'infra');

function reachable(url: string, timeoutMs = 500): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), timeout: timeoutMs });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
    socket.once('timeout', () => finish(false));
  });
}

export async function infrastructureReachable(): Promise<boolean> {
  const { mongoUrl, etcdEndpoints, awsEndpointUrl } = infraEndpoints();
  const mongoHostUrl = mongoUrl.replace(/^mongodb(\+srv)?:\/\/([^@/]*@)?/, 'tcp://').split('/').slice(0, 3).join('/');
  const checks = await Promise.all([reachable(mongoHostUrl), reachable(etcdEndpoints[0] ?? ''), reachable(awsEndpointUrl)]);
  return checks.every(Boolean);
}

/** Starts whatever is missing; returns the names of the servers this call started. */
export async function startInfrastructure(): Promise<string[]> {
  if (await infrastructureReachable()) return [];
  const output = execFileSync('bash', [join(scriptsDir, 'up.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const line = output.split('\n').find((l) => l.startsWith('LCM_INFRA_STARTED='));
  return (line?.slice('LCM_INFRA_STARTED='.length) ?? '').split(',').filter(Boolean);
}

export function stopInfrastructure(names: string[]): void {
  if (names.length === 0) return;
  execFileSync('bash', [join(scriptsDir, 'down.sh'), ...names], { stdio: 'inherit' });
}
