import Mocha from 'mocha';
import { writeTestReport, type TestReport } from '../support/testReport';

/** Loads the suites. They are imported only now, after mocha has defined `describe` and `it`. */
async function loadSuites(): Promise<void> {
  await import('./activation.test');
  await import('./server.test');
  await import('./diagnostics.test');
  await import('./graph.test');
  await import('./languageFeatures.test');
  await import('./jobs.test');
  await import('./serverLifecycle.test');
}

function runMocha(mocha: Mocha): Promise<TestReport> {
  const report: TestReport = { passes: [], failures: [], pending: [] };
  const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve(report));
    runner.on(EVENT_TEST_PASS, (test) =>
      report.passes.push({ fullTitle: test.fullTitle(), durationMs: test.duration }),
    );
    runner.on(EVENT_TEST_PENDING, (test) => report.pending.push({ fullTitle: test.fullTitle() }));
    // Also fires for failing hooks, whose tests then never run: they must count as failures too.
    runner.on(EVENT_TEST_FAIL, (test, error: Error) =>
      report.failures.push({ fullTitle: test.fullTitle(), message: error.message }),
    );
  });
}

/**
 * Entry point of the extension-host tests, called by VS Code with `--extensionTestsPath` (desktop,
 * `@vscode/test-electron`) or the `payload` URL parameter (code-server). Writes a report to
 * `PARAMLENS_TEST_REPORT` for runners that cannot see the exit code, and rejects when a test failed.
 */
export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false });
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, 'extension-host', mocha);
  let report: TestReport;
  try {
    await loadSuites();
    report = await runMocha(mocha);
  } catch (error) {
    report = {
      passes: [],
      failures: [{ fullTitle: 'loading the suites', message: String(error) }],
      pending: [],
    };
  }
  const reportPath = process.env.PARAMLENS_TEST_REPORT;
  if (reportPath) writeTestReport(reportPath, report);
  if (report.failures.length > 0) throw new Error(`${report.failures.length} extension-host test(s) failed`);
}
