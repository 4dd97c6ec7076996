/**
 * Messages between the extension host and its webviews (the attribution-graph view, the run dashboard).
 * Both sides import this file; every message is one entry of a map from its `type` to its payload.
 */
import type { AttributionGraph } from './graph';
import type { MetricsLine, StateEvent } from './runFiles';

/** Extension host → webview. */
export interface HostToGraphView {
  /** Show this graph, replacing the current one. Sent after `ready`, and again on reload. */
  showGraph: { graph: AttributionGraph; source: string };
}

/** Webview → extension host. */
export interface GraphViewToHost {
  /** The webview's script has loaded and can take `showGraph`. */
  ready: Record<never, never>;
  /** A graph was laid out and drawn: how much, and how long ELK took. */
  rendered: { nodes: number; edges: number; layoutMs: number };
  /** The user clicked a node. */
  selectNode: { nodeId: string };
  /** Something failed inside the webview; the host logs it and tells the user once. */
  error: { message: string };
}

/** Extension host → run dashboard. */
export interface HostToDashboard {
  /** Everything logged so far (metrics.jsonl, or the event log's replay), and the run's state. */
  history: { runId: string; lines: MetricsLine[]; state: StateEvent; configFile: string };
  /** A new line of metrics.jsonl, as the run logs it. */
  metrics: { line: MetricsLine };
  /** The run's status changed. */
  state: { state: StateEvent };
}

/** Run dashboard → extension host. */
export interface DashboardToHost {
  /** The page has loaded and can take `history`. */
  ready: Record<never, never>;
  /** The page drew its charts: how many, from how many metric lines. */
  rendered: { runId: string; charts: number; lines: number };
  /** Something failed inside the webview; the host logs it. */
  error: { message: string };
}

export type MessageOf<M> = { [K in keyof M]: { type: K } & M[K] }[keyof M];
export type HostToGraphViewMessage = MessageOf<HostToGraphView>;
export type GraphViewToHostMessage = MessageOf<GraphViewToHost>;
export type HostToDashboardMessage = MessageOf<HostToDashboard>;
export type DashboardToHostMessage = MessageOf<DashboardToHost>;
