/**
 * The attribution-graph file, `graphs/<id>.graph.json` in a run directory (docs/formats.md).
 * Written by the Python analysis (`paramlens graph`) through `paramlens.analysis.graphs.graph_file`,
 * whose models are the one description of the file: these types are generated from them
 * (`npm run gen:contracts`). JSON keys are snake_case so the file reads the same from Python,
 * TypeScript and `jq`. A field whose value is absent is left out, never null.
 */
import type { components } from './serverApi.generated';

type Schemas = components['schemas'];

export const GRAPH_FORMAT_VERSION = 1;

/** A causally important subcomponent at one token position. ID: `<module>:<position>:<component>`. */
export type ComponentNode = Schemas['ComponentNode'];
/** The token embedding at a position (a toy model's input feature). ID: `embed:<position>`. */
export type EmbedNode = Schemas['EmbedNode'];
/** The logit of one token at a position (a toy model's output value). ID: `output:<position>:<token_id>`. */
export type OutputNode = Schemas['OutputNode'];
export type GraphNode = ComponentNode | EmbedNode | OutputNode;
/** A direct effect: `weight` is the gradient × activation attribution of `source` on `target`. */
export type GraphEdge = Schemas['GraphEdge'];
/** How a graph was computed and pruned (`paramlens.analysis.graphs.settings.GraphSettings`). */
export type GraphSettings = Schemas['GraphSettings'];
/** How an optimised circuit was found (`paramlens.analysis.graphs.settings.CircuitSettings`). */
export type CircuitSettings = Schemas['CircuitSettings'];
/** The target token's probability when a circuit is kept and the rest ablated. */
export type CircuitProbabilities = Schemas['CircuitProbabilities'];
/** How an optimised circuit's graph was made, and how faithful the circuit is. */
export type CircuitRecord = Schemas['CircuitRecord'];
export type AttributionGraph = Schemas['AttributionGraph'];
