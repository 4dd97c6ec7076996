import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { AttributionGraph } from '../../protocol/graph';
import { renderGraphImage } from '../../scripts/graphImage';

const example = JSON.parse(
  readFileSync(path.join(__dirname, '../../examples/tiny.graph.json'), 'utf8'),
) as AttributionGraph;

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

describe('graph images (npm run demo)', () => {
  test('draw every node and edge of a graph with the view’s renderer, to SVG and to a PNG at twice the size', async () => {
    const image = await renderGraphImage(example);
    const components = example.nodes.filter((node) => node.kind === 'component').length;
    assert.equal(image.nodes, example.nodes.length);
    assert.equal(image.edges, example.edges.length);
    assert.equal(count(image.svg, /<circle /g), components);
    // Embedding and output boxes, plus the white background.
    assert.equal(count(image.svg, /<rect /g), example.nodes.length - components + 1);
    assert.equal(count(image.svg, /<path [^>]*class="edge (positive|negative)"/g), example.edges.length);
    for (const token of example.tokens.filter((token) => token.trim() !== ''))
      assert.ok(image.svg.includes(`>${token.trim()}<`), `the token ${JSON.stringify(token)} is labelled`);
    assert.match(image.svg, new RegExp(`viewBox="-?\\d+ -?\\d+ ${image.width} ${image.height}"`));

    assert.deepEqual([...image.png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(image.png.readUInt32BE(16), 2 * image.width); // IHDR width
    assert.equal(image.png.readUInt32BE(20), 2 * image.height); // IHDR height
  });

  test('leave the global document as it was, so the renderer can run again', async () => {
    const before = (globalThis as { document?: unknown }).document;
    const first = await renderGraphImage(example);
    const second = await renderGraphImage(example);
    assert.equal((globalThis as { document?: unknown }).document, before);
    assert.equal(second.svg, first.svg);
  });
});
