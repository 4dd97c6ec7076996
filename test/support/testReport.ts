import * as fs from 'node:fs';

/** One test's outcome as the extension-host suite records it. */
export interface TestOutcome {
  fullTitle: string;
  durationMs?: number;
  /** Why it failed; only for failures. */
  message?: string;
}

/** Written by the suite inside the extension host, read by the runner outside it. */
export interface TestReport {
  passes: TestOutcome[];
  failures: TestOutcome[];
  pending: TestOutcome[];
}

/** Writes the report whole (temporary file, then rename), so a polling reader never sees half of it. */
export function writeTestReport(file: string, report: TestReport): void {
  fs.writeFileSync(`${file}.partial`, `${JSON.stringify(report, null, 2)}\n`);
  fs.renameSync(`${file}.partial`, file);
}

export function readTestReport(file: string): TestReport {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TestReport;
}

/** Prints one line per test and the closing `<tier>: N passed, M failed` line. */
export function printTestReport(tier: string, report: TestReport): void {
  for (const test of report.passes) console.log(`  ✓ ${test.fullTitle} (${test.durationMs ?? 0} ms)`);
  for (const test of report.pending) console.log(`  - ${test.fullTitle} (pending)`);
  for (const test of report.failures) console.log(`  ✗ ${test.fullTitle}\n      ${test.message ?? ''}`);
  console.log(`${tier}: ${report.passes.length} passed, ${report.failures.length} failed`);
}
