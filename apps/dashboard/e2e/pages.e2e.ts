import { type Page } from '@playwright/test';
import { expect, expectNoAxeViolations, logInAs, test } from './fixtures';
import { screenshotPath } from './screenshots';
import { activeDefinition, pendingSession, placeAndMakeReady, runningWorker } from './seed';
import { E2E_ENV, systemUnderTest } from './system';

/** Every page of spec §9, with the screenshots the README links (docs/screenshots/). */
const PAGES = [
  { path: '/', heading: 'Overview', screenshot: 'overview' },
  { path: '/sessions', heading: 'Sessions', screenshot: 'sessions' },
  { path: '/workers', heading: 'Workers', screenshot: 'workers' },
  { path: '/templates', heading: 'Templates', screenshot: 'templates' },
  { path: '/definitions', heading: 'Definitions', screenshot: 'definitions' },
  { path: '/labs', heading: 'Labs', screenshot: 'labs' },
  { path: '/reservations', heading: 'Reservations', screenshot: 'reservations' },
  { path: '/capacity', heading: 'Capacity', screenshot: 'capacity' },
  // Its screenshot is taken in scheduler.e2e.ts, where a resource-scheduler runs.
  { path: '/scheduler', heading: 'Scheduler', screenshot: null },
  { path: '/system', heading: 'System', screenshot: 'system' },
  { path: '/audit', heading: 'Audit', screenshot: 'audit' },
];

test.describe('every page renders for an admin and passes axe', () => {
  // One logged-in page for the whole tour: the login itself is tested in login.e2e.ts.
  test.describe.configure({ mode: 'serial' });
  let page: Page;
  let sessionId: string;
  let workerId: string;

  test.beforeAll(async ({ browser }) => {
    const system = systemUnderTest();
    const worker = await runningWorker(system);
    const definition = await activeDefinition(system);
    const session = await pendingSession(system, definition.id, 'candidate-screens');
    await placeAndMakeReady(system, session.id, worker.id);
    await pendingSession(system, definition.id, 'candidate-waiting');
    sessionId = session.id;
    workerId = worker.id;
    page = await (await browser.newContext({ baseURL: process.env[E2E_ENV.baseUrl] })).newPage();
    await logInAs(page, 'admin');
  });

  test.afterAll(async () => {
    await page?.context().close();
  });

  for (const { path, heading, screenshot } of PAGES) {
    test(`${heading} (${path})`, async () => {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
      await expect(page.getByLabel('Loading')).toHaveCount(0);
      await expectNoAxeViolations(page);
      if (screenshot) await page.screenshot({ path: screenshotPath(screenshot), fullPage: true });
    });
  }

  test('session detail', async () => {
    await page.goto(`/sessions/${sessionId}`);
    await expect(page.getByTestId('session-status')).toHaveText('READY');
    await expect(page.getByTestId('device-access')).toBeVisible();
    await expectNoAxeViolations(page);
    await page.screenshot({ path: screenshotPath('session-detail'), fullPage: true });
  });

  test('worker detail, every tab', async () => {
    await page.goto(`/workers/${workerId}`);
    await expect(page.getByTestId('worker-status')).toHaveText('RUNNING');
    for (const tab of ['AWS', 'CML', 'Labs', 'Monitoring', 'Events']) {
      await page.getByRole('tab', { name: tab }).click();
      await expect(page.getByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true');
      await expect(page.getByLabel('Loading')).toHaveCount(0);
      await expectNoAxeViolations(page);
      if (tab === 'Monitoring')
        await page.screenshot({ path: screenshotPath('worker-detail'), fullPage: true });
    }
  });
});
