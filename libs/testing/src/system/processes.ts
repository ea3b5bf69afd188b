import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root, from which apps are started the way scripts/dev.sh starts them. */
export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * `LCM_TEST_PORTS=<first>-<last>`: the ports a run may take, when engineers share a machine and
 * each keeps to a range of its own; unset, the OS picks any free port.
 */
function testPortRange(): { first: number; last: number } | null {
  const raw = process.env['LCM_TEST_PORTS'];
  if (!raw) return null;
  const match = /^(\d+)-(\d+)$/.exec(raw.trim());
  if (!match || Number(match[1]) > Number(match[2]))
    throw new Error(`LCM_TEST_PORTS must be <first>-<last>, got '${raw}'`);
  return { first: Number(match[1]), last: Number(match[2]) };
}

/** Ports of the range already handed out: a picked port stays free until its process binds it. */
const handedOut = new Set<number>();

function listenOn(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : null));
    });
  });
}

/** A TCP port nothing listens on right now: the OS picks it, or the first free one of LCM_TEST_PORTS. */
export async function freePort(): Promise<number> {
  const range = testPortRange();
  if (!range) {
    const port = await listenOn(0);
    if (port === null) throw new Error('no free TCP port');
    return port;
  }
  for (let port = range.first; port <= range.last; port += 1) {
    if (handedOut.has(port) || (await listenOn(port)) === null) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free TCP port left in LCM_TEST_PORTS=${range.first}-${range.last}`);
}

/** Polls until `ready` resolves true, or fails after `timeoutMs`. */
export async function waitFor(
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Stops a child process and resolves once it has exited. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export async function httpOk(url: string): Promise<boolean> {
  const answer = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return answer.ok;
}

export interface NodeAppOptions {
  /** Names the process in errors and its log file. */
  name: string;
  /** Entry file relative to the repository root, e.g. `apps/lablet-controller/src/main.ts`. */
  entry: string;
  env: Record<string, string>;
  /** URL that answers 2xx once the app serves. */
  readyUrl: string;
  /** Folder for `<name>.log` (stdout and stderr); a temporary folder by default. */
  logDir?: string;
  /** Also copy the output to this process's stdout, each line prefixed `[name] ` (the local run). */
  echo?: boolean;
}

/**
 * One app of the system as its own Node process, started like scripts/dev.sh starts it (SWC
 * compiles the TypeScript with decorator metadata). Tests kill it with SIGKILL and start it again
 * to prove crash recovery; its output goes to a log file named in every failure. A restart keeps
 * the environment, so the app comes back on the same port.
 */
export class NodeAppProcess {
  private child?: ChildProcess;
  readonly logFile: string;

  constructor(readonly options: NodeAppOptions) {
    const dir = options.logDir ?? mkdtempSync(join(tmpdir(), 'lcm-app-'));
    mkdirSync(dir, { recursive: true });
    this.logFile = join(dir, `${options.name}.log`);
  }

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and waits until its ready URL answers 2xx. */
  async start(timeoutMs = 60_000): Promise<void> {
    this.spawn();
    await this.waitUntilReady(timeoutMs);
  }

  /**
   * Starts the process without waiting for it (a chaos driver restarts an app while a dependency
   * is down, when it cannot become ready). Does nothing while it runs.
   */
  spawn(): void {
    if (this.running) return;
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['-r', '@swc-node/register', this.options.entry], {
      cwd: REPO_ROOT,
      env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.base.json', ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.pipe(log, { end: false });
      if (this.options.echo) stream?.on('data', prefixLines(`[${this.options.name}] `));
    }
    // A process that dies of a signal (kill -9, a native crash) writes nothing itself; the log says how it ended.
    child.once('exit', (code, signal) =>
      log.write(
        `[harness] ${new Date().toISOString()} ${this.options.name} exited (code ${code}, signal ${signal})\n`,
      ),
    );
    child.once('close', () => log.end());
    this.child = child;
  }

  /** Waits until the ready URL answers 2xx; fails (and kills the process) when it exits or times out. */
  async waitUntilReady(timeoutMs = 60_000): Promise<void> {
    try {
      await waitFor(
        `${this.options.name} at ${this.options.readyUrl}`,
        async () => {
          if (!this.running) throw new Error(`${this.options.name} exited; see ${this.logFile}`);
          return httpOk(this.options.readyUrl);
        },
        timeoutMs,
      );
    } catch (error) {
      await this.kill();
      throw new Error(`${(error as Error).message} (log: ${this.logFile})`);
    }
  }

  /** Sends `signal` and waits for the exit; the default kill -9 runs no shutdown hook, lease revoke or flush. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child) await stopProcess(this.child, signal);
  }

  /** A clean shutdown (SIGTERM); kill -9 when it has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    const late = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await stopProcess(child, 'SIGTERM');
    clearTimeout(late);
  }

  /** kill -9 if it still runs, then start again with the same environment (same port). */
  async restart(timeoutMs = 60_000): Promise<void> {
    await this.kill();
    await this.start(timeoutMs);
  }
}

/** A stdout writer that prefixes every line, keeping a partial line until its end arrives. */
function prefixLines(prefix: string): (chunk: Buffer) => void {
  let partial = '';
  return (chunk) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    if (lines.length > 0) process.stdout.write(lines.map((line) => `${prefix}${line}\n`).join(''));
  };
}

/** A single-member etcd of its own (own ports, own data dir), so a test may stop and restart it. */
export class PrivateEtcd {
  private child?: ChildProcess;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'lcm-etcd-'));

  private constructor(
    readonly clientPort: number,
    private readonly peerPort: number,
  ) {}

  /** Starts it on the given ports (free ones by default) and waits until it answers. */
  static async start(options: { clientPort?: number; peerPort?: number } = {}): Promise<PrivateEtcd> {
    const etcd = new PrivateEtcd(
      options.clientPort ?? (await freePort()),
      options.peerPort ?? (await freePort()),
    );
    await etcd.start();
    return etcd;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts it (again, after a stop or kill: same ports, same data) and waits until it answers. */
  async start(): Promise<void> {
    const peer = `http://127.0.0.1:${this.peerPort}`;
    this.child = spawn(
      'etcd',
      [
        '--name',
        'private',
        '--data-dir',
        this.dataDir,
        '--listen-client-urls',
        this.endpoint,
        '--advertise-client-urls',
        this.endpoint,
        '--listen-peer-urls',
        peer,
        '--initial-advertise-peer-urls',
        peer,
        '--initial-cluster',
        `private=${peer}`,
      ],
      { stdio: 'ignore' },
    );
    await waitFor(`etcd at ${this.endpoint}`, () => httpOk(`${this.endpoint}/health`), 20_000);
  }

  async kill(): Promise<void> {
    if (this.child) await stopProcess(this.child, 'SIGKILL');
  }

  async stop(): Promise<void> {
    if (this.child) await stopProcess(this.child);
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing answers, like a network partition. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  async destroy(): Promise<void> {
    this.thaw();
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
