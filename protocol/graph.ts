/**
 * The attribution-graph file, `graphs/<id>.graph.json` in a run directory (docs/formats.md).
 * Written by the Python analysis (`paramlens graph`), read by the webview. JSON keys are snake_case so
 * the file reads the same from Python, TypeScript and `jq`.
 */

export const GRAPH_FORMAT_VERSION = 1;

/** A causally important subcomponent at one token position. ID: `<module>:<position>:<component>`. */
export interface ComponentNode {
  id: string;
  kind: 'component';
  /** Module path from `named_modules()`, e.g. `h.0.mlp.c_fc`. */
  module: string;
  position: number;
  /** Index on the module's C axis. */
  component: number;
  /** Causal importance at this position, in [0, 1]. */
  ci: number;
  /** Component activation x·V_c (unscaled). */
  activation: number;
  /** Cumulative influence on the outputs, for live re-pruning; absent before pruning ran. */
  influence?: number;
}

/** The token embedding at one position. ID: `embed:<position>`. */
export interface EmbedNode {
  id: string;
  kind: 'embed';
  position: number;
  token: string;
}

/** A likely next token predicted at one position. ID: `output:<position>:<token_id>`. */
export interface OutputNode {
  id: string;
  kind: 'output';
  position: number;
  token_id: number;
  token: string;
  probability: number;
}

export type GraphNode = ComponentNode | EmbedNode | OutputNode;

/** A direct effect: gradient of the target's activation with respect to the source, times the source. */
export interface GraphEdge {
  source: string;
  target: string;
  weight: number;
}

export interface AttributionGraph {
  format_version: typeof GRAPH_FORMAT_VERSION;
  id: string;
  prompt: string;
  /** Decoded prompt tokens, one per position. */
  tokens: string[];
  /** Decomposed modules in model order (input side first); each is one row of the layout. */
  modules: string[];
  nodes: GraphNode[];
  edges: GraphEdge[];
}
