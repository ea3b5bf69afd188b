import AxeBuilder from '@axe-core/playwright';
import { type Cookie, expect, type Page, test as base } from '@playwright/test';
import { DEV_USERS } from '@lcm/dev-oidc-provider';
import { E2E_ENV, systemUnderTest, type SystemUnderTest } from './system';

export type Username = 'admin' | 'manager' | 'user';

interface Fixtures {
  system: SystemUnderTest;
  /** Logs in through the real OIDC flow once per role, then reuses that login's cookies. */
  logIn: (username: Username) => Promise<void>;
  /** Fails on any axe violation of the current page (the embedded LDS frame is another site's). */
  expectAccessible: () => Promise<void>;
}

/** The real OIDC login: the dashboard's button, the provider's form, back to the dashboard. */
export async function logInAs(page: Page, username: Username): Promise<void> {
  const account = DEV_USERS.find((user) => user.username === username);
  if (!account) throw new Error(`no development account ${username}`);
  await page.goto('/');
  await page.getByRole('link', { name: 'Log in' }).click();
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('current-user')).toContainText(
    `${account.username} (${account.roles.join(', ')})`,
  );
}

/** Fails on any axe violation of the page (the embedded LDS frame is another site's content). */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).exclude('iframe').analyze();
  const violations = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(' | ')}`,
  );
  expect(violations).toEqual([]);
}

/**
 * The session cookies of the first real login per role in this test process. The control plane's
 * session cookie is signed and stateless (logout only clears it in the browser), so later tests
 * start from a copy instead of walking the provider's form again; login.e2e.ts walks it every time.
 */
const sessionCookies = new Map<Username, Cookie[]>();

export const test = base.extend<Fixtures>({
  baseURL: async ({}, use) => use(process.env[E2E_ENV.baseUrl]),
  system: async ({}, use) => use(systemUnderTest()),
  logIn: async ({ page }, use) =>
    use(async (username) => {
      const cookies = sessionCookies.get(username);
      if (!cookies) {
        await logInAs(page, username);
        sessionCookies.set(username, await page.context().cookies());
        return;
      }
      await page.context().addCookies(cookies);
      await page.goto('/');
      await expect(page.getByTestId('current-user')).toContainText(`${username} (`);
    }),
  expectAccessible: async ({ page }, use) => use(() => expectNoAxeViolations(page)),
});

export { expect };
