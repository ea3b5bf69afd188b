import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, httpOk, infraEndpoints, PrivateEtcd, waitFor } from '@lcm/testing';
import { IMAGES, ROOT } from './repo';

/**
 * No Docker engine runs on the build machines, so the image stages are proven by running the very
 * command of every Dockerfile's build stage (deployment/docker/build-app.mjs) and then starting
 * the result as the runtime stage does: `node dist/<entry>.js` from the output folder, with
 * nothing but its production node_modules.
 */
const outDir = mkdtempSync(join(tmpdir(), 'lcm-images-'));
const built = new Map<string, string>();

function build(name: string, entry: string): string {
  const out = join(outDir, name);
  execFileSync(process.execPath, [join(ROOT, 'deployment/docker/build-app.mjs'), entry, out], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  built.set(name, out);
  return out;
}

const children: ChildProcess[] = [];
function runStage(
  out: string,
  entry: string,
  env: Record<string, string>,
): { child: ChildProcess; log: string } {
  const log = join(out, 'run.log');
  // Only what the runtime stage sets: no SWC, no tsconfig paths, no development tools.
  const child = spawn(process.execPath, [`dist/${entry.replace(/\.ts$/, '.js')}`], {
    cwd: out,
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stream = createWriteStream(log);
  child.stdout?.pipe(stream);
  child.stderr?.pipe(stream);
  children.push(child);
  return { child, log };
}

const image = (name: string) => IMAGES.find((candidate) => candidate.name === name)!;

describe('image build stages, run here without Docker', () => {
  let etcd: PrivateEtcd;
  let cpaUrl: string;
  const apiKey = 'image-test-internal-key-0123456789';

  beforeAll(async () => {
    etcd = await PrivateEtcd.start();
  }, 60_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await etcd?.destroy();
    rmSync(outDir, { recursive: true, force: true });
  });

  it.each(IMAGES.filter((candidate) => existsSync(join(ROOT, candidate.entry))))(
    'builds $name: its modules compiled, production dependencies only',
    ({ name, entry }) => {
      const out = build(name, entry);
      expect(existsSync(join(out, 'dist', entry.replace(/\.ts$/, '.js')))).toBe(true);
      expect(existsSync(join(out, 'node_modules', 'fastify'))).toBe(true);
      // Development tools are not in the image.
      for (const devOnly of ['jest', 'typescript', '@swc/core', 'nx', 'eslint', 'tsx'])
        expect({ devOnly, present: existsSync(join(out, 'node_modules', devOnly)) }).toEqual({
          devOnly,
          present: false,
        });
    },
    180_000,
  );

  it('starts the control-plane-api image content: health, metrics, correlation header, the dashboard at /', async () => {
    const out = built.get('control-plane-api')!;
    // The Dockerfile copies the dashboard's build output (apps/dashboard/dist) next to the compiled
    // code; a stand-in page proves the control plane finds and serves it at that place.
    const dashboardBuild = mkdtempSync(join(tmpdir(), 'lcm-dashboard-dist-'));
    writeFileSync(
      join(dashboardBuild, 'index.html'),
      '<!doctype html><title>LCM image test dashboard</title>',
    );
    execFileSync('sh', [
      '-c',
      `mkdir -p "${out}/dist/apps/dashboard" && cp -r "${dashboardBuild}" "${out}/dist/apps/dashboard/dist"`,
    ]);
    const port = await freePort();
    cpaUrl = `http://127.0.0.1:${port}`;
    const { child, log } = runStage(out, image('control-plane-api').entry, {
      HOST: '127.0.0.1',
      PORT: String(port),
      MONGO_URL: infraEndpoints().mongoUrl,
      MONGO_DB: `lcm_img_${Date.now()}`,
      ETCD_ENDPOINTS: etcd.endpoint,
      INTERNAL_API_KEYS: apiKey,
      AUTH_MODE: 'development',
      DEV_AUTH_SECRET: 'image-test-development-secret-0123456789',
    });
    await waitFor(
      'the built control plane',
      async () => {
        if (child.exitCode !== null)
          throw new Error(`exited ${child.exitCode}: ${readFileSync(log, 'utf8')}`);
        // Ready, not just live: the start-up work on the store (indexes, template seeds) is done.
        return httpOk(`${cpaUrl}/health/ready`);
      },
      60_000,
    );
    const live = await fetch(`${cpaUrl}/health/live`, { headers: { 'x-correlation-id': 'image-1' } });
    expect(live.headers.get('x-correlation-id')).toBe('image-1');
    const metrics = await (await fetch(`${cpaUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /^http_requests_total\{method="GET",route="\/health\/live",status="200",service="control-plane-api"\} [1-9]/m,
    );
    // The worker templates seed file is read next to the compiled code.
    const token = (await (
      await fetch(`${cpaUrl}/api/auth/dev-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'image-test', roles: ['admin'] }),
      })
    ).json()) as { access_token: string };
    const templates = (await (
      await fetch(`${cpaUrl}/api/v1/worker-templates`, {
        headers: { authorization: `Bearer ${token.access_token}` },
      })
    ).json()) as {
      items: { name: string }[];
    };
    expect(templates.items.map((template) => template.name)).toEqual(
      expect.arrayContaining(['single-session']),
    );
    const page = await fetch(`${cpaUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('LCM image test dashboard');
  }, 90_000);

  it('starts the resource-scheduler image content against it: leads, serves probes and metrics', async () => {
    const out = built.get('resource-scheduler')!;
    const port = await freePort();
    const { child, log } = runStage(out, image('resource-scheduler').entry, {
      HOST: '127.0.0.1',
      PORT: String(port),
      CPA_URL: cpaUrl,
      CPA_API_KEY: apiKey,
      ETCD_ENDPOINTS: etcd.endpoint,
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      'the built resource-scheduler to lead',
      async () => {
        if (child.exitCode !== null)
          throw new Error(`exited ${child.exitCode}: ${readFileSync(log, 'utf8')}`);
        return (await fetch(`${url}/metrics`).then((r) => r.text())).includes(
          'lcm_leader{service="resource-scheduler",controller="resource-scheduler"} 1',
        );
      },
      60_000,
    );
    expect((await fetch(`${url}/health`)).status).toBe(200);
  }, 90_000);

  it.each(
    ['worker-controller', 'lablet-controller', 'simulators'].filter(
      (name) => built.has(name) || existsSync(join(ROOT, image(name).entry)),
    ),
  )(
    'loads every module of the %s image content (a bad setting makes it exit with its configuration error)',
    async (name) => {
      const out = built.get(name)!;
      const { child, log } = runStage(out, image(name).entry, {
        PORT: 'not-a-port',
        CML_SIM_PORT: 'not-a-port',
        LDS_SIM_PORT: 'x',
        GRADING_SIM_PORT: 'x',
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      const output = readFileSync(log, 'utf8');
      expect(output).not.toMatch(/Cannot find module|MODULE_NOT_FOUND|SyntaxError/);
      expect(code).not.toBe(0);
      expect(output).toMatch(/PORT|port/);
    },
    60_000,
  );
});
