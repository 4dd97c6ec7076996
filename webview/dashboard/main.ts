// Entry point of the run dashboard: the run's curves (losses, L0, evaluations) drawn with uPlot, kept live
// from the host's messages, and the latest evaluation as a table. uPlot draws on a canvas and never evaluates
// code, so it runs under the webview's strict content-security policy.
import uPlot from 'uplot';
import type { MetricsLine, StateEvent } from '../../protocol/runFiles';
import type { DashboardToHostMessage, HostToDashboardMessage } from '../../protocol/webviewMessages';
import { charts, evalTable, format, tickLabel, type Chart } from './series';

interface VsCodeApi {
  postMessage(message: DashboardToHostMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const host = acquireVsCodeApi();
const lines: MetricsLine[] = [];
let state: StateEvent | undefined;
let runId = '';
let plots: uPlot[] = [];
let redraw: number | undefined;

/** The theme's chart colours, so curves follow light, dark and high-contrast themes. */
const PALETTE = ['blue', 'orange', 'green', 'red', 'purple', 'yellow', 'foreground'].map((name) => {
  const value = getComputedStyle(document.body).getPropertyValue(`--vscode-charts-${name}`).trim();
  return value || '#888888';
});

window.addEventListener('message', (event: MessageEvent<HostToDashboardMessage>) => {
  const message = event.data;
  try {
    if (message.type === 'history') {
      runId = message.runId;
      lines.splice(0, lines.length, ...message.lines);
      state = message.state;
      render();
    } else if (message.type === 'metrics') {
      const last = lines.at(-1);
      if (last !== undefined && last.step >= message.line.step) return; // replayed
      lines.push(message.line);
      scheduleRender();
    } else if (message.type === 'state') {
      state = message.state;
      renderHeader();
    }
  } catch (error) {
    host.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
window.addEventListener('resize', () => scheduleRender());
// uPlot draws after its constructor returns: a failure there is reported like one in a handler.
window.addEventListener('error', (event) => host.postMessage({ type: 'error', message: event.message }));
host.postMessage({ type: 'ready' });

/** Batches bursts of metric lines into one redraw. A timer, not an animation frame: a hidden panel gets
 * no frames, and it should be current when it is shown again. */
function scheduleRender(): void {
  if (redraw !== undefined) return;
  redraw = window.setTimeout(() => {
    redraw = undefined;
    render();
  }, 100);
}

function render(): void {
  renderHeader();
  const container = element('charts');
  for (const plot of plots) plot.destroy();
  plots = [];
  container.replaceChildren();
  const width = Math.max(320, Math.floor(container.clientWidth / 2) - 24);
  for (const chart of charts(lines)) {
    const figure = document.createElement('figure');
    figure.className = 'chart';
    container.append(figure);
    plots.push(plot(chart, figure, width));
  }
  renderTable();
  host.postMessage({ type: 'rendered', runId, charts: plots.length, lines: lines.length });
}

function plot(chart: Chart, into: HTMLElement, width: number): uPlot {
  const foreground = getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim() || '#ccc';
  const grid = { stroke: 'rgba(128,128,128,0.2)', width: 1 };
  const axis = {
    stroke: foreground,
    grid,
    ticks: grid,
    values: (_self: uPlot, splits: (number | null)[]) => splits.map(tickLabel),
  };
  const options: uPlot.Options = {
    title: chart.title,
    width,
    height: 220,
    scales: { x: { time: false }, y: chart.log ? { distr: 3 } : {} },
    axes: [{ ...axis, label: 'step' }, axis],
    series: [
      { label: 'step' },
      ...chart.series.map((series, index) => ({
        label: series.name,
        stroke: PALETTE[index % PALETTE.length],
        width: series.name === 'total' || series.name === 'all modules' ? 2 : 1.5,
        spanGaps: true,
        value: (_self: uPlot, value: number | null) => (value === null ? '–' : format(value)),
      })),
    ],
  };
  // A log axis cannot show zero or less: those points are gaps.
  const data: uPlot.AlignedData = [
    chart.steps,
    ...chart.series.map((series) =>
      series.values.map((value) => (value === null || (chart.log && value <= 0) ? null : value)),
    ),
  ];
  return new uPlot(options, data, into);
}

function renderHeader(): void {
  const last = lines.at(-1);
  const parts = [runId];
  // State events come when the status changes; the step moves on with each metrics line in between.
  const step = Math.max(state?.step ?? 0, last?.step ?? 0);
  if (state !== undefined) parts.push(state.status, `step ${step} of ${state.total_steps}`);
  const speed = [...lines].reverse().find((line) => typeof line.it_per_s === 'number')?.it_per_s;
  if (state?.status === 'running' && typeof speed === 'number' && speed > 0 && last !== undefined)
    parts.push(`${speed.toPrecision(3)} steps/s`);
  element('title').textContent = parts.join(' · ');
  element('error').textContent = state?.error ?? '';
}

function renderTable(): void {
  const table = evalTable(lines);
  const body = element('eval');
  body.replaceChildren();
  element('eval-step').textContent = table === undefined ? 'no evaluation yet' : `at step ${table.step}`;
  for (const [name, value] of table?.rows ?? []) {
    const row = document.createElement('tr');
    const key = document.createElement('td');
    key.textContent = name;
    const cell = document.createElement('td');
    cell.textContent = value;
    cell.className = 'number';
    row.append(key, cell);
    body.append(row);
  }
}

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the dashboard page has no #${id}`);
  return found;
}
