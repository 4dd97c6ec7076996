/**
 * Custom messages between the extension and the ParamLens language server, beside the standard LSP ones.
 * Each is one typed object (method name, parameter and result types) that both sides use, as in
 * rust-analyzer's lsp_ext.ts: the extension sends `client.sendRequest(ComponentCardRequest, params)`, the
 * server answers with `connection.onRequest(ComponentCardRequest, handler)`, and a wrong parameter or
 * result type is a compile error on either side. Requests marked server → extension go the other way.
 * Documented in docs/language-server.md ("Custom requests").
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { ServerConnection } from './serverApi';

// ---- Subcomponent cards from a run's harvest (harvest.sqlite) ----

/**
 * Request, extension → server: the card of one subcomponent with up to `limit` top-activating examples.
 * Sent by "Show all examples" and "Open in graph", which need the run and more examples than hover shows.
 */

export interface ComponentCardParams {
  /** A full (`h.1.mlp.down_proj:12`) or short (`1.mlp.down:12`) subcomponent ID. */
  id: string;
  /** The run directory to read; absent: the run hover would use for `uri`. */
  runDir?: string;
  /** The document the ID was found in, which picks the run when `runDir` is absent. */
  uri?: string;
  /** Most examples to return; the harvest keeps `top_k` per subcomponent. */
  limit: number;
}

export type ComponentCardResult =
  | { found: true; card: HarvestCard; markdown: string }
  /** Why there is no card: no run, no harvest, an unknown module or index; one sentence for the user. */
  | { found: false; reason: string };

export const ComponentCardRequest = new RequestType<ComponentCardParams, ComponentCardResult, void>(
  'paramlens/componentCard',
);

/** One subcomponent as `harvest.sqlite` describes it (docs/formats.md, "harvest.sqlite"). */
export interface HarvestCard {
  runId: string;
  runDir: string;
  /** Full module path, after resolving a short name against the run's modules. */
  module: string;
  component: number;
  label: string | null;
  density: number;
  meanCi: number;
  alive: boolean;
  /** Examples the harvest stored for this subcomponent; `examples` holds the first `limit` of them. */
  nExamples: number;
  /** A token (sample, for toy targets) fires when its CI exceeds this. */
  ciThreshold: number;
  inputKind: 'tokens' | 'features';
  /** Whether `paramlens harvest` had finished writing; a running harvest may still change. */
  harvestDone: boolean;
  examples: HarvestExample[];
}

export interface HarvestExample {
  /** 0 = strongest. */
  rank: number;
  /** CI at the marked token. */
  ci: number;
  activation: number;
  /** Sequence (sample) in the harvested stream, and the marked token's position in it. */
  sequence: number;
  position: number;
  /** Index of the marked token in `tokens`. */
  marked: number;
  /** Decoded tokens of the context window (feature names for toy targets). */
  tokens: string[];
  /** This subcomponent's CI at each token of the window. */
  ciValues: number[];
  /** Tokens of the stored window left out before and after `tokens`: hover shows a shorter window. */
  omittedBefore: number;
  omittedAfter: number;
}

/**
 * Notification, extension → server: the run whose harvest answers hovers and card requests, whatever
 * document they come from; `null` goes back to the newest finished run beside each document's config.
 */

export interface SelectRunParams {
  runDir: string | null;
}

export const SelectRunNotification = new NotificationType<SelectRunParams>('paramlens/selectRun');

/**
 * Commands the extension registers and card markdown links to (`command:<id>?<JSON [args]>`), so that a
 * hover can open the run's graph or every example of a subcomponent.
 */
export const OPEN_COMPONENT_IN_GRAPH_COMMAND = 'paramlens.openComponentInGraph';
export const SHOW_COMPONENT_EXAMPLES_COMMAND = 'paramlens.showComponentExamples';

export interface ComponentCommandArgs {
  runDir: string;
  /** Full subcomponent ID, `<module>:<index>`. */
  id: string;
}

// ---- Inference with the run's model.onnx (paramlens/ciForText, paramlens/intervene) ----

/**
 * Request, extension and webviews → server: the tokens of `text` and the subcomponents causally important
 * at each, from the clean forward pass of the run's `model.onnx` (masks play no part in CI).
 */

export interface CiForTextParams {
  runDir: string;
  text: string;
  /** Only CI values above this are listed; default 0.1. */
  threshold?: number;
}

export interface CiForTextResult {
  tokens: TokenText[];
  /** Decomposed modules in the model's C layout (sorted by path), with their number of subcomponents. */
  modules: { path: string; C: number }[];
  /** Every (position, subcomponent) with CI above the threshold, by position, then module order, then index. */
  active: ActiveSubcomponent[];
}

export const CiForTextRequest = new RequestType<CiForTextParams, CiForTextResult, void>(
  'paramlens/ciForText',
);

export interface TokenText {
  id: number;
  /** The token decoded on its own; a token holding part of a UTF-8 character decodes to U+FFFD. */
  text: string;
}

export interface ActiveSubcomponent {
  position: number;
  /** Full module path. */
  module: string;
  index: number;
  ci: number;
}

/**
 * Request, extension and webviews → server: the next-token prediction at the last token of `text` with
 * only the listed subcomponents kept (`keep`), or with them ablated (`ablate`), next to the unmasked model.
 */

export interface InterveneParams {
  runDir: string;
  text: string;
  /**
   * Subcomponent IDs (full `h.1.mlp.down_proj:12` or short `1.mlp.down:12`: every position) or node IDs
   * (`h.1.mlp.down_proj:3:12`: that position only). Keep-only: mask 1 for these, 0 for the rest.
   */
  keep?: string[];
  /** Same forms as `keep`; mask 0 for these, 1 for the rest. Exactly one of `keep` and `ablate`. */
  ablate?: string[];
  /** A token (its text, e.g. ` mat`) whose probability is reported in both runs. */
  target?: string;
  /** Number of predictions; default 10. */
  topK?: number;
}

export interface InterveneResult {
  tokens: TokenText[];
  /** Most probable next tokens with the masks applied. */
  predictions: Prediction[];
  /** The same for the unmasked model (all masks 1, Δ 0). */
  baseline: Prediction[];
  /** Probability of `target` with the masks, and unmasked; null without a target. */
  targetProb: number | null;
  baselineTargetProb: number | null;
  /** KL(unmasked ‖ masked) of the next-token distributions, in nats. */
  klToUnmasked: number;
}

export const InterveneRequest = new RequestType<InterveneParams, InterveneResult, void>(
  'paramlens/intervene',
);

export interface Prediction {
  token: string;
  id: number;
  prob: number;
}

// ---- The decomposition server, which the language server asks itself ----

/**
 * Notification, extension → server: the decomposition server that the editor's jobs go to, spawned or
 * remote, sent once it is known and again whenever it changes; null while none runs (not yet started,
 * restarting, untrusted workspace). The language server asks it itself for what only the engine knows: a
 * config's module listing (`POST /modules`) and the check of a reference-format config (`POST /validate`).
 */
export interface ServerConnectionParams {
  server: ServerConnection | null;
}

export const ServerConnectionNotification = new NotificationType<ServerConnectionParams>(
  'paramlens/serverConnection',
);

/** `initializationOptions` the extension starts the language server with. */
export interface LanguageServerOptions {
  /** Where module listings are cached by target, so a config is checked at once next time; none: no cache. */
  moduleListingCache: string | null;
  /** Whether `paramlens/serverConnection` will come: until the first one, engine questions wait for it. */
  serverConnection: boolean;
}

// ---- Commands of the code lenses on configs ----

/** Trains a decomposition of the config through the decomposition server, with its progress. */
export const RUN_DECOMPOSITION_COMMAND = 'paramlens.runDecomposition';
/** Reveals the newest run's run.json, or says the config has no run. */
export const OPEN_LATEST_RUN_COMMAND = 'paramlens.openLatestRun';
/** Opens a prompt's attribution graph of the newest run, or offers to compute it. */
export const OPEN_PROMPT_GRAPH_COMMAND = 'paramlens.openPromptGraph';

export interface RunDecompositionArgs {
  configUri: string;
}

export interface OpenLatestRunArgs {
  configUri: string;
  /** The newest run of the config when the lens was made; null when it had none. */
  runDir: string | null;
}

export interface OpenPromptGraphArgs {
  configUri: string;
  runDir: string | null;
  prompt: string;
  /** The graph's id, as `paramlens graph` names it: the prompt's `name`, else a slug of the prompt. */
  graphId: string;
}
