import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './paths';

/**
 * Copies `examples/` into a fresh temporary folder to open as the test workspace, so tests can write
 * files without touching the checkout. Run directories are left out: they can be large and are
 * produced by earlier runs, not part of the examples.
 */
export function copyExamplesWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paramlens-workspace-'));
  const examples = path.join(repoRoot, 'examples');
  fs.cpSync(examples, dir, {
    recursive: true,
    filter: (source) => path.basename(source) !== 'runs',
  });
  return dir;
}
