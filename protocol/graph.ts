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

/**
 * The token embedding at one position. ID: `embed:<position>`. In a feature graph (`input_kind` `features`), one
 * active input feature: position k holds the k-th active feature, `token_id` is its index.
 */
export interface EmbedNode {
  id: string;
  kind: 'embed';
  position: number;
  token: string;
  /** The token's vocabulary index (the feature's index); absent in hand-written graphs. */
  token_id?: number;
  /** Feature graphs: the input feature's value. */
  activation?: number;
}

/**
 * A likely next token predicted at one position. ID: `output:<position>:<token_id>`. In a feature graph, one of
 * the model's output dimensions (`token_id`), always at position 0.
 */
export interface OutputNode {
  id: string;
  kind: 'output';
  position: number;
  token_id: number;
  token: string;
  /** The token's probability; in a feature graph, the output's share of the sum of |output| over all outputs. */
  probability: number;
  /** What edges into the node attribute: the logit minus the mean logit, or a feature graph's output value. */
  activation?: number;
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

/** How an optimised circuit was found (`paramlens.graphs.settings.CircuitSettings`). */
export interface CircuitSettings {
  /** Optimisation steps. */
  steps: number;
  /** Peak AdamW learning rate. */
  lr: number;
  /** Share of the steps the lr warms up over. */
  lr_warmup_frac: number;
  /** The cosine schedule ends at lr times this. */
  lr_final_frac: number;
  /** AdamW weight decay. */
  weight_decay: number;
  /** Weight of the target's CE under stochastic masks. */
  stochastic_coeff: number;
  /** Weight of the target's CE under adversarial masks. */
  pgd_coeff: number;
  /** Sign-ascent steps of each adversary. */
  pgd_steps: number;
  /** The adversary's step size. */
  pgd_step_size: number;
  /** Weight of the importance-minimality loss. */
  importance_coeff: number;
  /** Exponent of the importance minimality. */
  p: number;
  /** Weight of the frequency term inside the minimality. */
  beta: number;
  /** A (position, component) is in the circuit when its CI exceeds this. */
  ci_threshold: number;
  /** Stochastic masks averaged over when judging a circuit. */
  eval_samples: number;
  /** Sign-ascent steps of the adversary that judges a circuit. */
  eval_pgd_steps: number;
  /** Step size of the adversary that judges a circuit. */
  eval_pgd_step_size: number;
  /** Whether a circuit trained on its CI-masked CE alone was optimised too, for contrast. */
  compare_ci_only: boolean;
  /** Seed of the masks and adversaries. */
  seed: number;
}

/** The target token's probability when a circuit is kept and everything else is ablated. */
export interface CircuitProbabilities {
  /** (position, component) pairs with CI above the threshold. */
  nodes: number;
  /** Masks equal to the CI, the Δ component off. */
  ci_masked: number;
  /** Mean over random masks g + (1 − g)·U(0, 1), Δ mask U(0, 1). */
  stochastic: number;
  /** After sign-ascent PGD on the masks of the originally alive subcomponents outside the circuit. */
  adversarial: number;
}

/** How an optimised circuit's graph was made and how faithful the circuit is. */
export interface CircuitRecord {
  target_token: string;
  target_token_id: number;
  /** The target is predicted after this position. */
  position: number;
  /** The target model's own probability of the target token. */
  target_probability: number;
  optimized: CircuitProbabilities;
  /** The CI the run's CI function gives on the prompt. */
  original: CircuitProbabilities;
  /** A circuit optimised on its CI-masked CE alone, for contrast. */
  ci_only?: CircuitProbabilities;
  settings: CircuitSettings;
}

export interface AttributionGraph {
  format_version: typeof GRAPH_FORMAT_VERSION;
  id: string;
  /** The prompt; in a feature graph, the input written as `<feature>=<value>, …`. */
  prompt: string;
  /** Decoded prompt tokens, one per position (feature graphs: one per active input feature). */
  tokens: string[];
  /** Decomposed modules in model order (input side first); each is one row of the layout. */
  modules: string[];
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** `tokens` (absent in older files) or `features`: a toy model's graph for one input vector. */
  input_kind?: 'tokens' | 'features';
  /** The run directory the graph was computed from (`runs/<run_id>/`). */
  run_id?: string;
  /** The training step of the weights the graph was computed with. */
  weights_step?: number;
  /** How the graph was computed; absent in imported and hand-written graphs. */
  settings?: GraphSettings;
  /** Present when the graph is an optimised circuit (`paramlens optimize-circuit`). */
  circuit?: CircuitRecord;
}
