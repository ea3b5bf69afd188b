import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@lcm/testing';
import { APPS, ROOT } from './repo';

/** `LCM_PROMETHEUS=1 bash scripts/dev.sh` starts the Debian package's Prometheus with this config. */
describe('Prometheus of the local run', () => {
  let prometheus: ChildProcess | undefined;
  let url: string;

  beforeAll(async () => {
    const output = execFileSync('bash', [join(ROOT, 'scripts/tools/prometheus.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const binary = /^PROMETHEUS=(.+)$/m.exec(output)![1]!;
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // The arguments scripts/dev.sh passes, on a free port and a data folder of its own.
    prometheus = spawn(
      binary,
      [
        '--config.file=deployment/prometheus/prometheus.local.yml',
        `--storage.tsdb.path=${mkdtempSync(join(tmpdir(), 'lcm-prometheus-'))}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { cwd: ROOT, stdio: 'ignore' },
    );
    await waitFor('Prometheus ready', async () => (await fetch(`${url}/-/ready`)).ok, 30_000);
  }, 120_000);

  afterAll(() => {
    prometheus?.kill('SIGTERM');
  });

  it('scrapes /metrics of every app at its local port', async () => {
    let scraped: { job: string; url: string }[] = [];
    // Targets appear once service discovery has run, a moment after the server is ready.
    await waitFor(
      'the scrape targets',
      async () => {
        const targets = (await (await fetch(`${url}/api/v1/targets`)).json()) as {
          data: { activeTargets: { labels: { job: string }; scrapeUrl: string }[] };
        };
        scraped = targets.data.activeTargets.map((target) => ({
          job: target.labels.job,
          url: target.scrapeUrl,
        }));
        return scraped.length >= APPS.length;
      },
      15_000,
    );
    expect(scraped).toEqual(
      expect.arrayContaining(
        APPS.map((app) => ({ job: app.name, url: `http://127.0.0.1:${app.port}/metrics` })),
      ),
    );
  });

  it('loads the alert rules', async () => {
    const rules = (await (await fetch(`${url}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; rules: { name: string }[] }[] };
    };
    expect(rules.data.groups.flatMap((group) => group.rules.map((rule) => rule.name))).toEqual([
      'LcmControllerNoLeader',
      'LcmControllerDown',
      'LcmReconcileErrorsRising',
      'LcmSessionsStuckPastStart',
      'LcmCapacityExhausted',
      'LcmApiErrors',
    ]);
  });
});
