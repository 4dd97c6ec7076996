// A real exported run for inference tests and benchmarks: the tiny Llama example trained for a few steps
// and exported with `paramlens export-onnx` (makeOnnxRun.py). Built once per machine (minutes) under
// ~/.cache/paramlens/test-runs/ (or $PARAMLENS_CACHE/test-runs/), keyed by the script and the exporter's
// sources, so that a change to either builds a fresh one.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, testPythonPath } from './paths';

const SCRIPT = path.join(repoRoot, 'test', 'support', 'makeOnnxRun.py');
const EXPORTER = path.join(repoRoot, 'server', 'src', 'paramlens', 'analysis', 'export');

/** Long enough for the first build, which may have to train the target too. */
export const EXPORTED_RUN_TIMEOUT_MS = 20 * 60_000;

export function testRunsDir(): string {
  const cache = process.env.PARAMLENS_CACHE ?? path.join(os.homedir(), '.cache', 'paramlens');
  return path.join(cache, 'test-runs');
}

/** The run directory, with model.onnx, model.onnx.json and tokenizer.json. */
export function exportedShortLlamaRun(): string {
  const hash = createHash('sha256').update(readFileSync(SCRIPT));
  for (const file of readdirSync(EXPORTER)
    .filter((name) => name.endsWith('.py'))
    .sort()) {
    hash.update(file).update(readFileSync(path.join(EXPORTER, file)));
  }
  const runDir = path.join(testRunsDir(), `short-llama-onnx-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(path.join(runDir, 'model.onnx.json'))) return runDir;
  mkdirSync(testRunsDir(), { recursive: true });
  // Built beside its final place and renamed, so that a test file running at the same time never sees
  // half a run; whichever build finishes second is dropped.
  const building = mkdtempSync(path.join(testRunsDir(), '.building-'));
  try {
    execFileSync(testPythonPath, [SCRIPT, path.join(building, 'run')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    renameSync(path.join(building, 'run'), runDir);
  } catch (error) {
    if (!existsSync(path.join(runDir, 'model.onnx.json'))) throw error;
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return runDir;
}
