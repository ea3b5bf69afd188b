import { expect, logInAs, test } from './fixtures';

test.describe('login through the OIDC provider (spec §2, §5.2)', () => {
  test('a visitor without a session gets the login page, accessible', async ({ page, expectAccessible }) => {
    await page.goto('/sessions');
    await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
    await expectAccessible();
  });

  test('an admin logs in, lands where the login started and sees the admin pages', async ({ page }) => {
    await logInAs(page, 'admin');
    const navigation = page.getByRole('navigation', { name: 'Main navigation' });
    for (const adminPage of ['Templates', 'Definitions', 'Audit'])
      await expect(navigation.getByRole('link', { name: adminPage })).toBeVisible();
  });

  test('a manager logs in and is not offered the admin pages', async ({ page }) => {
    await logInAs(page, 'manager');
    const navigation = page.getByRole('navigation', { name: 'Main navigation' });
    await expect(navigation.getByRole('link', { name: 'Workers' })).toBeVisible();
    await expect(navigation.getByRole('link', { name: 'Templates' })).toHaveCount(0);
    await navigation.getByRole('link', { name: 'Sessions' }).click();
    await expect(page.getByRole('button', { name: 'Create session' })).toBeVisible();
  });

  test('a plain user logs in and is offered no action the server would refuse', async ({ page }) => {
    await logInAs(page, 'user');
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Sessions' })
      .click();
    await expect(page.getByTestId('sessions-table')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Create session' })).toHaveCount(0);
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Workers' })
      .click();
    await expect(page.getByRole('heading', { name: 'Workers' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Create worker' })).toHaveCount(0);
  });

  test('log out ends the dashboard session', async ({ page }) => {
    await logInAs(page, 'manager');
    await page.getByRole('link', { name: 'Log out' }).click();
    await expect(page.getByText('You are logged out.')).toBeVisible();
    await page.goto('/sessions');
    await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
  });
});
