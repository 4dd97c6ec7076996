import type { AttributionGraph, GraphNode } from '../../protocol/graph';
import { formatProbability } from './labels';

/** What hovering a node tells: its ID first, then the numbers behind its glyph. */
export function tooltipLines(node: GraphNode, graph: AttributionGraph): string[] {
  const token = JSON.stringify(graph.tokens[node.position] ?? '');
  switch (node.kind) {
    case 'component':
      return [
        node.id,
        `CI ${node.ci.toFixed(3)}`,
        `activation ${node.activation.toFixed(3)}`,
        ...(node.influence === undefined ? [] : [`influence ${node.influence.toFixed(3)}`]),
        `position ${node.position} ${token}`,
      ];
    case 'embed':
      return [node.id, `embedding of ${JSON.stringify(node.token)}`, `position ${node.position}`];
    case 'output':
      return [
        node.id,
        `predicts ${JSON.stringify(node.token)} (token ${node.token_id})`,
        `probability ${formatProbability(node.probability)}`,
        `after position ${node.position} ${token}`,
      ];
  }
}
