// A real `paramlens serve` for TypeScript tests: its own runs root, and a target cache holding a TMS 5-2
// trained for a few hundred steps (seconds), so that runs of the TMS configs start at once.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as readline from 'node:readline';
import type { ServerConnection } from '../../protocol/serverApi';
import { repoRoot, testPythonPath } from './paths';

const HANDSHAKE_TIMEOUT_MS = 60_000;

export interface PythonServer {
  connection: ServerConnection;
  runsRoot: string;
  stop(): Promise<void>;
}

/** A target cache with TMS 5-2 trained briefly (the Python tests' `quick_cache_root`). */
export function quickTargetCache(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'paramlens-cache-'));
  const script = [
    'import sys',
    'from pathlib import Path',
    'from paramlens.targets import train_target',
    'from paramlens.targets.cache import builtin_dir',
    "train_target('tms_5-2', out_dir=builtin_dir('tms_5-2', 0, Path(sys.argv[1])), progress=False, steps=300)",
  ].join('\n');
  const result = spawnSync(testPythonPath, ['-c', script, root], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`training the quick target failed: ${result.stderr}`);
  return root;
}

/** Starts the server and waits for its handshake line. */
export async function startPythonServer(cacheRoot: string, ...args: string[]): Promise<PythonServer> {
  const runsRoot = mkdtempSync(path.join(tmpdir(), 'paramlens-runs-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PARAMLENS_CACHE: cacheRoot };
  delete env.PARAMLENS_TOKEN; // a token the developer exported would replace the random one
  const child = spawn(
    testPythonPath,
    ['-m', 'paramlens', 'serve', '--port', '0', '--runs-root', runsRoot, ...args],
    {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
      env,
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const line = await firstLine(child).catch((error: Error) => {
    throw new Error(`${error.message}; its stderr ended with:\n${stderr}`);
  });
  const handshake = JSON.parse(line) as { url: string; token: string };
  return {
    connection: { url: handshake.url, token: handshake.token },
    runsRoot,
    stop: () => stop(child),
  };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`paramlens serve printed no handshake line within ${HANDSHAKE_TIMEOUT_MS} ms`));
    }, HANDSHAKE_TIMEOUT_MS);
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`paramlens serve exited with ${code} before its handshake line`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
