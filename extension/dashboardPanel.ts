// The run dashboard: one webview panel per run with its loss, L0 and evaluation curves and its latest
// evaluation. Opened on a finished run it is rebuilt from metrics.jsonl (or, for a run on a remote server,
// from the replay of its event stream); on a running run it then follows the stream and draws each new line.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import type { MetricsLine, StateEvent } from '../protocol/runFiles';
import type { RunInfo } from '../protocol/serverApi';
import type {
  DashboardToHost,
  DashboardToHostMessage,
  HostToDashboardMessage,
} from '../protocol/webviewMessages';
import { RECONNECT_DELAY_MS, type CurrentServer } from './runActivity';
import type { ServerClient } from './serverClient';
import { webviewHtml, webviewRoots } from './webviewPage';

export class DashboardPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DashboardPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly current: CurrentServer,
    private readonly onRendered: (rendered: DashboardToHost['rendered']) => void,
  ) {}

  /** Show the dashboard of `run`; `runsRoot` is where its folder is when it is on this machine. */
  open(server: ServerClient, run: RunInfo, runsRoot: string | undefined): void {
    const existing = this.panels.get(run.run_id);
    if (existing !== undefined) {
      existing.reveal();
      return;
    }
    const runDir = runsRoot === undefined ? undefined : path.join(runsRoot, run.run_id);
    const panel = new DashboardPanel(
      this.extensionUri,
      server,
      this.current,
      run,
      runDir,
      this.log,
      this.onRendered,
    );
    this.panels.set(run.run_id, panel);
    panel.onDidDispose(() => this.panels.delete(run.run_id));
  }

  /** A job of `runId` moved on (a resume, a harvest): its open dashboard follows the stream again. */
  wake(runId: string): void {
    this.panels.get(runId)?.wake();
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    this.panels.clear();
  }
}

class DashboardPanel implements vscode.Disposable {
  static readonly viewType = 'paramlens.runDashboard';
  private readonly panel: vscode.WebviewPanel;
  private readonly following = new AbortController();
  /** The last event drawn, once the history is; a wake-up follows on from it. */
  private lastEvent: number | undefined;
  private streaming = false;
  readonly onDidDispose: vscode.Event<void>;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private server: ServerClient,
    private readonly current: CurrentServer,
    private readonly run: RunInfo,
    private readonly runDir: string | undefined,
    private readonly log: vscode.LogOutputChannel,
    onRendered: (rendered: DashboardToHost['rendered']) => void,
  ) {
    this.panel = vscode.window.createWebviewPanel(
      DashboardPanel.viewType,
      `Run: ${run.run_id}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: webviewRoots(extensionUri), retainContextWhenHidden: true },
    );
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'paramlens.svg');
    this.onDidDispose = this.panel.onDidDispose;
    this.panel.webview.html = this.html();
    this.panel.webview.onDidReceiveMessage((message: DashboardToHostMessage) => {
      if (message.type === 'ready') void this.load();
      else if (message.type === 'rendered') onRendered(message);
      else this.log.error(`Dashboard of ${run.run_id}: ${message.message}`);
    });
    this.panel.onDidDispose(() => this.following.abort());
  }

  /** The history, then (while the run can still change) every new line as it is logged. */
  private async load(): Promise<void> {
    try {
      const run = await this.server.getRun(this.run.run_id);
      const local = this.runDir === undefined ? undefined : await readMetrics(this.runDir);
      if (local !== undefined) {
        this.post({
          type: 'history',
          runId: run.run_id,
          lines: local,
          state: stateOf(run),
          configFile: run.config_file,
        });
        await this.follow(run.last_event_id);
      } else {
        await this.replay(run);
      }
    } catch (error) {
      if (!this.following.signal.aborted)
        this.log.error(`Dashboard of ${this.run.run_id}: ${(error as Error).message}`);
    }
  }

  /**
   * A run whose folder is not here: its lines from the replay of its event stream, up to the event that was
   * last when the panel opened; then the rest as it comes.
   */
  private async replay(run: RunInfo): Promise<void> {
    const lines: MetricsLine[] = [];
    let last = 0;
    this.streaming = true;
    try {
      for await (const event of this.server.events(run.run_id, undefined, this.following.signal)) {
        if (event.id > run.last_event_id) break;
        last = event.id;
        if (event.event === 'metrics') lines.push(event.data.metrics);
        if (event.id === run.last_event_id) break;
      }
    } finally {
      this.streaming = false;
    }
    this.post({
      type: 'history',
      runId: run.run_id,
      lines,
      state: stateOf(run),
      configFile: run.config_file,
    });
    await this.follow(last);
  }

  wake(): void {
    if (!this.streaming && this.lastEvent !== undefined) void this.follow(this.lastEvent);
  }

  /**
   * Every event after `after` until the run has nothing more to send. A stream that drops (the server
   * crashed and was restarted, with a new port and token) is picked up again on the current server: a run's
   * event IDs live in its folder, so they go on where they stopped.
   */
  private async follow(after: number): Promise<void> {
    this.streaming = true;
    this.lastEvent = after;
    try {
      while (!this.following.signal.aborted) {
        this.server = (await this.current()) ?? this.server;
        try {
          for await (const event of this.server.events(
            this.run.run_id,
            this.lastEvent,
            this.following.signal,
          )) {
            this.lastEvent = event.id;
            if (event.event === 'metrics') this.post({ type: 'metrics', line: event.data.metrics });
            else if (event.event === 'state') this.post({ type: 'state', state: event.data });
          }
          return; // the run is idle: a later job wakes the panel
        } catch (error) {
          if (this.following.signal.aborted) return;
          this.log.warn(
            `Dashboard of ${this.run.run_id}: its event stream dropped (${(error as Error).message})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
      }
    } finally {
      this.streaming = false;
    }
  }

  private post(message: HostToDashboardMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private html(): string {
    return webviewHtml(this.panel.webview, this.extensionUri, {
      title: 'Run dashboard',
      styles: [{ path: 'dist/webview/uPlot.min.css' }, { path: 'media/dashboard.css' }],
      body: [
        `  <h1 id="title">${escapeHtml(this.run.run_id)}</h1>`,
        '  <div id="error"></div>',
        '  <div id="charts"></div>',
        '  <h2>Latest evaluation <span id="eval-step" class="muted"></span></h2>',
        '  <table><tbody id="eval"></tbody></table>',
      ].join('\n'),
      script: 'dist/webview/dashboard.js',
    });
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  dispose(): void {
    this.following.abort();
    this.panel.dispose();
  }
}

/** metrics.jsonl's complete lines, or undefined when the run has none on this machine. */
async function readMetrics(runDir: string): Promise<MetricsLine[] | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(runDir, 'metrics.jsonl'), 'utf8');
  } catch {
    return undefined;
  }
  const complete = text.slice(0, text.lastIndexOf('\n') + 1); // a torn last line is still being written
  return complete
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as MetricsLine);
}

function stateOf(run: RunInfo): StateEvent {
  return { status: run.status, step: run.step, total_steps: run.total_steps, error: run.error };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
