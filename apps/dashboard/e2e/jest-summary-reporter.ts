import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type FullResult,
  type Reporter,
  type TestCase,
  type TestError,
  type TestResult,
} from '@playwright/test/reporter';

/**
 * Writes the browser suite's outcome in the shape scripts/run-tests.mjs sums from jest's JSON
 * reports, so these tests count in the final `N passed, M failed` line.
 */
export default class JestSummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private errors = 0;

  constructor(private readonly options: { outputFile: string }) {}

  onTestEnd(test: TestCase, result: TestResult): void {
    // Only the final attempt counts; a test is failed when its last run did not meet its expectation.
    if (result.retry < test.retries && result.status !== 'passed') return;
    if (result.status === 'passed') this.passed += 1;
    else if (result.status !== 'skipped') this.failed += 1;
  }

  onError(_error: TestError): void {
    this.errors += 1;
  }

  onEnd(result: FullResult): void {
    // Global set-up failing (no test ran) must still count as a failure.
    if (result.status !== 'passed' && this.failed === 0 && this.errors === 0) this.errors = 1;
    mkdirSync(dirname(this.options.outputFile), { recursive: true });
    writeFileSync(
      this.options.outputFile,
      JSON.stringify({
        numPassedTests: this.passed,
        numFailedTests: this.failed,
        numRuntimeErrorTestSuites: this.errors,
        success: result.status === 'passed',
      }),
    );
  }
}
