import ELK from 'elkjs/lib/elk.bundled.js';
import { readFileSync } from 'node:fs';
import { toElkGraph, ELK_LAYOUT_OPTIONS } from '../webview/graphView/elkGraph';
import { rowIndexer } from '../webview/graphView/rows';
import { syntheticGraph } from './syntheticGraph';
import type { AttributionGraph } from '../protocol/graph';

async function main() {
  const example = JSON.parse(readFileSync('examples/tiny.graph.json', 'utf8')) as AttributionGraph;
  const synth = syntheticGraph({ blocks: 2, positions: 16, components: 280, edges: 1000, seed: 1 });
  const elk = new ELK();
  const variants: Record<string, Record<string, string | null>> = JSON.parse(process.argv[2]!);
  const flip = process.argv[3] === 'flip';
  for (const [vname, change] of Object.entries(variants)) for (const [name, g] of [['example', example], ['synth', synth]] as const) {
    const input = toElkGraph(g);
    const options: Record<string, string> = { ...ELK_LAYOUT_OPTIONS };
    for (const [k, v] of Object.entries(change)) { if (v === null) delete options[k]; else options[k] = v; }
    input.layoutOptions = options;
    const rowOf = rowIndexer(g); const byId = new Map(g.nodes.map((n) => [n.id, n]));
    const nRows = g.modules.length + 2;
    input.children!.forEach((c, i) => { const n = byId.get(c.id)!; const r = rowOf(n); c.y = (flip ? r : (nRows - r)) * 100; c.x = i * 20; if (change['nopart']) delete c.layoutOptions; });
    const t = performance.now();
    const out = await elk.layout(input);
    const ms = performance.now() - t;
    const rowYs = new Map<number, Set<number>>(); let orderViolations = 0;
    const rows = new Map<number, { p: number; x: number }[]>();
    for (const c of out.children!) { const n = byId.get(c.id)!; const r = rowOf(n);
      (rowYs.get(r) ?? rowYs.set(r, new Set()).get(r)!).add(c.y!);
      (rows.get(r) ?? rows.set(r, []).get(r)!).push({ p: n.position, x: c.x! }); }
    for (const list of rows.values()) { list.sort((a, b) => a.x - b.x); for (let i = 1; i < list.length; i++) if (list[i]!.p < list[i - 1]!.p) orderViolations++; }
    const perPos = new Map<number, number[]>();
    for (const c of out.children!) { const n = byId.get(c.id)!; (perPos.get(n.position) ?? perPos.set(n.position, []).get(n.position)!).push(c.x! + c.width! / 2); }
    let spread = 0; for (const xs of perPos.values()) spread += Math.max(...xs) - Math.min(...xs);
    const ys = [...rowYs.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => [...s].map((y) => y.toFixed(0)).join('/'));
    const missing = out.edges!.filter((e) => !(e as { sections?: unknown[] }).sections?.length).length;
    console.log(vname, name, ms.toFixed(0), 'ms', out.width?.toFixed(0), 'x', out.height?.toFixed(0), 'multiY', [...rowYs.values()].filter((s) => s.size > 1).length, 'orderViol', orderViolations, 'colSpread', (spread / perPos.size).toFixed(0), 'noSection', missing, 'ys', ys.join(' '));
  }
}
void main();
