import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api.js';
import type { AttributionGraph, GraphNode } from '../../protocol/graph';
import { displayToken, formatProbability } from './labels';
import { outputRow, rowIndexer } from './rows';

/**
 * ELK options for attribution graphs. Rows and token order come from preset coordinates: the interactive
 * layerer turns each preset y into one layer (one row per module) and the interactive crossing minimiser
 * keeps the preset x order (tokens left to right). Partitioning with model order gives the same rows and
 * order, but was about 10× slower on a 300-node graph (its model-order sort and crossing sweeps dominate).
 * The remaining phases use their cheap variants (spec/graph-viewers-prior-art.md section 4).
 */
export const ELK_LAYOUT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'UP',
  'elk.layered.layering.strategy': 'INTERACTIVE',
  'elk.layered.cycleBreaking.strategy': 'INTERACTIVE',
  'elk.layered.crossingMinimization.strategy': 'INTERACTIVE',
  // Laid out apart, disconnected pieces would each get their own rows.
  'elk.separateConnectedComponents': 'false',
  'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS',
  'elk.edgeRouting': 'POLYLINE',
  'elk.spacing.nodeNode': '12',
  // Long edges pass through every row between their ends; tight edge spacing keeps rows from growing wide.
  'elk.spacing.edgeEdge': '3',
  'elk.spacing.edgeNode': '6',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  // The polyline router widens a row gap in proportion to how far edges travel sideways in it; ELK's
  // default (10) made the gaps under attention outputs several times taller than the rest.
  'elk.layered.spacing.edgeEdgeBetweenLayers': '4',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
};

export const COMPONENT_DIAMETER = 14;
export const BOX_HEIGHT = 20;
/** Approximate advance of one character of the 11 px label font, to size boxes without measuring text. */
export const LABEL_CHAR_WIDTH = 6.5;
const BOX_PADDING = 6;
const BOX_MIN_WIDTH = 28;
/** Distance between preset rows; larger than any node, so that no two rows overlap. */
const PRESET_ROW_PITCH = 100;

/** The text inside an embedding or output box. */
export function boxLabel(node: Exclude<GraphNode, { kind: 'component' }>): string {
  return node.kind === 'embed'
    ? displayToken(node.token)
    : `${displayToken(node.token)} ${formatProbability(node.probability)}`;
}

export function nodeSize(node: GraphNode): { width: number; height: number } {
  if (node.kind === 'component') return { width: COMPONENT_DIAMETER, height: COMPONENT_DIAMETER };
  const textWidth = Math.ceil(boxLabel(node).length * LABEL_CHAR_WIDTH);
  return { width: Math.max(BOX_MIN_WIDTH, textWidth + 2 * BOX_PADDING), height: BOX_HEIGHT };
}

/** ELK's ID for the edge at this index of `graph.edges`. */
export function elkEdgeId(index: number): string {
  return `edge:${index}`;
}

/**
 * The ELK input for a graph. Each node starts at a preset point: y by row (the embeddings lowest), x by
 * token position and then by index inside its (row, position) cell. Only the order of these values matters
 * to ELK. Every field is set, because elkjs fails on keys that hold `undefined`.
 */
export function toElkGraph(graph: AttributionGraph): ElkNode {
  const rowOf = rowIndexer(graph);
  const ids = new Set(graph.nodes.map((node) => node.id));
  const lastRow = outputRow(graph);
  const ordered = graph.nodes
    .map((node) => ({ node, row: rowOf(node) }))
    .sort((a, b) => a.row - b.row || a.node.position - b.node.position || tieBreak(a.node, b.node));

  const rankInCell = new Map<string, number>();
  const cellSizes = new Map<string, number>();
  for (const { node, row } of ordered) {
    const cell = `${row}:${node.position}`;
    const rank = cellSizes.get(cell) ?? 0;
    rankInCell.set(node.id, rank);
    cellSizes.set(cell, rank + 1);
  }
  const positionPitch = Math.max(0, ...cellSizes.values()) + 1;

  const children: ElkNode[] = ordered.map(({ node, row }) => ({
    id: node.id,
    x: node.position * positionPitch + (rankInCell.get(node.id) ?? 0),
    y: (lastRow - row) * PRESET_ROW_PITCH,
    ...nodeSize(node),
  }));

  const edges: ElkExtendedEdge[] = graph.edges.map((edge, index) => {
    for (const end of [edge.source, edge.target]) {
      if (!ids.has(end))
        throw new Error(`edge ${edge.source} → ${edge.target}: no node "${end}" in the graph`);
    }
    return { id: elkEdgeId(index), sources: [edge.source], targets: [edge.target] };
  });

  return { id: 'root', layoutOptions: ELK_LAYOUT_OPTIONS, children, edges };
}

/** Same row and position: components by index, predicted tokens most likely first. */
function tieBreak(a: GraphNode, b: GraphNode): number {
  if (a.kind === 'component' && b.kind === 'component') return a.component - b.component;
  if (a.kind === 'output' && b.kind === 'output') return b.probability - a.probability;
  return 0;
}
