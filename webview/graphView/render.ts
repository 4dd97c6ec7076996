import type { AttributionGraph, GraphEdge, GraphNode } from '../../protocol/graph';
import { boxLabel, LABEL_CHAR_WIDTH } from './elkGraph';
import type { GraphLayout, NodeBox, Point } from './graphLayout';
import { displayToken, formatProbability } from './labels';
import { rowIndexer, rowName } from './rows';
import { svgElement } from './svg';

/** A rectangle in graph coordinates. */
export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What was drawn, for hit testing and highlighting. */
export interface DrawnGraph {
  nodeCount: number;
  edgeCount: number;
  /** Everything drawn, labels included. */
  bounds: Bounds;
  nodesById: Map<string, GraphNode>;
  /** The drawn edges that touch each drawn node. */
  edgesByNode: Map<string, SVGPathElement[]>;
}

const ROW_LABEL_GAP = 10;
const TOKEN_AXIS_HEIGHT = 24;
const MIN_EDGE_WIDTH = 0.6;
const EDGE_WIDTH_RANGE = 3;

/**
 * Draws the graph into `layer`, replacing what was there. Components whose CI is below `ciThreshold` are
 * left out with their edges; rows and token labels stay, so the frame does not move when the threshold does.
 */
export function drawGraph(
  layer: SVGGElement,
  graph: AttributionGraph,
  layout: GraphLayout,
  ciThreshold: number,
): DrawnGraph {
  const guides = svgElement('g', { class: 'row-guides' });
  const labels = svgElement('g', { class: 'labels' });
  const edgeLayer = svgElement('g', { class: 'edges' });
  const nodeLayer = svgElement('g', { class: 'nodes' });
  layer.replaceChildren(guides, labels, edgeLayer, nodeLayer);

  const rowLabelWidth = drawRows(guides, labels, graph, layout);
  drawTokenAxis(labels, graph, layout);

  const visible = graph.nodes.filter((node) => node.kind !== 'component' || node.ci >= ciThreshold);
  const nodesById = new Map(visible.map((node) => [node.id, node]));
  const edgesByNode = new Map<string, SVGPathElement[]>(visible.map((node) => [node.id, []]));
  const maxWeight = Math.max(0, ...graph.edges.map((edge) => Math.abs(edge.weight)));
  let edgeCount = 0;
  graph.edges.forEach((edge, index) => {
    const sourceEdges = edgesByNode.get(edge.source);
    const targetEdges = edgesByNode.get(edge.target);
    const points = layout.edges[index];
    if (!sourceEdges || !targetEdges || !points) return;
    const path = drawEdge(edgeLayer, edge, points, maxWeight);
    sourceEdges.push(path);
    targetEdges.push(path);
    edgeCount++;
  });
  for (const node of visible) {
    const box = layout.nodes[node.id];
    if (box) drawNode(nodeLayer, node, box);
  }

  const left = -(rowLabelWidth + ROW_LABEL_GAP);
  const bounds = { x: left, y: 0, width: layout.width - left, height: layout.height + TOKEN_AXIS_HEIGHT };
  return { nodeCount: visible.length, edgeCount, bounds, nodesById, edgesByNode };
}

/** A guide line and a label for each row that has nodes; returns the width of the widest label. */
function drawRows(
  guides: SVGGElement,
  labels: SVGGElement,
  graph: AttributionGraph,
  layout: GraphLayout,
): number {
  const rowOf = rowIndexer(graph);
  const rowCentres = new Map<number, number>();
  for (const node of graph.nodes) {
    const box = layout.nodes[node.id];
    if (box) rowCentres.set(rowOf(node), box.y + box.height / 2);
  }
  let widest = 0;
  for (const [row, y] of rowCentres) {
    const { label, title } = rowName(graph, row);
    svgElement('line', { class: 'row-guide', x1: 0, x2: layout.width, y1: y, y2: y }, guides);
    const text = svgElement('text', { class: 'row-label', x: -ROW_LABEL_GAP, y }, labels);
    text.textContent = label;
    svgElement('title', {}, text).textContent = title;
    widest = Math.max(widest, label.length * LABEL_CHAR_WIDTH);
  }
  return widest;
}

/**
 * Names each column under the graph: its position (node IDs carry positions), and its token too where no
 * embedding box above already shows it. The column's x is its embedding box, or else the middle of its nodes.
 */
function drawTokenAxis(labels: SVGGElement, graph: AttributionGraph, layout: GraphLayout): void {
  const centres = new Map<number, number[]>();
  const embedCentres = new Map<number, number>();
  for (const node of graph.nodes) {
    const box = layout.nodes[node.id];
    if (!box) continue;
    const centre = box.x + box.width / 2;
    if (node.kind === 'embed') embedCentres.set(node.position, centre);
    const column = centres.get(node.position) ?? [];
    column.push(centre);
    centres.set(node.position, column);
  }
  for (const [position, xs] of centres) {
    const embedCentre = embedCentres.get(position);
    const x = embedCentre ?? xs.reduce((sum, value) => sum + value, 0) / xs.length;
    const token = graph.tokens[position] ?? '';
    const text = svgElement(
      'text',
      { class: 'token-label', x, y: layout.height + TOKEN_AXIS_HEIGHT / 2 },
      labels,
    );
    text.textContent = embedCentre === undefined ? `${position} ${displayToken(token)}` : String(position);
    svgElement('title', {}, text).textContent = `position ${position}: ${JSON.stringify(token)}`;
  }
}

function drawEdge(layer: SVGGElement, edge: GraphEdge, points: Point[], maxWeight: number): SVGPathElement {
  const strength = maxWeight > 0 ? Math.sqrt(Math.abs(edge.weight) / maxWeight) : 0;
  return svgElement(
    'path',
    {
      class: `edge ${edge.weight < 0 ? 'negative' : 'positive'}`,
      d: points.map(({ x, y }, index) => `${index === 0 ? 'M' : 'L'}${x} ${y}`).join(' '),
      'stroke-width': (MIN_EDGE_WIDTH + EDGE_WIDTH_RANGE * strength).toFixed(2),
      'data-source': edge.source,
      'data-target': edge.target,
    },
    layer,
  );
}

function drawNode(layer: SVGGElement, node: GraphNode, box: NodeBox): void {
  const group = svgElement(
    'g',
    {
      class: `node ${node.kind}`,
      'data-node-id': node.id,
      'aria-label': node.id,
      transform: `translate(${box.x} ${box.y})`,
    },
    layer,
  );
  if (node.kind === 'component') {
    const radius = box.width / 2;
    // Fill intensity shows causal importance; the outline keeps faint components visible.
    svgElement(
      'circle',
      { cx: radius, cy: box.height / 2, r: radius, 'fill-opacity': 0.15 + 0.85 * node.ci },
      group,
    );
    return;
  }
  svgElement('rect', { width: box.width, height: box.height, rx: 3 }, group);
  const text = svgElement('text', { x: box.width / 2, y: box.height / 2 }, group);
  if (node.kind === 'embed') {
    text.textContent = boxLabel(node);
    return;
  }
  svgElement('tspan', { class: 'token' }, text).textContent = displayToken(node.token);
  svgElement('tspan', { class: 'probability', dx: 4 }, text).textContent = formatProbability(
    node.probability,
  );
}
