import { apiContract } from '@lcm/contracts';
import { expect, test } from './fixtures';
import { runningWorker } from './seed';

test.describe('workers and labs', () => {
  test('a manager drains a worker with a reason and cancels the drain, both confirmed and live', async ({
    page,
    logIn,
    system,
  }) => {
    const worker = await runningWorker(system);
    await logIn('manager');
    await page.goto('/workers');
    const card = page.locator(`[data-worker-id="${worker.id}"]`);
    // The capacity bars read allocation against the template's declared capacity.
    await expect(card.getByText('0 / 16 cores')).toBeVisible();
    await card.getByRole('link', { name: worker.name }).click();
    await expect(page.getByTestId('worker-status')).toHaveText('RUNNING');

    await page.getByTestId('worker-actions').getByRole('button', { name: 'Drain' }).click();
    const dialog = page.getByRole('dialog', { name: 'Drain' });
    await expect(dialog.getByRole('button', { name: 'Confirm' })).toBeDisabled();
    await dialog.getByLabel('Reason').fill('kernel patching');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByTestId('worker-status')).toHaveText('DRAINING');

    await page.getByTestId('worker-actions').getByRole('button', { name: 'Cancel drain' }).click();
    await expect(page.getByTestId('worker-status')).toHaveText('RUNNING');
  });

  test('terminating a worker asks first, and cancelling changes nothing', async ({ page, logIn, system }) => {
    const worker = await runningWorker(system);
    await logIn('admin');
    await page.goto(`/workers/${worker.id}`);
    await page.getByTestId('worker-actions').getByRole('button', { name: 'Terminate' }).click();
    await page.getByRole('dialog', { name: 'Terminate' }).getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('dialog', { name: 'Terminate' })).toHaveCount(0);
    const current = await system.admin.call(apiContract.public.workers.getWorker, {
      params: { worker_id: worker.id },
    });
    expect(current.desired_status).toBe('running');
  });

  test('lab actions are offered per status and request the action on the lab', async ({
    page,
    logIn,
    system,
  }) => {
    const worker = await runningWorker(system);
    const lab = await system.admin.call(apiContract.public.labRecords.importLab, {
      body: {
        worker_id: worker.id,
        yaml: 'lab:\n  title: e2e-lab\nnodes: []\nlinks: []\n',
        title: 'e2e-lab',
      },
    });
    // The lablet-controller reports the import done: the lab is DEFINED on its worker.
    await system.internal.call(apiContract.internal.labRecords.updateLabStatus, {
      params: { lab_record_id: lab.id },
      body: { status: 'DEFINED', observed_at: new Date().toISOString(), lab_id: 'cml-e2e-lab' },
    });
    await logIn('manager');
    await page.goto('/labs');
    const row = page.locator(`[data-lab-id="${lab.id}"]`);
    await expect(row).toContainText('DEFINED');
    await row.getByRole('button', { name: 'e2e-lab' }).click();
    const modal = page.getByRole('dialog');
    const actions = modal.getByTestId('lab-actions');
    await expect(actions.getByRole('button', { name: 'Start' })).toBeVisible();
    await expect(actions.getByRole('button', { name: 'Stop' })).toHaveCount(0);
    await actions.getByRole('button', { name: 'Start' }).click();
    await expect(row).toContainText('start');
    await expect(actions.getByRole('button', { name: 'Wipe' })).toHaveCount(0);
    await actions.getByRole('button', { name: 'Export' }).click();
    await expect(modal.getByText('e2e-lab').first()).toBeVisible();
  });
});
