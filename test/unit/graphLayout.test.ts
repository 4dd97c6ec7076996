import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { AttributionGraph, GraphNode } from '../../protocol/graph';
import { ELK_LAYOUT_OPTIONS, toElkGraph } from '../../webview/graphView/elkGraph';
import { readElkLayout, type GraphLayout, type NodeBox } from '../../webview/graphView/graphLayout';
import { outputRow, rowIndexer } from '../../webview/graphView/rows';
import { repoRoot } from '../support/paths';

function loadExample(): AttributionGraph {
  return JSON.parse(
    readFileSync(path.join(repoRoot, 'examples', 'tiny.graph.json'), 'utf8'),
  ) as AttributionGraph;
}

/** Paths of every value that is `undefined`, at any depth. */
function undefinedPaths(value: unknown, at = '$'): string[] {
  if (value === undefined) return [at];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => undefinedPaths(child, `${at}.${key}`));
}

function centreY(box: NodeBox): number {
  return box.y + box.height / 2;
}

describe('ELK input built from the example graph', () => {
  const graph = loadExample();
  const input = toElkGraph(graph);

  test('has no undefined fields, which make elkjs fail', () => {
    assert.deepEqual(undefinedPaths(input), []);
  });

  test('carries the production options, one child per node and one edge per graph edge', () => {
    assert.deepEqual(input.layoutOptions, ELK_LAYOUT_OPTIONS);
    assert.equal(input.children?.length, graph.nodes.length);
    assert.equal(input.edges?.length, graph.edges.length);
  });

  test('names the offending module or node when the graph is inconsistent', () => {
    const unknownModule = structuredClone(graph);
    unknownModule.modules = unknownModule.modules.filter((module) => module !== 'h.1.mlp.c_fc');
    assert.throws(
      () => toElkGraph(unknownModule),
      /module "h\.1\.mlp\.c_fc" is not in the graph's "modules"/,
    );

    const dangling = structuredClone(graph);
    dangling.edges.push({ source: 'embed:0', target: 'h.0.attn.v_proj:0:999', weight: 1 });
    assert.throws(() => toElkGraph(dangling), /no node "h\.0\.attn\.v_proj:0:999"/);
  });
});

describe('ELK layout of the example graph', () => {
  const graph = loadExample();
  // A node that no edge touches makes a second connected piece, which must still share the rows.
  graph.nodes.push({
    id: 'h.1.attn.v_proj:0:7',
    kind: 'component',
    module: 'h.1.attn.v_proj',
    position: 0,
    component: 7,
    ci: 0.2,
    activation: 0.1,
  });
  const rowOf = rowIndexer(graph);
  let layout: GraphLayout;

  before(async () => {
    const laidOut = await new ELK().layout(toElkGraph(graph));
    layout = readElkLayout(graph, laidOut, 0);
  });

  const rows = (): Map<number, { node: GraphNode; box: NodeBox }[]> => {
    const byRow = new Map<number, { node: GraphNode; box: NodeBox }[]>();
    for (const node of graph.nodes) {
      const box = layout.nodes[node.id];
      assert.ok(box, `no box for ${node.id}`);
      byRow.set(rowOf(node), [...(byRow.get(rowOf(node)) ?? []), { node, box }]);
    }
    return byRow;
  };

  test('puts every node of a row at one height', () => {
    for (const [row, members] of rows()) {
      const heights = new Set(members.map(({ box }) => centreY(box)));
      assert.equal(heights.size, 1, `row ${row} spreads over heights ${[...heights].join(', ')}`);
    }
  });

  test('stacks the rows in model order, embeddings at the bottom and outputs at the top', () => {
    const byRow = rows();
    assert.equal(byRow.size, outputRow(graph) + 1, 'every module of the example has nodes');
    const heights = [...byRow.keys()].sort((a, b) => a - b).map((row) => centreY(byRow.get(row)![0]!.box));
    for (let row = 1; row < heights.length; row++) {
      assert.ok(
        heights[row]! < heights[row - 1]!,
        `row ${row} is not above row ${row - 1} (y grows downwards)`,
      );
    }
  });

  test('keeps token order inside each row', () => {
    for (const [row, members] of rows()) {
      const leftToRight = [...members].sort((a, b) => a.box.x - b.box.x).map(({ node }) => node.position);
      assert.deepEqual(
        leftToRight,
        [...leftToRight].sort((a, b) => a - b),
        `row ${row} is out of token order`,
      );
    }
  });

  test('routes every edge from the top of its source to the bottom of its target', () => {
    assert.equal(layout.edges.length, graph.edges.length);
    graph.edges.forEach((edge, index) => {
      const route = layout.edges[index]!;
      const source = layout.nodes[edge.source]!;
      const target = layout.nodes[edge.target]!;
      const [start, end] = [route[0]!, route.at(-1)!];
      assert.ok(Math.abs(start.y - source.y) < 0.5, `${edge.source} → ${edge.target} starts off its source`);
      assert.ok(
        Math.abs(end.y - (target.y + target.height)) < 0.5,
        `${edge.source} → ${edge.target} ends off its target`,
      );
    });
  });
});
