import { apiContract } from '@lcm/contracts';
import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { activeDefinition, pendingSession, readySession, runningWorker, uniqueName } from './seed';

const internal = apiContract.internal.sessions;

const statusBadge = (page: Page) => page.getByTestId('session-status');

/** Opens Create session on the Sessions page and picks the definition. */
async function openCreateSession(page: Page, definition: { name: string; version: string }) {
  await page.goto('/sessions');
  await page.getByRole('button', { name: 'Create session' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create session' });
  await dialog.getByLabel('Definition').click();
  await page.getByRole('option', { name: `${definition.name} ${definition.version}` }).click();
  return dialog;
}

/** Clicks a §9 action; destructive ones ask first, and the confirmation dialog carries the reason. */
async function runAction(page: Page, label: string, options: { confirm?: boolean; reason?: string } = {}) {
  await page.getByTestId('session-actions').getByRole('button', { name: label, exact: true }).click();
  if (!options.confirm) return;
  const dialog = page.getByRole('dialog', { name: label });
  if (options.reason) await dialog.getByLabel('Reason').fill(options.reason);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
}

test.describe('sessions', () => {
  test('an admin creates a definition from the dashboard', async ({ page, logIn }) => {
    await logIn('admin');
    await page.goto('/definitions');
    await page.getByRole('button', { name: 'Create definition' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create definition' });
    const name = uniqueName('ui-definition');
    await dialog.getByLabel('Name').fill(name);
    await dialog
      .getByLabel('Topology YAML')
      .fill('lab:\n  title: from the dashboard\nnodes: []\nlinks: []\n');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(page.getByTestId('definitions-list').getByText(name)).toBeVisible();
  });

  test('a manager creates a session from the dashboard and sees it change live as the system places it', async ({
    page,
    logIn,
    system,
  }) => {
    const definition = await activeDefinition(system);
    const worker = await runningWorker(system);
    await logIn('manager');
    const dialog = await openCreateSession(page, definition);
    const candidate = uniqueName('candidate');
    await dialog.getByLabel('Candidate').fill(candidate);
    await dialog.getByRole('button', { name: /Create/ }).click();

    await expect(statusBadge(page)).toHaveText('PENDING');
    await expect(page.getByTestId('connection-badge')).toHaveAttribute('data-state', 'open');
    const sessionId = page.url().split('/').pop() ?? '';
    // A marker on the window proves the page was never reloaded while the status moved on.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    await system.internal.call(internal.scheduleSession, {
      params: { lablet_session_id: sessionId },
      body: { worker_id: worker.id },
    });
    await expect(statusBadge(page)).toHaveText('SCHEDULED');
    await system.internal.call(internal.startInstantiation, { params: { lablet_session_id: sessionId } });
    await expect(statusBadge(page)).toHaveText('INSTANTIATING');
    await expect(page.getByTestId('status-timeline')).toContainText('SCHEDULED');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );

    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Sessions' })
      .click();
    await expect(page.locator(`[data-session-id="${sessionId}"]`)).toContainText(candidate);
    const another = await pendingSession(system, definition.id);
    await expect(page.locator(`[data-session-id="${another.id}"]`)).toContainText('PENDING');
  });

  test('every manual action of the spec §9 table runs from the session page', async ({
    page,
    logIn,
    system,
  }) => {
    const session = await readySession(system);
    await logIn('manager');
    await page.goto(`/sessions/${session.id}`);
    await expect(page.getByTestId('device-access')).toContainText('router-1');

    await expect(statusBadge(page)).toHaveText('READY');
    await runAction(page, 'Start Session');
    await expect(statusBadge(page)).toHaveText('RUNNING');
    await runAction(page, 'Finish Session', { confirm: true, reason: 'candidate finished early' });
    await expect(statusBadge(page)).toHaveText('COLLECTING');
    // The timeline names who made each change: the manager, through the dashboard.
    await expect(page.getByTestId('status-timeline')).toContainText('manager');
    // GRADING is entered only by the lablet-controller, through the route that carries the grading
    // data (src/features/sessions/session-actions.ts): the dashboard offers no Start Grading.
    await expect(
      page.getByTestId('session-actions').getByRole('button', { name: 'Skip Grading' }),
    ).toBeVisible();
    await expect(page.getByRole('button', { name: 'Start Grading' })).toHaveCount(0);
    await expect(page.getByTestId('grading-panel')).toContainText('Collecting evidence');
    await system.internal.call(internal.createGradingSession, {
      params: { lablet_session_id: session.id },
      body: { grading_session_id: uniqueName('grading'), form_qualified_name: 'Exam/Lab 1', devices: [] },
    });
    await expect(statusBadge(page)).toHaveText('GRADING');
    await expect(page.getByTestId('grading-panel')).toContainText('Exam/Lab 1');
    await runAction(page, 'Complete Grading', { confirm: true });
    await expect(statusBadge(page)).toHaveText('STOPPING');
    // The lablet-controller tears the lab down and reports STOPPED.
    await system.internal.call(internal.transitionSession, {
      params: { lablet_session_id: session.id },
      body: { target_status: 'STOPPED' },
    });
    await expect(statusBadge(page)).toHaveText('STOPPED');
    await runAction(page, 'Archive', { confirm: true });
    await expect(statusBadge(page)).toHaveText('ARCHIVED');
    await runAction(page, 'Terminate', { confirm: true });
    await expect(statusBadge(page)).toHaveText('TERMINATED');
    await expect(page.getByTestId('session-actions')).toHaveCount(0);
  });

  test('Skip Grading moves a collecting session on without a grade', async ({ page, logIn, system }) => {
    const session = await readySession(system);
    const params = { lablet_session_id: session.id };
    await system.internal.call(internal.notifySessionStarted, { params, body: {} });
    await system.internal.call(internal.transitionSession, { params, body: { target_status: 'COLLECTING' } });
    await logIn('admin');
    await page.goto(`/sessions/${session.id}`);
    await expect(statusBadge(page)).toHaveText('COLLECTING');
    await runAction(page, 'Skip Grading', { confirm: true, reason: 'no grading for this pilot' });
    await expect(statusBadge(page)).toHaveText('STOPPING');
  });

  test('a plain user sees no session action, and the server refuses one all the same (403)', async ({
    page,
    logIn,
    system,
  }) => {
    const session = await readySession(system);
    await logIn('user');
    await page.goto(`/sessions/${session.id}`);
    await expect(statusBadge(page)).toHaveText('READY');
    await expect(page.getByTestId('session-actions')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Terminate' })).toHaveCount(0);

    const csrf = (await page.context().cookies()).find((cookie) => cookie.name === 'lcm_csrf')?.value ?? '';
    const refused = await page.request.post(`/api/v1/sessions/${session.id}/transition`, {
      headers: { 'x-csrf-token': csrf },
      data: { target_status: 'RUNNING' },
    });
    expect(refused.status()).toBe(403);
  });

  test('an API error is shown with the problem title and the field it names', async ({
    page,
    logIn,
    system,
  }) => {
    const definition = await activeDefinition(system);
    await logIn('manager');
    const dialog = await openCreateSession(page, definition);
    await dialog.getByRole('button', { name: /Create/ }).click();
    const problem = dialog.getByTestId('problem');
    await expect(problem).toContainText('(400)');
    await expect(problem).toContainText('owner');
  });
});
