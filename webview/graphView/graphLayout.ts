import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { AttributionGraph } from '../../protocol/graph';
import { elkEdgeId } from './elkGraph';

export interface Point {
  x: number;
  y: number;
}

/** A node's top-left corner and size. */
export interface NodeBox extends Point {
  width: number;
  height: number;
}

/** Where everything goes; plain JSON so that it can be kept in the webview state. */
export interface GraphLayout {
  width: number;
  height: number;
  nodes: Record<string, NodeBox>;
  /** One polyline per edge, from source to target, in the order of `graph.edges`. */
  edges: Point[][];
  /** How long ELK took. */
  layoutMs: number;
}

/** Reads ELK's answer; throws if it left out a node or an edge, which would otherwise draw nothing silently. */
export function readElkLayout(graph: AttributionGraph, laidOut: ElkNode, layoutMs: number): GraphLayout {
  const nodes: Record<string, NodeBox> = {};
  for (const child of laidOut.children ?? []) {
    const { x, y, width, height } = child;
    if (x === undefined || y === undefined || width === undefined || height === undefined) continue;
    nodes[child.id] = { x, y, width, height };
  }
  const missingNode = graph.nodes.find((node) => nodes[node.id] === undefined);
  if (missingNode) throw new Error(`the layout has no position for node ${missingNode.id}`);

  const edgesById = new Map((laidOut.edges ?? []).map((edge: ElkExtendedEdge) => [edge.id, edge]));
  const edges = graph.edges.map((edge, index) => {
    const section = edgesById.get(elkEdgeId(index))?.sections?.[0];
    if (!section) throw new Error(`the layout has no route for edge ${edge.source} → ${edge.target}`);
    return [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(({ x, y }) => ({
      x,
      y,
    }));
  });

  return { width: laidOut.width ?? 0, height: laidOut.height ?? 0, nodes, edges, layoutMs };
}
