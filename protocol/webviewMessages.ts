/**
 * Messages between the extension host and the attribution-graph webview. Both sides import this file;
 * every message is one entry of a map from its `type` to its payload.
 */
import type { AttributionGraph } from './graph';

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

export type MessageOf<M> = { [K in keyof M]: { type: K } & M[K] }[keyof M];
export type HostToGraphViewMessage = MessageOf<HostToGraphView>;
export type GraphViewToHostMessage = MessageOf<GraphViewToHost>;
