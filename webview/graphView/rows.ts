import type { AttributionGraph, GraphNode } from '../../protocol/graph';
import { shortModuleName } from './labels';

// The layout has one row per model layer, from the inputs up: embeddings, each decomposed module in model
// order, then the predicted tokens.

export const EMBED_ROW = 0;

export function outputRow(graph: AttributionGraph): number {
  return graph.modules.length + 1;
}

/** Maps each node to its row; throws for a component whose module is not in `graph.modules`. */
export function rowIndexer(graph: AttributionGraph): (node: GraphNode) => number {
  const moduleRows = new Map(graph.modules.map((module, index) => [module, index + 1]));
  const lastRow = outputRow(graph);
  return (node) => {
    switch (node.kind) {
      case 'embed':
        return EMBED_ROW;
      case 'output':
        return lastRow;
      case 'component': {
        const row = moduleRows.get(node.module);
        if (row === undefined) {
          throw new Error(`node ${node.id}: module "${node.module}" is not in the graph's "modules" list`);
        }
        return row;
      }
    }
  };
}

export interface RowName {
  label: string;
  /** The full module path, or what the row holds. */
  title: string;
}

export function rowName(graph: AttributionGraph, row: number): RowName {
  if (row === EMBED_ROW) return { label: 'embed', title: 'token embeddings' };
  if (row === outputRow(graph)) return { label: 'output', title: 'predicted next tokens' };
  const module = graph.modules[row - 1] ?? `row ${row}`;
  return { label: shortModuleName(module), title: module };
}
