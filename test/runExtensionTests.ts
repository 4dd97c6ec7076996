import { runTests } from '@vscode/test-electron';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchChromium, openWorkbench } from './support/chromium';
import { startCodeServer, workbenchUrl } from './support/codeServer';
import { addHarvestedRun, HARVESTED_RUN_ENV } from './support/harvestedRun';
import { repoRoot, resultsDir, testPythonPath } from './support/paths';
import { waitFor } from './support/poll';
import { printTestReport, readTestReport } from './support/testReport';
import { writeUserSettings } from './support/userSettings';
import { copyExamplesWorkspace } from './support/workspace';

// Runs the extension-host suite (test/extension/) inside a real VS Code: desktop VS Code through
// @vscode/test-electron when PARAMLENS_TEST_ELECTRON=1 (it downloads VS Code), else code-server
// driven by Chromium, which works with no access beyond the package registries.

const TIER = 'extension-host';
const extensionTestsPath = path.join(repoRoot, 'dist-test', 'extension', 'index.js');
// The suite trains small runs and sets up a server environment with pip (about 2.5 min of it).
const REPORT_TIMEOUT_MS = 15 * 60_000;

function requireBuild(): void {
  for (const file of [path.join(repoRoot, 'dist', 'extension.js'), extensionTestsPath]) {
    if (!fs.existsSync(file))
      throw new Error(`${path.relative(repoRoot, file)} is missing: run \`npm run build\` first`);
  }
}

/** `env` reaches the extension host, where the suite reads it. */
async function runUnderElectron(
  workspace: string,
  reportPath: string,
  env: Record<string, string>,
): Promise<void> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'paramlens-vscode-'));
  const userDataDir = path.join(profile, 'user-data');
  writeUserSettings(userDataDir, testPythonPath);
  try {
    await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      launchArgs: [
        workspace,
        '--disable-extensions',
        `--user-data-dir=${userDataDir}`,
        `--extensions-dir=${path.join(profile, 'extensions')}`,
      ],
      extensionTestsEnv: env,
    });
  } catch (error) {
    // A failing test makes VS Code exit non-zero; the report says which. Without one, this is the cause.
    if (!fs.existsSync(reportPath)) throw error;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function runUnderCodeServer(
  workspace: string,
  reportPath: string,
  env: Record<string, string>,
): Promise<void> {
  const server = await startCodeServer({ name: TIER, env });
  const browser = await launchChromium();
  try {
    const url = workbenchUrl(server, {
      folder: workspace,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
    });
    // The page hosts the window whose extension host runs the tests: it stays open until the report exists.
    const page = await openWorkbench(browser, url, TIER);
    try {
      await waitFor('the test report', () => fs.existsSync(reportPath) || undefined, {
        timeoutMs: REPORT_TIMEOUT_MS,
        intervalMs: 500,
      });
    } finally {
      await page.screenshot({ path: path.join(resultsDir(), `${TIER}.png`) });
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function main(): Promise<number> {
  requireBuild();
  const reportPath = path.join(resultsDir(), `${TIER}.report.json`);
  fs.rmSync(reportPath, { force: true });
  const workspace = copyExamplesWorkspace();
  const started = Date.now();
  try {
    const env = {
      PARAMLENS_TEST_REPORT: reportPath,
      [HARVESTED_RUN_ENV]: JSON.stringify(addHarvestedRun(workspace)),
    };
    if (process.env.PARAMLENS_TEST_ELECTRON === '1') await runUnderElectron(workspace, reportPath, env);
    else await runUnderCodeServer(workspace, reportPath, env);
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  const report = readTestReport(reportPath);
  console.log(`${TIER} tests ran in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  printTestReport(TIER, report);
  return report.failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
