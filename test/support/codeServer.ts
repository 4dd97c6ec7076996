import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, resultsDir, testPythonPath } from './paths';
import { waitFor } from './poll';
import { killProcessTree } from './processTree';
import { writeUserSettings } from './userSettings';

export interface CodeServerOptions {
  /** Names the log files under `test-results/`. */
  name: string;
  /** Extra environment for the server and so for its extension host. */
  env?: Record<string, string>;
  /** User settings on top of the quiet-window defaults and `paramlens.pythonPath`. */
  settings?: Record<string, unknown>;
  /** `paramlens.pythonPath`: the checkout's `.venv` unless given; null leaves it unset. */
  pythonPath?: string | null;
  /** A VSIX to install into the fresh extensions folder before the server starts. */
  vsix?: string;
}

export interface CodeServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The fresh folder that holds this editor's user data (global storage included) and extensions. */
  readonly home: string;
  /** Stops the whole process tree and keeps the window's logs under `test-results/`. */
  stop(): Promise<void>;
}

export interface WorkbenchTarget {
  folder: string;
  extensionDevelopmentPath: string;
  /** The compiled test module to run in the extension host, as `@vscode/test-electron` would. */
  extensionTestsPath?: string;
}

/** `PARAMLENS_CODE_SERVER`, else the cached install (installed on first use: a few minutes). */
export function codeServerBinary(): string {
  const fromEnv = process.env.PARAMLENS_CODE_SERVER;
  if (fromEnv) return fromEnv;
  const script = path.join(repoRoot, 'scripts', 'install-code-server.sh');
  const output = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const binary = output.trim().split('\n').pop();
  if (!binary) throw new Error(`${script} printed no code-server path`);
  return binary;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * code-server answers `/` once it can serve a browser: 302 to the last opened folder when it has one,
 * else 200 with an empty workbench.
 */
function serves(origin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(`${origin}/`, (response) => {
      response.resume();
      resolve(response.statusCode === 302 || response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.setTimeout(2_000, () => request.destroy());
  });
}

/** Drops variables that would make code-server behave as a CLI of an editor this runs inside. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VSCODE_')));
  return { ...env, ...extra };
}

function tail(file: string, lines = 30): string {
  return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/** Starts a code-server with fresh user data and extensions folders and waits until it serves. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const binary = codeServerBinary();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'paramlens-code-server-'));
  const userDataDir = path.join(home, 'user-data');
  const extensionsDir = path.join(home, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(
    userDataDir,
    options.pythonPath === undefined ? testPythonPath : options.pythonPath,
    options.settings,
  );
  if (options.vsix !== undefined)
    execFileSync(binary, ['--extensions-dir', extensionsDir, '--install-extension', options.vsix], {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 120_000,
    });

  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const logPath = path.join(resultsDir(), `${options.name}.code-server.log`);
  const log = fs.openSync(logPath, 'w');
  // Same process group as this runner, so Ctrl+C in a terminal stops the server too.
  const child: ChildProcess = spawn(
    binary,
    [
      ...['--config', path.join(home, 'config.yaml')],
      ...['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`],
      ...['--disable-telemetry', '--disable-update-check', '--disable-workspace-trust'],
      ...['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir],
    ],
    { env: cleanEnv(options.env ?? {}), stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  const exitedEarly = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`code-server exited (${signal ?? code}) before serving; log:\n${tail(logPath)}`)),
    ),
  );
  exitedEarly.catch(() => undefined);

  const stop = async (): Promise<void> => {
    if (child.pid !== undefined) await killProcessTree(child.pid);
    const logs = path.join(userDataDir, 'logs');
    const kept = path.join(resultsDir(), `${options.name}.logs`);
    fs.rmSync(kept, { recursive: true, force: true });
    if (fs.existsSync(logs)) fs.cpSync(logs, kept, { recursive: true });
    fs.rmSync(home, { recursive: true, force: true });
  };

  try {
    await Promise.race([
      exitedEarly,
      waitFor(`code-server to answer on ${origin}`, async () => (await serves(origin)) || undefined, {
        timeoutMs: 60_000,
        intervalMs: 250,
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, origin, home, stop };
}

/**
 * The workbench URL that opens `folder` with a development extension (and optionally its tests), via
 * the `payload` parameter: the web counterpart of `--extensionDevelopmentPath`/`--extensionTestsPath`.
 * Without a development extension it opens the folder with the installed extensions only.
 */
export function workbenchUrl(server: CodeServer, target: WorkbenchTarget | { folder: string }): string {
  if (!('extensionDevelopmentPath' in target))
    return `${server.origin}/?${new URLSearchParams({ folder: target.folder }).toString()}`;
  const remote = (file: string): string => `vscode-remote://127.0.0.1:${server.port}${file}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(target.extensionDevelopmentPath)]];
  if (target.extensionTestsPath) payload.push(['extensionTestsPath', remote(target.extensionTestsPath)]);
  const query = new URLSearchParams({ folder: target.folder, payload: JSON.stringify(payload) });
  return `${server.origin}/?${query.toString()}`;
}
