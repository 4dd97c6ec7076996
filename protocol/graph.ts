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
  /**
   * Cumulative influence on the outputs, for live re-pruning: the share of all subcomponent nodes' influence
   * held by the nodes ranked at or above this one (circuit-tracer's convention). Node threshold τ keeps the
   * nodes whose influence is at most the smallest value ≥ τ. Absent before pruning ran.
   */
  influence?: number;
  /** A human label, e.g. the `clerp` of a circuit-tracer or Neuronpedia graph kept on import. */
  label?: string;
}

/** The token embedding at one position. ID: `embed:<position>`. */
export interface EmbedNode {
  id: string;
  kind: 'embed';
  position: number;
  token: string;
  /** The token's vocabulary index; absent in hand-written graphs. */
  token_id?: number;
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

/** How a graph was computed and pruned (`paramlens.graphs.settings.GraphSettings`). */
export interface GraphSettings {
  /** A subcomponent at a position is a node when its CI exceeds this. */
  ci_threshold: number;
  /** Whether each edge is scaled by its source's CI. */
  multiply_by_ci: boolean;
  /** Positions whose next-token predictions became output nodes. */
  output_positions: 'last' | 'all';
  /** Tokens at least this likely became output nodes (the most likely always did). */
  output_min_probability: number;
  /** At most this many output nodes per position. */
  output_max_per_position: number;
  /** Pruning kept the fewest subcomponent nodes holding this share of the influence on the outputs. */
  node_threshold: number;
  /** Pruning kept the fewest edges holding this share of the edge scores. */
  edge_threshold: number;
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
  /** The run directory the graph was computed from (`runs/<run_id>/`). */
  run_id?: string;
  /** How the graph was computed; absent in imported and hand-written graphs. */
  settings?: GraphSettings;
}
