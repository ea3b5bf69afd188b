import { apiContract } from '@lcm/contracts';
import { expect, test } from './fixtures';
import { activeDefinition, workerTemplate } from './seed';

const routes = apiContract.public;

test.describe('admin pages: templates, definitions, settings', () => {
  test('an admin edits a template and disables it', async ({ page, logIn, system }) => {
    const template = await workerTemplate(system);
    await logIn('admin');
    await page.goto('/templates');
    const row = page.locator(`[data-template-id="${template.id}"]`);
    await row.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: `Edit ${template.name}` });
    await dialog.getByLabel('Instance type').fill('m5zn.metal');
    await dialog.getByLabel('CPU cores').fill('48');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(row).toContainText('48 CPU');

    const params = { worker_template_id: template.id };
    const edited = await system.admin.call(routes.workerTemplates.getWorkerTemplate, { params });
    expect([edited.instance_type, edited.capacity.cpu_cores, edited.capacity.memory_gb]).toEqual([
      'm5zn.metal',
      48,
      64,
    ]);

    await row.getByRole('button', { name: 'Disable' }).click();
    await expect(row).toContainText('disabled');
    expect((await system.admin.call(routes.workerTemplates.getWorkerTemplate, { params })).enabled).toBe(
      false,
    );
  });

  test('an admin creates a new version of a definition and turns lab reuse on', async ({
    page,
    logIn,
    system,
  }) => {
    const definition = await activeDefinition(system);
    await logIn('admin');
    await page.goto('/definitions');
    const item = page.locator(`[data-definition-id="${definition.id}"]`);
    await item.getByRole('button', { name: definition.name }).click();
    await item.getByRole('button', { name: 'New version' }).click();
    const dialog = page.getByRole('dialog', { name: `New version of ${definition.name}` });
    await expect(dialog.getByLabel('Name')).toHaveValue(definition.name);
    await dialog.getByLabel('Version').fill('1.1.0');
    await dialog.getByLabel('CPU cores').fill('3');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(dialog).toHaveCount(0);

    const versions = await system.admin.call(routes.labletDefinitions.listDefinitionVersions, {
      params: { lablet_definition_id: definition.id },
    });
    const created = versions.items.find((version) => version.version === '1.1.0');
    expect(created?.resource_requirements.cpu_cores).toBe(3);
    await expect(
      page
        .getByTestId('definitions-list')
        .getByRole('button', { name: new RegExp(`${definition.name}\\s*1\\.1\\.0`) }),
    ).toBeVisible();

    await item.getByRole('button', { name: 'Turn lab reuse on' }).click();
    await expect(item.getByRole('button', { name: 'Turn lab reuse off' })).toBeVisible();
    const params = { lablet_definition_id: definition.id };
    expect(
      (await system.admin.call(routes.labletDefinitions.getDefinition, { params })).lab_reuse_enabled,
    ).toBe(true);
  });

  test('an admin changes a setting; a refused value is shown with the field it names', async ({
    page,
    logIn,
    system,
  }) => {
    await logIn('admin');
    await page.goto('/system');
    const editor = page.getByLabel('monitoring settings');
    await editor.fill('{ "worker_metrics_poll_interval_seconds": 45 }');
    await page.getByRole('button', { name: 'Save monitoring' }).click();
    await expect
      .poll(
        async () =>
          (await system.admin.call(routes.settings.getSettings, {})).monitoring
            .worker_metrics_poll_interval_seconds,
      )
      .toBe(45);
    await expect(page.getByLabel('monitoring settings')).toHaveValue(
      /"worker_metrics_poll_interval_seconds": 45/,
    );

    await page.getByLabel('monitoring settings').fill('{ "worker_metrics_poll_interval_seconds": 0 }');
    await page.getByRole('button', { name: 'Save monitoring' }).click();
    const problem = page.getByTestId('problem');
    await expect(problem).toContainText('(400)');
    await expect(problem).toContainText('worker_metrics_poll_interval_seconds');
    expect(
      (await system.admin.call(routes.settings.getSettings, {})).monitoring
        .worker_metrics_poll_interval_seconds,
    ).toBe(45);
  });
});
