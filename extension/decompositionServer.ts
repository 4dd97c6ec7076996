import { spawn, type ChildProcess } from 'node:child_process';
import * as readline from 'node:readline';
import * as vscode from 'vscode';
import type { HealthResponse, ServerConnection, ServerHandshake } from '../protocol/serverApi';
import { parseHandshake } from './handshake';
import type { PythonInterpreter } from './pythonInterpreter';
import { classifyStartFailure, interpreterNotFound, ServerStartError } from './serverStartError';

/** Importing torch on a cold disk can take a while; after this the start is reported as failed. */
const HANDSHAKE_TIMEOUT_MS = 120_000;
/** Time a server gets to exit after SIGTERM before it is killed. */
const SHUTDOWN_GRACE_MS = 2_000;
/** A server, spawned or remote, that takes longer than this to answer /health is not reachable. */
const HEALTH_TIMEOUT_MS = 15_000;

export interface RunningServer {
  handshake: ServerHandshake;
  health: HealthResponse;
}

/** How a server that had started ended without being asked to. */
export interface UnexpectedExit {
  code: number | null;
  /** The last thing it wrote to stderr, which usually says why. */
  reason: string;
}

/**
 * The `paramlens serve` child process: spawns it, reads the `{"url","token"}` handshake from its first
 * stdout line, checks `/health` with the token, forwards stderr to the log, and stops it on dispose.
 */
export class DecompositionServer implements vscode.Disposable {
  private child: ChildProcess | undefined;
  private stopping = false;
  private readonly exitEmitter = new vscode.EventEmitter<UnexpectedExit>();
  /** Fires when a server that had started exits without being asked to. */
  readonly onDidExitUnexpectedly = this.exitEmitter.event;

  /**
   * `runsRoot`: where the server keeps its runs (`runs/` in the workspace folder, beside the configs the
   * examples put there); `cwd`: where it starts, and where relative paths in requests resolve.
   */
  constructor(
    private readonly python: PythonInterpreter,
    private readonly serverInstall: string,
    private readonly cwd: string | undefined,
    readonly runsRoot: string | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async start(): Promise<RunningServer> {
    const args = ['-m', 'paramlens', 'serve', '--port', '0', '--exit-on-stdin-close'];
    if (this.runsRoot !== undefined) args.push('--runs-root', this.runsRoot);
    this.log.info(`Starting decomposition server: ${this.python.command} ${args.join(' ')}`);
    const child = spawn(this.python.command, args, {
      cwd: this.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    this.child = child;

    let stderr = '';
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      stderr = (stderr + line + '\n').slice(-20_000);
      this.log.info(`[server] ${line}`);
    });

    const handshake = await this.readHandshake(child, () => stderr);
    child.on('exit', (code, signal) => {
      if (this.stopping) return;
      // A signal says more than the last log line; otherwise a crash's last line is its exception.
      const last = stderr.trim().split('\n').pop()?.trim();
      const reason = signal !== null ? `killed by ${signal}` : last || `exit code ${code}`;
      this.log.error(`Decomposition server exited unexpectedly (${signal ?? `code ${code}`}): ${reason}`);
      this.exitEmitter.fire({ code, reason });
    });
    const health = await fetchHealth(handshake);
    this.log.info(
      `Decomposition server ${health.version} ready at ${handshake.url} (torch ${health.torch_version})`,
    );
    return { handshake, health };
  }

  private readHandshake(child: ChildProcess, stderr: () => string): Promise<ServerHandshake> {
    return new Promise((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout! });
      const timer = setTimeout(
        () =>
          reject(
            new ServerStartError(
              `The decomposition server did not start within ${HANDSHAKE_TIMEOUT_MS / 1000} s.`,
            ),
          ),
        HANDSHAKE_TIMEOUT_MS,
      );
      const settle = (): void => {
        clearTimeout(timer);
        lines.close();
      };
      lines.once('line', (line) => {
        settle();
        try {
          resolve(parseHandshake(line));
        } catch (error) {
          reject(
            new ServerStartError(
              `The decomposition server printed an unexpected first line: ${line}`,
              String(error),
            ),
          );
        }
      });
      child.once('error', (error: NodeJS.ErrnoException) => {
        settle();
        reject(
          error.code === 'ENOENT' ? interpreterNotFound(this.python) : new ServerStartError(error.message),
        );
      });
      child.once('exit', (code) => {
        settle();
        if (this.stopping) {
          reject(new ServerStartError('The decomposition server was stopped before it was ready.'));
          return;
        }
        // stderr may still be draining; give readline one turn before classifying.
        setImmediate(() => reject(classifyStartFailure(this.python, this.serverInstall, code, stderr())));
      });
    });
  }

  dispose(): void {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    this.stopping = true;
    child.stdin?.end(); // the server exits when stdin closes
    const killer = setTimeout(() => child.kill('SIGKILL'), SHUTDOWN_GRACE_MS);
    child.once('exit', () => clearTimeout(killer));
    child.kill('SIGTERM');
    this.exitEmitter.dispose();
  }
}

export async function fetchHealth(server: ServerConnection): Promise<HealthResponse> {
  const response = await fetch(`${server.url}/health`, {
    headers: { Authorization: `Bearer ${server.token}` },
    signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
  });
  if (!response.ok)
    throw new ServerStartError(
      response.status === 401
        ? 'The decomposition server refused the token (401).'
        : `The decomposition server answered /health with ${response.status}.`,
    );
  return (await response.json()) as HealthResponse;
}
