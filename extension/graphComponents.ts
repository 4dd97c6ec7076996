import type { AttributionGraph } from '../protocol/graph';
import type { SubcomponentId } from '../protocol/ids';

/** Whether the graph has a node for the subcomponent at any position. */
export function graphHasComponent(graph: AttributionGraph, id: SubcomponentId): boolean {
  return graph.nodes.some(
    (node) => node.kind === 'component' && node.module === id.module && node.component === id.index,
  );
}
