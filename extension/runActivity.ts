// What the editor shows while the server works on a run: a cancellable progress notification with the step,
// speed and time left, a status-bar item while anything runs, and one notification when the job ends, all
// driven by the run's event stream. A dropped stream is resumed from the last event seen.
import * as vscode from 'vscode';
import type { MetricsEvent, StreamedRunEvent } from '../protocol/runFiles';
import type { RunInfo } from '../protocol/serverApi';
import { ServerError, type ServerClient } from './serverClient';

/** How a followed job ended. */
export interface JobOutcome {
  /** The job's worker exit code; null when it could not start, or was dropped before it did. */
  exitCode: number | null;
  cancelled: boolean;
  /** The run after the job, as the server reports it. */
  run: RunInfo;
  /** The lines the job printed, as they came while it was followed. */
  log: string[];
}

/** A reconnect waits this long after a dropped stream; a server unreachable for the deadline ends the follow. */
export const RECONNECT_DELAY_MS = 1_000;
const RECONNECT_DEADLINE_MS = 5 * 60_000;

/** The server that answers now: after a crash and restart, a new process with a new port and token. */
export type CurrentServer = () => Promise<ServerClient | undefined>;

export class RunActivity implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'paramlens.jobs',
    vscode.StatusBarAlignment.Left,
    9,
  );
  private readonly active = new Map<string, string>(); // job key -> what it shows in the status bar
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the run ID whenever a followed run's job moves on (a step, a state, its end). */
  readonly onDidChange = this.changed.event;

  /** `current`: the server jobs go to now, which after a crash and restart is a new process. */
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly current: CurrentServer,
  ) {
    this.item.name = 'ParamLens Jobs';
    this.item.command = 'paramlens.showServerLog';
  }

  /**
   * Follow job `jobId` of run `runId` (the ID of its `queued` event) from event `after` on, with a progress
   * notification titled `title`, until it ends. Cancelling the notification cancels the run's jobs.
   */
  follow(
    client: ServerClient,
    runId: string,
    jobId: number,
    title: string,
    after?: number,
  ): Promise<JobOutcome> {
    const key = `${runId}#${jobId}`;
    this.update(key, title);
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `ParamLens: ${title}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(async () => {
            const server = (await this.current()) ?? client;
            server
              .cancelRun(runId)
              .catch((error: Error) => this.log.error(`cancel ${runId}: ${error.message}`));
          });
          let shown = 0; // percent reported so far
          const log: string[] = [];
          const onEvent = (event: StreamedRunEvent): void => {
            if (event.event !== 'log') this.changed.fire(runId);
            if (event.event === 'metrics') {
              const percent = (100 * event.data.step) / Math.max(1, event.data.total_steps);
              progress.report({
                increment: Math.max(0, percent - shown),
                message: describeProgress(event.data),
              });
              shown = Math.max(shown, percent);
              this.update(key, `${title} · ${event.data.step}/${event.data.total_steps}`);
            } else if (event.event === 'log') {
              this.log.info(`[${runId}] ${event.data.line}`);
              if (event.data.job === jobId) log.push(event.data.line);
            } else if (event.event === 'state' && event.data.status === 'running' && shown === 0) {
              progress.report({ message: 'running' });
            }
          };
          return { ...(await this.untilEnded(client, runId, jobId, after, onEvent)), log };
        },
      ),
    ).finally(() => this.update(key, undefined));
  }

  private async untilEnded(
    client: ServerClient,
    runId: string,
    jobId: number,
    after: number | undefined,
    onEvent: (event: StreamedRunEvent) => void,
  ): Promise<Omit<JobOutcome, 'log'>> {
    let last = after;
    let reachedAt = Date.now();
    for (;;) {
      try {
        for await (const event of client.events(runId, last)) {
          last = event.id;
          onEvent(event);
          if (event.event === 'job' && event.data.state === 'ended' && event.data.job === jobId) {
            return {
              exitCode: event.data.exit_code ?? null,
              cancelled: event.data.cancelled === true,
              run: await client.getRun(runId),
            };
          }
        }
      } catch (error) {
        // A server that forgot the run, or refuses us, will not answer better on a retry.
        if (error instanceof ServerError && error.status < 500) throw error;
        this.log.warn(`The event stream of ${runId} dropped (${(error as Error).message}); reconnecting`);
      }
      // The stream ended without the job's end: the connection dropped, or the server stopped. A restarted
      // server is a new process (new port and token) that lists the run as interrupted, without this job.
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
      client = (await this.current()) ?? client;
      let run: RunInfo;
      try {
        run = await client.getRun(runId);
        reachedAt = Date.now();
      } catch (error) {
        if (error instanceof ServerError || Date.now() - reachedAt > RECONNECT_DEADLINE_MS) throw error;
        continue;
      }
      if (!run.jobs.some((job) => job.id === jobId)) return { exitCode: null, cancelled: false, run };
    }
  }

  private update(key: string, text: string | undefined): void {
    if (text === undefined) this.active.delete(key);
    else this.active.set(key, text);
    const running = [...this.active.values()];
    if (running.length === 0) {
      this.item.hide();
      return;
    }
    this.item.text =
      running.length === 1 ? `$(sync~spin) ${running[0]}` : `$(sync~spin) ParamLens: ${running.length} jobs`;
    this.item.tooltip = running.join('\n');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    this.changed.dispose();
  }
}

/** `step 120/500 · 12.3 steps/s · 31 s left`. */
export function describeProgress(metrics: MetricsEvent): string {
  const parts = [`step ${metrics.step}/${metrics.total_steps}`];
  const speed = metrics.metrics.it_per_s;
  if (typeof speed === 'number' && speed > 0) parts.push(`${speed.toPrecision(3)} steps/s`);
  if (typeof metrics.eta_s === 'number') parts.push(`${formatDuration(metrics.eta_s)} left`);
  return parts.join(' · ');
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * The headline of a finished decomposition, from its last evaluation: the unmasked model's KL (language
 * models) or MSE (toys), L0, alive subcomponents, and for toys the mean max cosine similarity to the truth.
 */
export function headline(summary: RunInfo['summary']): string | undefined {
  const evaluation = summary.eval as Record<string, unknown> | undefined;
  if (evaluation === undefined) return undefined;
  const number = (key: string): number | undefined =>
    typeof evaluation[key] === 'number' ? evaluation[key] : undefined;
  const parts: string[] = [];
  const kl = number('kl_unmasked');
  const mse = number('mse_unmasked');
  if (kl !== undefined) parts.push(`KL unmasked ${kl.toPrecision(3)}`);
  else if (mse !== undefined) parts.push(`MSE unmasked ${mse.toPrecision(3)}`);
  const l0 = number('l0_total');
  if (l0 !== undefined) parts.push(`L0 ${l0.toPrecision(3)}`);
  const alive = number('alive_total');
  if (alive !== undefined) parts.push(`${alive} alive`);
  const mmcs = number('mmcs');
  if (mmcs !== undefined) parts.push(`MMCS ${mmcs.toFixed(4)}`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}
