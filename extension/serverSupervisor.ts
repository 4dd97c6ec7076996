import path from 'node:path';
import * as vscode from 'vscode';
import type { HealthResponse } from '../protocol/serverApi';
import { DecompositionServer, type RunningServer } from './decompositionServer';
import { resolvePythonInterpreter } from './pythonInterpreter';
import type { ServerStatusBar } from './serverStatusBar';

/**
 * Owns the one current decomposition server: starts it when the workspace is trusted, restarts it on
 * request, and reports its state once. Results from a server that was replaced meanwhile are ignored, so a
 * restart during start-up never shows the old process's exit as an error.
 */
export class ServerSupervisor implements vscode.Disposable {
  private current: DecompositionServer | undefined;
  private health: Promise<HealthResponse> = rejected('The server has not been started.');
  private running: Promise<RunningServer | undefined> = Promise.resolve(undefined);

  constructor(
    private readonly serverPackageDir: string,
    private readonly statusBar: ServerStatusBar,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The current server's `/health`, or why it is not running. */
  serverHealth(): Promise<HealthResponse> {
    return this.health;
  }

  /** The current server once it is ready; undefined when none was started or it failed. Starts nothing. */
  runningServer(): Promise<RunningServer | undefined> {
    return this.running;
  }

  /** The spawned server's runs folder, on this machine. */
  runsRoot(): string | undefined {
    return this.current?.runsRoot;
  }

  restart(): void {
    this.current?.dispose();
    this.current = undefined;
    if (!vscode.workspace.isTrusted) {
      this.statusBar.untrusted();
      this.health = rejected('The workspace is not trusted.');
      this.running = Promise.resolve(undefined);
      return;
    }
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const runsRoot = cwd === undefined ? undefined : path.join(cwd, 'runs');
    const python = resolvePythonInterpreter();
    const server = new DecompositionServer(python, this.serverPackageDir, cwd, runsRoot, this.log);
    this.current = server;
    this.statusBar.starting();
    server.onDidExitUnexpectedly(() => {
      if (this.current === server)
        this.statusBar.failed('it exited; run "ParamLens: Restart Decomposition Server"');
    });
    const started = server.start();
    this.health = started.then(({ health }) => health);
    this.running = started.catch(() => undefined);
    this.health.then(
      (health) => {
        if (this.current === server) this.statusBar.ready(health);
      },
      (error: Error) => {
        if (this.current === server) this.reportStartFailure(error);
      },
    );
  }

  private reportStartFailure(error: Error): void {
    this.log.error(error.message);
    this.statusBar.failed(error.message);
    void vscode.window.showErrorMessage(error.message, 'Show Log').then((choice) => {
      if (choice) this.log.show();
    });
  }

  dispose(): void {
    this.current?.dispose();
    this.current = undefined;
  }
}

/** A rejected promise that does not count as unhandled until someone asks for it. */
function rejected(reason: string): Promise<HealthResponse> {
  const promise = Promise.reject(new Error(reason));
  promise.catch(() => undefined);
  return promise;
}
