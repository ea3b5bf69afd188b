// Runs every check CI relies on — unit tests, integration tests against the real local servers,
// the browser and end-to-end suites, the fault drills, type checking and lint — and ends with one line
// `N passed, M failed` summed over all jest runs.
// Exits non-zero if any step failed. Usage: node scripts/run-tests.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const reports = join(root, 'reports', 'jest');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };

const steps = [
  ['unit tests', 'pnpm', ['exec', 'nx', 'run-many', '-t', 'test', '--parallel=2', '--outputStyle=stream']],
  [
    'integration tests',
    'pnpm',
    ['exec', 'nx', 'run-many', '-t', 'test-int', '--parallel=1', '--outputStyle=stream'],
  ],
  // The dashboard in Debian's chromium against a real control plane, etcd and OIDC provider (Playwright).
  ['browser tests', 'pnpm', ['exec', 'nx', 'run', 'dashboard:test-e2e', '--outputStyle=stream']],
  // The whole system as real processes (simulators, OIDC provider, control plane, three controllers)
  // driven through the public API and the simulators' control APIs (apps/e2e).
  ['e2e tests', 'pnpm', ['exec', 'nx', 'run', 'e2e:test-e2e-system', '--outputStyle=stream']],
  // The fault drills at their default (CI) size, seeded: kills -9, etcd and store outages and a
  // leader kill while sessions run, each followed by the invariant checker (tools/system-proof).
  ['fault drills', 'pnpm', ['test:chaos']],
  ['typecheck', 'pnpm', ['exec', 'tsc', '-p', 'tsconfig.check.json']],
  // The dashboard compiles for the browser (DOM, JSX) with its own settings.
  ['dashboard typecheck', 'pnpm', ['exec', 'tsc', '-p', 'apps/dashboard/tsconfig.json', '--noEmit']],
  ['lint', 'pnpm', ['exec', 'nx', 'run-many', '-t', 'lint', '--parallel=2', '--outputStyle=stream']],
];

rmSync(reports, { recursive: true, force: true });
const failedSteps = [];
for (const [name, command, args] of steps) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) failedSteps.push(name);
}

let passed = 0;
let failed = 0;
// CI keeps only the tail of the output, so the names of what failed are repeated here, at the end.
const failures = [];
for (const file of existsSync(reports) ? readdirSync(reports) : []) {
  const report = JSON.parse(readFileSync(join(reports, file), 'utf8'));
  passed += report.numPassedTests;
  // A suite that could not even load has no failed test, but it is a failure all the same.
  failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
  for (const suite of report.testResults ?? []) {
    const suitePath = suite.name.replace(`${root}/`, '');
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) {
      failures.push(`${suitePath}: ${firstLine(suite.message)}`);
    }
    for (const test of suite.assertionResults ?? []) {
      if (test.status === 'failed') failures.push(`${suitePath} › ${test.fullName}: ${firstLine(test.failureMessages.join('\n'))}`);
    }
  }
}
if (failures.length > 0) console.log(`\nfailed tests:\n${failures.map((line) => `  ${line}`).join('\n')}`);
if (failedSteps.length > 0) console.log(`\nfailed steps: ${failedSteps.join(', ')}`);
if (failedSteps.length > 0 && failed === 0) failed = failedSteps.length;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failedSteps.length > 0 ? 1 : 0);

function firstLine(message) {
  const line = (message ?? '').split('\n').map((part) => part.trim()).find((part) => part.length > 0) ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
