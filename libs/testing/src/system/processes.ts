import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root, from which apps are started the way scripts/dev.sh starts them. */
export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

/** A TCP port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Polls until `ready` resolves true, or fails after `timeoutMs`. */
export async function waitFor(what: string, ready: () => Promise<boolean>, timeoutMs = 30_000, intervalMs = 200): Promise<void> {
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
}

/**
 * One app of the system as its own Node process, started like scripts/dev.sh starts it (SWC
 * compiles the TypeScript with decorator metadata). Tests kill it with SIGKILL and start it again
 * to prove crash recovery; its output goes to a log file named in every failure.
 */
export class NodeAppProcess {
  private child?: ChildProcess;
  readonly logFile: string;

  constructor(private readonly options: NodeAppOptions) {
    const dir = options.logDir ?? mkdtempSync(join(tmpdir(), 'lcm-app-'));
    mkdirSync(dir, { recursive: true });
    this.logFile = join(dir, `${options.name}.log`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['-r', '@swc-node/register', this.options.entry], {
      cwd: REPO_ROOT,
      env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.base.json', ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    try {
      await waitFor(`${this.options.name} at ${this.options.readyUrl}`, async () => {
        if (!this.running) throw new Error(`${this.options.name} exited; see ${this.logFile}`);
        return httpOk(this.options.readyUrl);
      }, timeoutMs);
    } catch (error) {
      await this.kill();
      throw new Error(`${(error as Error).message} (log: ${this.logFile})`);
    }
  }

  /** kill -9: no shutdown hooks, no lease revoke, no flush. */
  async kill(): Promise<void> {
    if (this.child) await stopProcess(this.child, 'SIGKILL');
  }

  async stop(): Promise<void> {
    if (this.child) await stopProcess(this.child, 'SIGTERM');
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }
}

/** A single-member etcd of its own (own ports, own data dir), so a test may stop and restart it. */
export class PrivateEtcd {
  private child?: ChildProcess;
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'lcm-etcd-'));

  private constructor(
    readonly clientPort: number,
    private readonly peerPort: number,
  ) {}

  static async start(): Promise<PrivateEtcd> {
    const etcd = new PrivateEtcd(await freePort(), await freePort());
    await etcd.start();
    return etcd;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  async start(): Promise<void> {
    const peer = `http://127.0.0.1:${this.peerPort}`;
    this.child = spawn(
      'etcd',
      ['--name', 'private', '--data-dir', this.dataDir, '--listen-client-urls', this.endpoint, '--advertise-client-urls', this.endpoint,
        '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `private=${peer}`],
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

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
