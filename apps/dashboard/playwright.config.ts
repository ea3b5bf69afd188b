import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

const repoRoot = join(__dirname, '..', '..');

/**
 * Browser tests against the real system (control plane, MongoDB-wire server, a private etcd and
 * the development OIDC provider, started in e2e/global-setup.ts). Playwright cannot download its
 * own browser here, so Debian's chromium drives the tests (installed by scripts/ensure-browser.sh).
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.e2e.ts',
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  // A slow 2-core machine: generous per-test budget, but every wait is for a condition, never a sleep.
  timeout: 90_000,
  expect: { timeout: 20_000 },
  retries: 0,
  outputDir: join(repoRoot, 'reports', 'playwright', 'results'),
  reporter: [['list'], ['./e2e/jest-summary-reporter.ts', { outputFile: join(repoRoot, 'reports', 'jest', 'dashboard-test-e2e.json') }]],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: ['--no-sandbox'] },
    viewport: { width: 1440, height: 900 },
    actionTimeout: 20_000,
    navigationTimeout: 30_000,
    trace: 'retain-on-failure',
  },
});
