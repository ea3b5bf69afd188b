import { apiContract } from '@lcm/contracts';
import { freePort, NodeAppProcess } from '@lcm/testing';
import { expect, test } from './fixtures';
import { screenshotPath } from './screenshots';
import { pendingSession, runningWorker, uniqueName } from './seed';
import { systemUnderTest } from './system';

test.describe('scheduler page with a real resource-scheduler', () => {
  let scheduler: NodeAppProcess;

  // Only this file runs a scheduler: elsewhere the tests place sessions themselves through the
  // internal API, which a running scheduler would race.
  test.beforeAll(async () => {
    const system = systemUnderTest();
    const port = await freePort();
    scheduler = new NodeAppProcess({
      name: 'resource-scheduler',
      entry: 'apps/resource-scheduler/src/main.ts',
      readyUrl: `http://127.0.0.1:${port}/ready`,
      env: {
        PORT: String(port),
        CPA_URL: system.baseUrl,
        CPA_API_KEY: system.internalKey,
        ETCD_ENDPOINTS: system.etcdEndpoint,
        LEASE_TTL_SECONDS: '3',
        RESYNC_INTERVAL_MS: '1500',
        REPLICA_ID: 'e2e-scheduler',
        LOG_LEVEL: 'warn',
      },
    });
    await scheduler.start();
  });

  test.afterAll(async () => {
    await scheduler?.stop();
  });

  test('shows the leader and why a session that fits no worker waits, per worker', async ({
    page,
    logIn,
    system,
  }) => {
    const worker = await runningWorker(system);
    const tooBig = await system.admin.call(apiContract.public.labletDefinitions.createDefinition, {
      body: {
        name: uniqueName('e2e-too-big'),
        version: '1.0.0',
        topology_yaml: 'lab:\n  title: too big\nnodes: []\nlinks: []\n',
        resource_requirements: { cpu_cores: 15, memory_gb: 60, storage_gb: 10 },
        max_duration_minutes: 180,
      },
    });
    // One session takes most of the worker; the next one no longer fits it.
    await pendingSession(system, tooBig.id);
    const waiting = await pendingSession(system, tooBig.id);

    await logIn('admin');
    await page.goto('/scheduler');
    await expect(page.getByText('e2e-scheduler')).toBeVisible();
    const row = page
      .getByTestId('pending-placements')
      .getByRole('row')
      .filter({ hasText: waiting.id.slice(0, 8) });
    await expect(
      row.getByTestId('rejection-reason').filter({ hasText: worker.id.slice(0, 8) }),
    ).toContainText('capacity');
    await page.screenshot({ path: screenshotPath('scheduler'), fullPage: true });

    await page.getByRole('button', { name: 'Trigger reconcile' }).click();
    await expect(page.getByText('Placement pass requested')).toBeVisible();
  });

  test('a manager is not offered the admin-only scheduler actions', async ({ page, logIn }) => {
    await logIn('manager');
    await page.goto('/scheduler');
    await expect(page.getByRole('heading', { level: 1, name: 'Scheduler' })).toBeVisible();
    await expect(page.getByText('e2e-scheduler')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Trigger reconcile' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Resign leadership' })).toHaveCount(0);
  });
});
