import { randomBytes } from 'node:crypto';
import { apiContract, type CmlWorker } from '@lcm/contracts';
import { type Page } from '@playwright/test';
import { expect, logInAs, test } from './fixtures';
import { runningWorker, workerTemplate } from './seed';
import { type SystemUnderTest } from './system';

const routes = apiContract.public.workers;

const readWorker = (system: SystemUnderTest, workerId: string): Promise<CmlWorker> =>
  system.admin.call(routes.getWorker, { params: { worker_id: workerId } });

/** Picks an option of a Mantine select inside a dialog (its options are rendered outside it). */
async function choose(page: Page, dialog: ReturnType<Page['getByRole']>, label: string, option: string) {
  await dialog.getByLabel(label).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

async function openWorkerTab(page: Page, worker: CmlWorker, tab: string) {
  await page.goto(`/workers/${worker.id}`);
  await expect(page.getByTestId('worker-status')).toHaveText(worker.status);
  await page.getByRole('tab', { name: tab }).click();
}

test.describe('worker operations', () => {
  test('a manager imports an existing EC2 instance with a template', async ({ page, logIn, system }) => {
    const template = await workerTemplate(system);
    const instanceId = `i-${randomBytes(8).toString('hex')}`;
    await logIn('manager');
    await page.goto('/workers');
    await page.getByRole('button', { name: 'Import worker' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import worker' });
    await dialog.getByLabel('AWS region').fill('us-east-1');
    await dialog.getByLabel('EC2 instance id').fill(instanceId);
    await choose(page, dialog, 'Template (or declare capacity)', template.name);
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId('workers-list').getByRole('link', { name: instanceId })).toBeVisible();

    const imported = await system.admin.call(routes.listWorkers, { query: { template_id: template.id } });
    expect(imported.items.map((worker) => [worker.aws_instance_id, worker.origin])).toEqual([
      [instanceId, 'ec2_discovery'],
    ]);
    expect(imported.items[0]?.created_by).toContain('manager');
  });

  test('a manager scales up from a template and the new worker is recorded', async ({
    page,
    logIn,
    system,
  }) => {
    // A region no other test uses: scale-up counts the region's live workers against scaling.max_workers.
    const template = await workerTemplate(system, 'eu-west-3');
    await logIn('manager');
    await page.goto('/workers');
    await page.getByRole('button', { name: 'Scale up' }).click();
    const dialog = page.getByRole('dialog', { name: 'Scale up' });
    await choose(page, dialog, 'Template', template.name);
    await dialog.getByLabel('Reason').fill('exam week');
    await dialog.getByRole('button', { name: 'Scale up' }).click();
    await expect(dialog).toHaveCount(0);

    const created = await system.admin.call(routes.listWorkers, { query: { template_id: template.id } });
    expect(created.items.map((worker) => [worker.status, worker.origin, worker.aws_region])).toEqual([
      ['PENDING', 'scale_up', 'eu-west-3'],
    ]);
    await expect(
      page.getByTestId('workers-list').getByRole('link', { name: created.items[0]?.name ?? '' }),
    ).toBeVisible();
  });

  test('licence register and deregister are requested from the CML tab', async ({ page, logIn, system }) => {
    const worker = await runningWorker(system);
    await logIn('manager');
    await openWorkerTab(page, worker, 'CML');
    await page.getByLabel('Licence token').fill('smart-licence-token-e2e');
    await page.getByRole('button', { name: 'Register licence', exact: true }).click();
    await expect(page.getByText('register in progress')).toBeVisible();
    expect((await readWorker(system, worker.id)).license).toMatchObject({
      operation_in_progress: 'register',
      has_token: true,
    });

    // The worker-controller reports the registration done.
    await system.internal.call(apiContract.internal.workers.completeLicenseOperation, {
      params: { worker_id: worker.id },
      body: { operation: 'register', succeeded: true },
    });
    await expect(page.getByText('register in progress')).toHaveCount(0);
    await page.getByRole('button', { name: 'Deregister licence' }).click();
    await page
      .getByRole('dialog', { name: 'Deregister licence' })
      .getByRole('button', { name: 'Confirm' })
      .click();
    await expect(page.getByText('deregister in progress')).toBeVisible();
    expect((await readWorker(system, worker.id)).license?.operation_in_progress).toBe('deregister');
  });

  test('idle detection and detailed monitoring are switched from the Monitoring tab', async ({
    page,
    logIn,
    system,
  }) => {
    const worker = await runningWorker(system);
    expect(worker.is_idle_detection_enabled).toBe(true);
    await logIn('manager');
    await openWorkerTab(page, worker, 'Monitoring');
    await page.getByRole('button', { name: 'Disable idle detection' }).click();
    await expect(page.getByRole('button', { name: 'Enable idle detection' })).toBeVisible();
    expect((await readWorker(system, worker.id)).is_idle_detection_enabled).toBe(false);
    await page.getByRole('button', { name: 'Enable idle detection' }).click();
    await expect(page.getByRole('button', { name: 'Disable idle detection' })).toBeVisible();
    expect((await readWorker(system, worker.id)).is_idle_detection_enabled).toBe(true);

    await page.getByRole('button', { name: 'Enable detailed monitoring' }).click();
    await expect(page.getByRole('button', { name: 'Disable detailed monitoring' })).toBeVisible();
    expect((await readWorker(system, worker.id)).cloudwatch.detailed_monitoring_enabled).toBe(true);
  });

  test('EC2 tags are added and removed on the AWS tab; removing asks first', async ({
    page,
    logIn,
    system,
  }) => {
    const worker = await runningWorker(system);
    await logIn('manager');
    await openWorkerTab(page, worker, 'AWS');
    const tags = page.getByTestId('worker-tags');
    const existing = Object.keys(worker.aws_tags).length;
    await tags.getByRole('button', { name: 'Add tag' }).click();
    await tags.getByLabel(`Tag ${existing + 1} key`).fill('cost-centre');
    await tags.getByLabel(`Tag ${existing + 1} value`).fill('lab-42');
    await tags.getByRole('button', { name: 'Save tags' }).click();
    await expect
      .poll(async () => (await readWorker(system, worker.id)).aws_tags)
      .toEqual({ ...worker.aws_tags, 'cost-centre': 'lab-42' });

    await tags.getByRole('button', { name: `Remove tag ${existing + 1}` }).click();
    await tags.getByRole('button', { name: 'Save tags' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save tags' });
    await expect(dialog).toContainText('cost-centre');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(async () => (await readWorker(system, worker.id)).aws_tags).toEqual(worker.aws_tags);
  });

  test('the CML tab frames the worker’s CML and links to it; a plain user sees the tags read-only', async ({
    browser,
    page,
    logIn,
    system,
  }) => {
    const worker = await runningWorker(system);
    await system.admin.call(routes.updateTags, {
      params: { worker_id: worker.id },
      body: { tags: { team: 'exams' } },
    });
    await logIn('admin');
    await openWorkerTab(page, worker, 'CML');
    const frame = page.getByTestId('cml-frame');
    await expect(frame.getByRole('link', { name: 'Open CML' })).toHaveAttribute(
      'href',
      'https://cml.e2e.invalid',
    );
    await expect(frame.locator('iframe')).toHaveAttribute('src', 'https://cml.e2e.invalid');
    await expect(frame.locator('iframe')).toHaveAttribute('title', `CML of worker ${worker.name}`);

    const userContext = await browser.newContext({ baseURL: system.baseUrl });
    try {
      const userPage = await userContext.newPage();
      await logInAs(userPage, 'user');
      await openWorkerTab(userPage, worker, 'AWS');
      const tags = userPage.getByTestId('worker-tags');
      await expect(tags.getByRole('row', { name: 'team exams' })).toBeVisible();
      await expect(tags.getByRole('button', { name: 'Save tags' })).toHaveCount(0);
      await userPage.getByRole('tab', { name: 'CML' }).click();
      await expect(userPage.getByTestId('cml-frame')).toHaveCount(0);
    } finally {
      await userContext.close();
    }
  });
});
