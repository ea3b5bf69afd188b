import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PublicApiClient } from '@lcm/cpa-client';
import { ControlPlaneProcess, PrivateEtcd, waitFor } from '@lcm/testing';
import { runCli } from './cli';
import { readConfig } from './config';

/** Runs one lcmctl command line in-process and returns what it printed. */
async function lcmctl(configFile: string, argv: string[], signal?: AbortSignal) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    env: { LCMCTL_CONFIG: configFile },
    signal,
  });
  return { code, out, err };
}

const TOPOLOGY = ['lab:', '  title: lcmctl test lab', '  version: 0.2.2', 'nodes: []', 'links: []', ''].join(
  '\n',
);

describe('lcmctl against a real control plane', () => {
  let etcd: PrivateEtcd;
  let cpa: ControlPlaneProcess;
  const configFile = join(mkdtempSync(join(tmpdir(), 'lcmctl-')), 'lcmctl.yaml');
  const run = (...argv: string[]) => lcmctl(configFile, argv);
  let definitionId: string;
  let sessionId: string;

  beforeAll(async () => {
    etcd = await PrivateEtcd.start();
    cpa = await ControlPlaneProcess.start({ etcdEndpoint: etcd.endpoint });
  }, 120_000);

  afterAll(async () => {
    await cpa?.stop();
    await etcd?.destroy();
  });

  it('logs in with a development token and keeps it in a context of its config file (owner-only)', async () => {
    const login = await run(
      '--server',
      cpa.url,
      'login',
      '--dev',
      '--subject',
      'ops-alice',
      '--roles',
      'admin',
    );
    expect(login).toMatchObject({ code: 0, err: '' });
    expect(login.out).toContain('context "default"');
    const config = readConfig(configFile);
    expect(config.current_context).toBe('default');
    expect(config.contexts['default']).toMatchObject({ server: cpa.url, token: expect.any(String) });
    expect(statSync(configFile).mode & 0o777).toBe(0o600);

    const contexts = await run('config', 'get-contexts');
    expect(contexts.out).toMatch(/^CURRENT\s+NAME\s+SERVER\s+AUTH$/m);
    expect(contexts.out).toMatch(
      new RegExp(`^\\*\\s+default\\s+${cpa.url.replace(/[.:/]/g, '\\$&')}\\s+token$`, 'm'),
    );
  });

  it('lists the seeded worker templates as a table, JSON and YAML', async () => {
    const tableOut = await run('get', 'templates');
    expect(tableOut.code).toBe(0);
    const [header, ...lines] = tableOut.out.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+INSTANCE-TYPE\s+LICENSE\s+CAPACITY\s+ENABLED\s+AGE$/);
    expect(
      lines.some((line) => /\ssingle-session\s+m5zn\.metal\s+PERSONAL\s+48cpu\/192Gi\s+true\s/.test(line)),
    ).toBe(true);

    const json = JSON.parse((await run('get', 'templates', '-o', 'json')).out) as {
      items: { name: string }[];
    };
    expect(json.items.map((t) => t.name)).toEqual(
      expect.arrayContaining(['single-session', 'multi-sessions']),
    );
    const yaml = (await run('get', 'tpl', '-o', 'yaml')).out;
    expect(yaml).toMatch(/^items:\n {2}- id: /);
  });

  it('creates a session, watches it change through SSE, describes it and terminates it', async () => {
    const token = readConfig(configFile).contexts['default']!.token!;
    const api = new PublicApiClient({ baseUrl: cpa.url, accessToken: () => token });
    const definition = await api.definitions.create({
      body: {
        name: `lcmctl-${Date.now()}`,
        version: '1.0.0',
        topology_yaml: TOPOLOGY,
        resource_requirements: {
          cpu_cores: 2,
          memory_gb: 4,
          storage_gb: 10,
          nested_virt: false,
          ami_requirements: [],
        },
        max_duration_minutes: 60,
      } as Parameters<typeof api.definitions.create>[0]['body'],
    });
    definitionId = definition.id;
    expect((await run('get', 'definitions')).out).toContain(definition.name);

    const end = new Date(Date.now() + 3_600_000).toISOString();
    const created = await run(
      'create',
      'session',
      '--definition',
      definitionId,
      '--owner',
      'candidate-7',
      '--end',
      end,
      '-o',
      'json',
    );
    expect(created.code).toBe(0);
    const session = JSON.parse(created.out) as { id: string; status: string; owner: string };
    expect(session).toMatchObject({ status: 'PENDING', owner: 'candidate-7' });
    sessionId = session.id;

    const listed = await run('get', 'sessions');
    expect(listed.out).toMatch(
      new RegExp(`^${sessionId}\\s+PENDING\\s+${definition.name}\\s+candidate-7\\s+<none>\\s`, 'm'),
    );

    // Watch: the initial list, then a row per change until aborted.
    const stop = new AbortController();
    let watched = '';
    const watching = runCli(['get', 'sessions', '-w'], {
      out: (text) => (watched += text),
      err: (text) => (watched += text),
      env: { LCMCTL_CONFIG: configFile },
      signal: stop.signal,
    });
    await waitFor('the initial list', async () => watched.includes(sessionId), 10_000);
    // Give the stream a moment to be subscribed before the change is made.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const terminated = await run('terminate', 'session', sessionId);
    expect(terminated).toMatchObject({ code: 0, out: `session/${sessionId} terminate requested\n` });
    await waitFor(
      'the TERMINATED row from the stream',
      async () => new RegExp(`^${sessionId}\\s+TERMINATED\\s`, 'm').test(watched),
      10_000,
    );
    stop.abort();
    expect(await watching).toBe(0);
    expect(watched.match(/^ID\s+STATUS/gm)).toHaveLength(1);

    const described = await run('describe', 'session', sessionId);
    expect(described.code).toBe(0);
    expect(described.out).toMatch(new RegExp(`^id:\\s+${sessionId}$`, 'm'));
    expect(described.out).toMatch(/^status:\s+TERMINATED$/m);
    expect(described.out).toMatch(
      /^Status history:\n\s+FROM\s+TO\s+AT\s+ACTOR\s+REASON\n\s+<none>\s+PENDING\s+\S+\s+ops-alice/m,
    );
    expect(described.out).toMatch(/^\s+PENDING\s+TERMINATED\s+\S+\s+ops-alice/m);
    expect(described.out).toMatch(/^Events:\n\s+AGE\s+ACTOR\s+ACTION/m);
    expect(described.out).toMatch(/ops-alice\s+\S+\s+PENDING -> TERMINATED/);
  });

  it('scales up from a template; a drain that the worker status refuses is explained with exit code 1', async () => {
    const templates = JSON.parse((await run('get', 'templates', '-o', 'json')).out) as {
      items: { id: string; name: string }[];
    };
    const template = templates.items.find((t) => t.name === 'single-session')!;
    const scaled = await run('scale-up', '--template', template.id, '--reason', 'lcmctl test');
    expect(scaled.code).toBe(0);
    const workerId = /^worker\/(\S+) requested$/m.exec(scaled.out)?.[1];
    expect(workerId).toBeDefined();
    expect((await run('get', 'workers')).out).toMatch(new RegExp(`^${workerId}\\s+\\S+\\s+PENDING\\s`, 'm'));

    // A PENDING worker cannot be drained: the server's problem is shown, exit code 1.
    const drained = await run('drain', workerId!, '--reason', 'maintenance');
    expect(drained.code).toBe(1);
    expect(drained.err).toMatch(/^Error from server \(\w+, HTTP 4\d\d\): .+/);
    const described = await run('describe', 'worker', workerId!);
    expect(described.out).toMatch(/^status:\s+PENDING$/m);
  });

  it('reports server problems and usage errors with their exit codes', async () => {
    const lab = await run('lab', 'start', '00000000-0000-4000-8000-000000000000');
    expect(lab.code).toBe(1);
    expect(lab.err).toMatch(/^Error from server \(NOT_FOUND, HTTP 404\)/);

    // No resource-scheduler runs here: the control plane answers 503, shown as such.
    const pending = await run('scheduler', 'pending');
    expect(pending.code).toBe(1);
    expect(pending.err).toMatch(/^Error from server \(DEPENDENCY_UNAVAILABLE, HTTP 503\)/);

    expect((await run('get', 'pizzas')).code).toBe(2);
    const anonymous = await lcmctl(join(mkdtempSync(join(tmpdir(), 'lcmctl-')), 'none.yaml'), [
      '--server',
      cpa.url,
      'get',
      'sessions',
    ]);
    expect(anonymous).toMatchObject({ code: 1, err: 'error: not logged in: run `lcmctl login` first\n' });
  });

  it('runs as the `pnpm lcmctl` entry point', async () => {
    const token = readConfig(configFile).contexts['default']!.token!;
    const { stdout } = await promisify(execFile)(
      join(process.cwd(), 'node_modules/.bin/tsx'),
      [
        '--tsconfig',
        'tsconfig.base.json',
        'tools/lcmctl/src/main.ts',
        '--server',
        cpa.url,
        '--token',
        token,
        'get',
        'definitions',
        definitionId,
        '-o',
        'json',
      ],
      { cwd: process.cwd(), env: { ...process.env, LCMCTL_CONFIG: join(tmpdir(), 'lcmctl-unused.yaml') } },
    );
    expect(JSON.parse(stdout)).toMatchObject({ id: definitionId, status: expect.any(String) });
    expect(readFileSync(configFile, 'utf8')).toContain(cpa.url);
  });
});
