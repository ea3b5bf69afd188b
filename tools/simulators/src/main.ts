/**
 * `pnpm sim` — starts the CML fleet (9440), LDS (9450) and GradingEngine (9460) simulators.
 * Every option is an env variable or a `--name=value` flag (flags win); see docs/simulators/.
 */
import { startCmlFleetSimulator } from './cml/server';
import { REALISTIC_LATENCIES, ZERO_LATENCIES, type CmlLatencies } from './cml/model';
import { startGradingSimulator } from './grading/server';
import { startLdsSimulator } from './lds/server';
import type { SimulatorHandle } from './kit/server';

const flags = new Map(
  process.argv
    .slice(2)
    .filter((a) => a.startsWith('--'))
    .map((a) => {
      const [name, ...value] = a.slice(2).split('=');
      return [name!.toUpperCase().replace(/-/g, '_'), value.length ? value.join('=') : 'true'] as const;
    }),
);
const opt = (name: string): string | undefined => flags.get(name) ?? process.env[name];
const num = (name: string, fallback: number): number => {
  const raw = opt(name);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got '${raw}'`);
  return value;
};
const mode = (name: string) => (opt(name) === 'binary' ? 'binary' : 'structured');

export async function main(): Promise<SimulatorHandle[]> {
  const host = opt('SIM_HOST') ?? '127.0.0.1';
  const only = new Set((opt('SIM_ONLY') ?? 'cml,lds,grading').split(',').map((s) => s.trim()));
  const profile = opt('CML_SIM_PROFILE') === 'realistic' ? REALISTIC_LATENCIES : ZERO_LATENCIES;
  const latencies: CmlLatencies = {
    importMs: num('CML_SIM_IMPORT_MS', profile.importMs),
    queueMs: num('CML_SIM_QUEUE_MS', profile.queueMs),
    bootMs: num('CML_SIM_BOOT_MS', profile.bootMs),
    stopMs: num('CML_SIM_STOP_MS', profile.stopMs),
    wipeMs: num('CML_SIM_WIPE_MS', profile.wipeMs),
    licenseRegistrationMs: num('CML_SIM_LICENSE_MS', profile.licenseRegistrationMs),
  };
  const sinkUrl = opt('SIM_SINK_URL') ?? null;
  const started: SimulatorHandle[] = [];
  const log = (name: string, url: string, extra = '') => process.stdout.write(`[sim] ${name.padEnd(8)} ${url}${extra}\n`);

  if (only.has('cml')) {
    const cml = await startCmlFleetSimulator({
      host,
      port: num('CML_SIM_PORT', 9440),
      latencies,
      autoRegister: opt('CML_SIM_AUTO_REGISTER') !== 'false',
      defaultCredentials: { username: opt('CML_SIM_USERNAME') ?? 'admin', password: opt('CML_SIM_PASSWORD') ?? 'admin' },
      workerDefaults: { readyAfterMs: num('CML_SIM_READY_AFTER_MS', 0), tokenLifetimeMs: num('CML_SIM_TOKEN_TTL_MS', 8 * 3600_000) || undefined },
    });
    started.push(cml);
    log('cml', `${cml.url}/workers/<key>/api/v0`, `  latencies ${JSON.stringify(latencies)}`);
  }
  if (only.has('lds')) {
    const lds = await startLdsSimulator({
      host,
      port: num('LDS_SIM_PORT', 9450),
      username: opt('LDS_SIM_USERNAME') ?? 'lds',
      password: opt('LDS_SIM_PASSWORD') ?? 'lds',
      frontendBaseUrl: opt('LDS_SIM_FRONTEND_BASE_URL'),
      sinkUrl: opt('LDS_CLOUDEVENT_SINK') ?? sinkUrl,
      sinkMode: mode('LDS_SIM_EVENT_MODE'),
      family: (opt('LDS_SIM_EVENT_FAMILY') as 'seed' | 'pylds' | 'cisco' | undefined) ?? 'seed',
      eventSource: opt('LDS_CLOUDEVENT_SOURCE'),
      autoLoginAfterMs: opt('LDS_SIM_AUTO_LOGIN_MS') !== undefined ? num('LDS_SIM_AUTO_LOGIN_MS', 0) : null,
      autoFinishAfterMs: opt('LDS_SIM_AUTO_FINISH_MS') !== undefined ? num('LDS_SIM_AUTO_FINISH_MS', 0) : null,
    });
    started.push(lds);
    log('lds', `${lds.url}/reservations/v3`, `  sink ${lds.sink.url ?? '(none)'} (${lds.sink.mode})`);
  }
  if (only.has('grading')) {
    const grading = await startGradingSimulator({
      host,
      port: num('GRADING_SIM_PORT', 9460),
      gradingDelayMs: num('GRADING_SIM_DELAY_MS', 0),
      rubric: opt('GRADING_SIM_RUBRIC') === 'hashed' ? 'hashed' : 'port-presence',
      failGrading: opt('GRADING_SIM_FAIL') === 'true',
      sinkUrl: opt('GRADING_SIM_SINK_URL') ?? sinkUrl,
      sinkMode: mode('GRADING_SIM_EVENT_MODE'),
      family: opt('GRADING_SIM_EVENT_FAMILY') === 'assessment' ? 'assessment' : 'canonical',
    });
    started.push(grading);
    log('grading', `${grading.url}/api/v1`, `  sink ${grading.sink.url ?? '(none)'} (${grading.sink.mode})`);
  }
  return started;
}

/** Starts the selected simulators and closes them cleanly on SIGINT/SIGTERM. */
export function run(): void {
  main()
    .then((handles) => {
      const stop = () => {
        void Promise.all(handles.map((h) => h.close())).then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((error: unknown) => {
      process.stderr.write(`[sim] failed to start: ${(error as Error).message}\n`);
      process.exit(1);
    });
}

if (require.main === module) run();
