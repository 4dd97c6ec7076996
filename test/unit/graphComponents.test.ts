import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseGraphFile } from '../../extension/graphFile';
import { graphHasComponent } from '../../extension/graphComponents';

const graph = parseGraphFile(
  readFileSync(path.resolve(__dirname, '../../examples/tiny.graph.json'), 'utf8'),
  'tiny.graph.json',
);

test('"Open in graph" finds a subcomponent at any position of a graph, and only one it has', () => {
  const node = graph.nodes.find((candidate) => candidate.kind === 'component');
  assert.ok(node?.kind === 'component');
  assert.equal(graphHasComponent(graph, { module: node.module, index: node.component }), true);
  assert.equal(graphHasComponent(graph, { module: node.module, index: 1_000_000 }), false);
  assert.equal(graphHasComponent(graph, { module: 'no.such.module', index: node.component }), false);
});
