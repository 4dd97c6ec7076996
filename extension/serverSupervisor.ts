import path from 'node:path';
import * as vscode from 'vscode';
import type { HealthResponse, ServerConnection } from '../protocol/serverApi';
import { DecompositionServer, fetchHealth, type RunningServer } from './decompositionServer';
import { resolvePythonInterpreter } from './pythonInterpreter';
import { cudaAdvice, ServerStartError } from './serverStartError';
import type { ServerStatusBar } from './serverStatusBar';

/** Restarts after a crash wait 1, 2, 4 … s, at most this long. */
const MAX_BACKOFF_MS = 30_000;
/** A server that ran this long before it crashed starts the backoff afresh. */
const STABLE_AFTER_MS = 60_000;
/** After this many crashes in a row the supervisor stops restarting and asks the user. */
const MAX_RESTARTS = 5;

/**
 * Owns the one current decomposition server: a `paramlens serve` it spawns when the workspace is trusted, or a
 * remote one the user connected to by URL and token. A spawned server that crashes is reported once, with the
 * reason from its stderr, and restarted with backoff. Results from a server that was replaced meanwhile are
 * ignored, so a restart during start-up never shows the old process's exit as an error.
 */
export class ServerSupervisor implements vscode.Disposable {
  private current: DecompositionServer | undefined;
  /** The latest start of a spawned server; an older one that finishes late is ignored. */
  private attempt: symbol | undefined;
  private remote: ServerConnection | undefined;
  private health: Promise<HealthResponse>;
  private running: Promise<RunningServer | undefined>;
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Answers whoever asked for the server while a restart waited out its backoff. */
  private awaitingRestart: ((server: Promise<RunningServer | undefined>) => void) | undefined;
  private readonly changed = new vscode.EventEmitter<RunningServer | undefined>();
  /** Fires when a server becomes ready (spawned or connected), and with undefined when it goes away. */
  readonly onDidChangeServer = this.changed.event;

  constructor(
    private readonly serverInstall: string,
    private readonly statusBar: ServerStatusBar,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Until `start`, whoever asks waits for the first server rather than hearing there is none.
    this.running = new Promise((resolve) => (this.awaitingRestart = resolve));
    this.health = quiet(
      this.running.then(
        (running) => running?.health ?? Promise.reject(new Error('The server is not running.')),
      ),
    );
  }

  /** The first server: the remote one this workspace was last connected to, else a spawned one. */
  start(remote: ServerConnection | undefined): void {
    this.remote = remote;
    this.restart();
  }

  /** The current server's `/health`, or why it is not running. */
  serverHealth(): Promise<HealthResponse> {
    return this.health;
  }

  /** The current server once it is ready; undefined when none was started or it failed. Starts nothing. */
  runningServer(): Promise<RunningServer | undefined> {
    return this.running;
  }

  /** The spawned server's runs folder, on this machine; undefined for a remote server. */
  runsRoot(): string | undefined {
    return this.remote === undefined ? this.current?.runsRoot : undefined;
  }

  /** The remote server's URL while connected to one. */
  remoteUrl(): string | undefined {
    return this.remote?.url;
  }

  /**
   * Use the server at `remote.url` instead of a spawned one. Resolves once it answered `/health` with the
   * token; rejects, changing nothing, when it is unreachable or refuses the token.
   */
  async connect(remote: ServerConnection): Promise<HealthResponse> {
    const health = await fetchHealth(remote);
    this.stopSpawned();
    this.remote = remote;
    const running: RunningServer = { handshake: { ...remote, version: health.version }, health };
    this.health = Promise.resolve(health);
    this.running = Promise.resolve(running);
    this.statusBar.remote(health, remote.url);
    this.warnOfCudaProblem(health, `at ${remote.url}`);
    this.log.info(`Connected to the decomposition server ${health.version} at ${remote.url}`);
    this.answerWaiting();
    this.changed.fire(running);
    return health;
  }

  /** Back to a server of this editor's own. */
  disconnect(): void {
    this.remote = undefined;
    this.restart();
  }

  /** Start (or restart) the spawned server; with a remote server, check it again. */
  restart(): void {
    this.crashes = 0;
    if (this.remote !== undefined) {
      const remote = this.remote;
      this.running = this.connect(remote).then(
        () => this.running,
        (error: Error) => {
          this.reportFailure(`The decomposition server at ${remote.url} did not answer: ${error.message}`);
          return undefined;
        },
      );
      return;
    }
    this.spawn();
  }

  private spawn(): void {
    this.stopSpawned();
    if (!vscode.workspace.isTrusted) {
      this.statusBar.untrusted();
      this.health = rejected('The workspace is not trusted.');
      this.running = Promise.resolve(undefined);
      this.answerWaiting();
      this.changed.fire(undefined);
      return;
    }
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const runsRoot = cwd === undefined ? undefined : path.join(cwd, 'runs');
    this.statusBar.starting();
    // Finding the interpreter may ask the Python extension; a restart meanwhile makes this start moot.
    const attempt = Symbol('start');
    this.attempt = attempt;
    const started = resolvePythonInterpreter(vscode.workspace.workspaceFolders?.[0]?.uri).then((python) => {
      if (this.attempt !== attempt)
        throw new Error('The decomposition server was restarted before it started.');
      const server = new DecompositionServer(python, this.serverInstall, cwd, runsRoot, this.log);
      this.current = server;
      const startedAt = Date.now();
      server.onDidExitUnexpectedly(({ reason }) => {
        if (this.current === server) this.recover(reason, Date.now() - startedAt);
      });
      return server.start();
    });
    this.health = quiet(started.then(({ health }) => health));
    this.running = started.catch(() => undefined);
    this.answerWaiting();
    started.then(
      (running) => {
        if (this.attempt !== attempt) return;
        this.statusBar.ready(running.health);
        this.warnOfCudaProblem(running.health, 'on this machine');
        this.changed.fire(running);
      },
      (error: Error) => {
        if (this.attempt === attempt)
          this.reportFailure(error.message, error instanceof ServerStartError && error.setUpHelps);
      },
    );
  }

  /**
   * A spawned server stopped on its own: say so once, then start a new one after a backoff. Its runs that
   * were training are left interrupted, and the new server lists them so (the Runs view offers Resume).
   */
  private recover(reason: string, upForMs: number): void {
    this.current = undefined;
    this.attempt = undefined;
    this.health = rejected(`The decomposition server stopped: ${reason}`);
    this.changed.fire(undefined);
    if (upForMs >= STABLE_AFTER_MS) this.crashes = 0;
    this.crashes += 1;
    if (this.crashes > MAX_RESTARTS) {
      this.running = Promise.resolve(undefined);
      this.answerWaiting();
      this.reportFailure(`The decomposition server stopped ${MAX_RESTARTS} times in a row: ${reason}`);
      return;
    }
    const delayMs = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (this.crashes - 1));
    this.statusBar.restarting(reason, delayMs);
    if (this.crashes === 1)
      void vscode.window
        .showWarningMessage(
          `The decomposition server stopped (${reason}). ParamLens is restarting it; runs that were ` +
            'training are kept as interrupted and can be resumed from the Runs view.',
          'Show Log',
        )
        .then((choice) => {
          if (choice) this.log.show();
        });
    // Whoever asks for the server meanwhile waits for the new one rather than failing at once.
    this.running = new Promise((resolve) => (this.awaitingRestart = resolve));
    this.restartTimer = setTimeout(() => this.spawn(), delayMs);
  }

  private answerWaiting(): void {
    this.awaitingRestart?.(this.running);
    this.awaitingRestart = undefined;
  }

  /** Once per server start: a GPU that its PyTorch cannot use would otherwise leave every job on the CPU. */
  private warnOfCudaProblem(health: HealthResponse, where: string): void {
    if (!health.cuda_problem) return;
    this.log.warn(health.cuda_problem);
    void vscode.window
      .showWarningMessage(cudaAdvice(health.cuda_problem, where), 'Show Log')
      .then((choice) => {
        if (choice) this.log.show();
      });
  }

  /** Shows why the server is not running, with a button for the remedy when setting up an environment is it. */
  private reportFailure(message: string, setUpHelps = false): void {
    this.log.error(message);
    this.statusBar.failed(message);
    const setUp = 'Set Up Server Environment';
    const actions = setUpHelps ? [setUp, 'Show Log'] : ['Show Log', 'Restart Server'];
    void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
      if (choice === 'Show Log') this.log.show();
      if (choice === 'Restart Server') this.restart();
      if (choice === setUp) void vscode.commands.executeCommand('paramlens.setUpServerEnvironment');
    });
  }

  private stopSpawned(): void {
    clearTimeout(this.restartTimer);
    this.attempt = undefined;
    this.current?.dispose();
    this.current = undefined;
  }

  dispose(): void {
    this.stopSpawned();
    this.running = Promise.resolve(undefined);
    this.answerWaiting();
    this.changed.dispose();
  }
}

/** A rejected promise that does not count as unhandled until someone asks for it. */
function rejected(reason: string): Promise<HealthResponse> {
  return quiet(Promise.reject(new Error(reason)));
}

/** `promise`, marked as handled: its failure is for whoever awaits it, not an unhandled rejection. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
