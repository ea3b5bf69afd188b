import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { freePort, stopProcess, waitFor } from '@lcm/testing';

/** Where scripts/infra/up.sh installs FerretDB and which PostgreSQL it runs (scripts/infra/common.sh). */
const FERRETDB_BIN = join(
  process.env['LCM_TOOLS_DIR'] ?? join(homedir(), '.cache', 'lcm-tools'),
  'bin',
  'ferretdb',
);
const PG_BIN = process.env['LCM_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * A store of the drill's own, set up the way scripts/infra/up.sh sets up the shared one (FerretDB
 * on PostgreSQL): the drill kills -9 its FerretDB and starts it again, which it may never do to
 * the server the other suites use.
 */
export class PrivateStore {
  private ferret?: ChildProcess;
  private postgres?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'lcm-drill-store-'));
  private readonly asPostgres: string[] =
    process.getuid?.() === 0 ? ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups'] : [];

  private constructor(
    readonly port: number,
    private readonly pgPort: number,
  ) {}

  static async start(): Promise<PrivateStore> {
    if (!existsSync(FERRETDB_BIN))
      throw new Error(`${FERRETDB_BIN} is missing: run bash scripts/infra/up.sh once, which installs it`);
    const store = new PrivateStore(await freePort(), await freePort());
    try {
      await store.startPostgres();
      await store.start();
    } catch (error) {
      // A half-started store would keep its PostgreSQL running after the caller gives up.
      await store.destroy();
      throw error;
    }
    return store;
  }

  get url(): string {
    return `mongodb://127.0.0.1:${this.port}`;
  }

  private run(command: string[]): ChildProcess {
    const [bin, ...args] = [...this.asPostgres, ...command];
    return spawn(bin as string, args, { stdio: 'ignore' });
  }

  private async startPostgres(): Promise<void> {
    // PostgreSQL refuses to run as root; the Debian package provides the postgres user.
    if (this.asPostgres.length > 0) execFileSync('chown', ['postgres', this.dir]);
    else chownSync(this.dir, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
    const [bin, ...args] = [
      ...this.asPostgres,
      join(PG_BIN, 'initdb'),
      '-D',
      join(this.dir, 'db'),
      '-A',
      'trust',
      '-U',
      'postgres',
    ];
    execFileSync(bin as string, args, { stdio: 'ignore' });
    this.postgres = this.run([
      join(PG_BIN, 'postgres'),
      '-D',
      join(this.dir, 'db'),
      '-p',
      String(this.pgPort),
      '-k',
      this.dir,
      '-c',
      'listen_addresses=127.0.0.1',
    ]);
    await waitFor('PostgreSQL of the drill store', () => portOpen(this.pgPort), 30_000);
    execFileSync(
      join(PG_BIN, 'psql'),
      [
        '-q',
        '-h',
        '127.0.0.1',
        '-p',
        String(this.pgPort),
        '-U',
        'postgres',
        '-c',
        'CREATE DATABASE ferretdb',
      ],
      { stdio: 'ignore' },
    );
  }

  /** Starts FerretDB (again) on the same port and data. */
  async start(): Promise<void> {
    this.ferret = spawn(
      FERRETDB_BIN,
      [
        '--handler=postgresql',
        `--postgresql-url=postgres://postgres@127.0.0.1:${this.pgPort}/ferretdb`,
        `--state-dir=${this.dir}`,
        `--listen-addr=127.0.0.1:${this.port}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=error',
      ],
      { stdio: 'ignore' },
    );
    await waitFor('FerretDB of the drill store', () => portOpen(this.port), 30_000);
  }

  /** kill -9 of FerretDB; PostgreSQL keeps the data, as a crashed store process would. */
  async kill(): Promise<void> {
    if (this.ferret) await stopProcess(this.ferret, 'SIGKILL');
  }

  async destroy(): Promise<void> {
    await this.kill();
    if (this.postgres) await stopProcess(this.postgres, 'SIGINT');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
