// Times ELK on attribution graphs with the webview's production options, on the main thread in Node:
// the example graph and a seeded synthetic graph of about 300 nodes and 1000 edges. The last line of
// stdout is one JSON object. Run with `npm run bench:layout`.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { AttributionGraph } from '../protocol/graph';
import { toElkGraph } from '../webview/graphView/elkGraph';
import { readElkLayout, type GraphLayout } from '../webview/graphView/graphLayout';
import { syntheticGraph } from './syntheticGraph';

const EXAMPLE_RUNS = 10;
const SYNTHETIC_RUNS = 5;

interface Timing {
  runs: number[];
  layout: GraphLayout;
}

/** Lays `graph` out `runs` times after one untimed run that warms up the JIT. */
async function timeLayout(graph: AttributionGraph, runs: number): Promise<Timing> {
  const elk = new ELK();
  await elk.layout(toElkGraph(graph));
  const times: number[] = [];
  let layout: GraphLayout | undefined;
  for (let run = 0; run < runs; run++) {
    // ELK writes its answer into the input, so every run gets a fresh one.
    const input = toElkGraph(graph);
    const started = performance.now();
    const laidOut = await elk.layout(input);
    const ms = performance.now() - started;
    times.push(ms);
    layout = readElkLayout(graph, laidOut, ms);
  }
  if (!layout) throw new Error('no runs');
  return { runs: times, layout };
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;
}

function summary(name: string, graph: AttributionGraph, { runs, layout }: Timing): Record<string, number> {
  const round = (value: number): number => Math.round(value * 10) / 10;
  return {
    [`${name}_nodes`]: graph.nodes.length,
    [`${name}_edges`]: graph.edges.length,
    [`${name}_runs`]: runs.length,
    [`${name}_layout_ms_p50`]: round(percentile(runs, 0.5)),
    [`${name}_layout_ms_max`]: round(Math.max(...runs)),
    [`${name}_width`]: Math.round(layout.width),
    [`${name}_height`]: Math.round(layout.height),
  };
}

async function main(): Promise<void> {
  const examplePath = path.join(__dirname, '..', 'examples', 'tiny.graph.json');
  const example = JSON.parse(readFileSync(examplePath, 'utf8')) as AttributionGraph;
  const synthetic = syntheticGraph({ blocks: 2, positions: 16, components: 280, edges: 1000, seed: 1 });

  const results: Record<string, number | string> = {
    elkjs: (JSON.parse(readFileSync(require.resolve('elkjs/package.json'), 'utf8')) as { version: string })
      .version,
  };
  for (const [name, graph, runs] of [
    ['example', example, EXAMPLE_RUNS],
    ['synthetic_300', synthetic, SYNTHETIC_RUNS],
  ] as const) {
    const timing = await timeLayout(graph, runs);
    const row = summary(name, graph, timing);
    Object.assign(results, row);
    console.log(
      `${name}: ${graph.nodes.length} nodes, ${graph.edges.length} edges, p50 ${row[`${name}_layout_ms_p50`]} ms over ${runs} runs`,
    );
  }
  console.log(JSON.stringify(results));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
