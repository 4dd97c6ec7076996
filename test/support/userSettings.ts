import * as fs from 'node:fs';
import * as path from 'node:path';

/** Settings that keep a test window quiet: no welcome page, trust prompt, tips, telemetry or updates. */
const quietWindow = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'files.autoSave': 'off',
};

/**
 * Writes `<userDataDir>/User/settings.json` before the editor starts, so its first window uses them.
 * `pythonPath` null leaves `paramlens.pythonPath` unset, as it is for a new user.
 */
export function writeUserSettings(
  userDataDir: string,
  pythonPath: string | null,
  extra: Record<string, unknown> = {},
): void {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  const interpreter = pythonPath === null ? {} : { 'paramlens.pythonPath': pythonPath };
  const settings = { ...quietWindow, ...interpreter, ...extra };
  fs.writeFileSync(path.join(dir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}
