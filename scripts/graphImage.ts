// An attribution graph as an image, drawn by the graph view's own code: ELK with the webview's options
// (webview/graphView/elkGraph.ts), its layout reading and its SVG renderer, here on a server-side DOM
// (linkedom) instead of the webview's, with a light print palette in place of the editor theme's colours.
// resvg rasterises the SVG to PNG. Usage: node --import tsx scripts/graphImage.ts GRAPH.json OUT_BASE
// writes OUT_BASE.svg and OUT_BASE.png and prints one JSON line with what it drew.
import { readFileSync, writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import ELK from 'elkjs/lib/elk.bundled.js';
import { parseHTML } from 'linkedom';
import type { AttributionGraph } from '../protocol/graph';
import { toElkGraph } from '../webview/graphView/elkGraph';
import { readElkLayout } from '../webview/graphView/graphLayout';
import { drawGraph } from '../webview/graphView/render';

/** The rules of media/graphView.css that draw the graph, with the theme's variables resolved for print. */
const PRINT_STYLE = `
svg { background: #ffffff; font-family: 'DejaVu Sans Mono', monospace; }
.row-guide { stroke: #e4e4e4; stroke-width: 1; }
.row-label, .token-label { font-size: 11px; dominant-baseline: central; fill: #616161; }
.row-label { text-anchor: end; }
.token-label { text-anchor: middle; }
.edge { fill: none; stroke-linecap: round; stroke-linejoin: round; stroke-opacity: 0.55; }
.edge.positive { stroke: #1a85ff; }
.edge.negative { stroke: #d4351c; }
.node circle { fill: #8a4fcf; stroke: #3b3b3b; stroke-width: 0.75; }
.node rect { fill: #f3f3f3; stroke: #9e9e9e; }
.node.output rect { stroke: #388a34; stroke-width: 1.5; }
.node text { fill: #1f1f1f; font-size: 11px; text-anchor: middle; dominant-baseline: central; }
.node text .probability { fill: #616161; }
`;

const MARGIN = 16;
/** Pixels per graph unit in the PNG: sharp enough to read labels on a high-density screen. */
const PNG_SCALE = 2;

export interface GraphImage {
  svg: string;
  png: Buffer;
  nodes: number;
  edges: number;
  width: number;
  height: number;
}

/** Lays out and draws `graph`, keeping the components with CI at least `ciThreshold`, as the view does. */
export async function renderGraphImage(graph: AttributionGraph, ciThreshold = 0): Promise<GraphImage> {
  const started = performance.now();
  const laidOut = await new ELK().layout(toElkGraph(graph));
  const layout = readElkLayout(graph, laidOut, performance.now() - started);

  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  // The renderer creates its elements through the global document, as it does in the webview.
  const global = globalThis as { document?: unknown };
  const previous = global.document;
  global.document = document;
  try {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    const layer = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    const drawn = drawGraph(layer, graph, layout, ciThreshold);
    const { x, y, width, height } = drawn.bounds;
    const box = [x - MARGIN, y - MARGIN, width + 2 * MARGIN, height + 2 * MARGIN].map((v) => Math.ceil(v));
    svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    svg.setAttribute('viewBox', box.join(' '));
    svg.setAttribute('width', String(box[2]));
    svg.setAttribute('height', String(box[3]));
    const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
    style.textContent = PRINT_STYLE;
    const background = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    for (const [name, value] of Object.entries({ x: box[0], y: box[1], width: box[2], height: box[3] }))
      background.setAttribute(name, String(value));
    background.setAttribute('fill', '#ffffff');
    svg.append(style, background, layer);
    const text = `<?xml version="1.0" encoding="UTF-8"?>\n${svg.outerHTML}\n`;
    const png = new Resvg(text, {
      fitTo: { mode: 'zoom', value: PNG_SCALE },
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans Mono' },
    })
      .render()
      .asPng();
    return {
      svg: text,
      png,
      nodes: drawn.nodeCount,
      edges: drawn.edgeCount,
      width: box[2]!,
      height: box[3]!,
    };
  } finally {
    global.document = previous;
  }
}

async function main(): Promise<void> {
  const [graphPath, outBase] = process.argv.slice(2);
  if (graphPath === undefined || outBase === undefined) {
    process.stderr.write('usage: node --import tsx scripts/graphImage.ts GRAPH.json OUT_BASE\n');
    process.exit(2);
  }
  const graph = JSON.parse(readFileSync(graphPath, 'utf8')) as AttributionGraph;
  const image = await renderGraphImage(graph);
  writeFileSync(`${outBase}.svg`, image.svg);
  writeFileSync(`${outBase}.png`, image.png);
  const { nodes, edges, width, height } = image;
  process.stdout.write(
    `${JSON.stringify({ svg: `${outBase}.svg`, png: `${outBase}.png`, nodes, edges, width, height })}\n`,
  );
}

if (require.main === module) void main();
