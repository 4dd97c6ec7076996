import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root: the extension's development path and the cwd of every npm script. */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** Where logs, reports and screenshots of test runs go (git-ignored). */
export function resultsDir(): string {
  const dir = path.join(repoRoot, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The interpreter the extension should use in tests: the repository's own virtual environment. */
export const testPythonPath = path.join(repoRoot, '.venv', 'bin', 'python');
