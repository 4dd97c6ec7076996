// Times subcomponent-card hovers on a large harvest: the hover service with the real card source (run
// lookup, cached database handle, short-ID resolution, markdown), on random IDs, after one cold hover
// that opens the database. The run store is generated once and cached under
// ~/.cache/paramlens/bench/ by version. Prints one JSON object on its last line; bench/lsp.ts runs this
// in its own process so that `rss_mb` is the memory of card hovers alone.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { MarkupContent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseYaml } from '../language-server/documents';
import { HarvestCards } from '../language-server/runs/harvestCards';
import { HarvestHandles } from '../language-server/runs/harvestHandles';
import { RunLookup } from '../language-server/runs/runLookup';
import { hover } from '../language-server/services/hover';
import { CARDS_BENCH_SHAPE, READY_MARKER, STORE_VERSION } from './cardsBenchShape';
import { syntheticModules } from '../test/support/syntheticHarvest';

const HOVERS = 500;

function storeRoot(): string {
  const { modules, componentsPerModule, examplesPerComponent, windowTokens } = CARDS_BENCH_SHAPE;
  const name = `harvest-v${STORE_VERSION}-${modules}x${componentsPerModule}x${examplesPerComponent}x${windowTokens}`;
  return path.join(homedir(), '.cache', 'paramlens', 'bench', name);
}

function ensureStore(root: string): void {
  if (existsSync(path.join(root, READY_MARKER))) return;
  const script = path.join(__dirname, 'makeHarvestStore.ts');
  const made = spawnSync(process.execPath, ['--import', 'tsx', script, root], { stdio: 'inherit' });
  if (made.status !== 0) throw new Error(`writing the harvest store failed (exit ${made.status})`);
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? NaN;
  return Math.round(value * 100) / 100;
}

async function main(): Promise<void> {
  const root = storeRoot();
  ensureStore(root);
  const handles = new HarvestHandles();
  const cards = new HarvestCards(new RunLookup([root]), handles);
  const modules = syntheticModules(CARDS_BENCH_SHAPE);
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const uri = `file://${path.join(root, 'bench.decomp.yaml')}`;
  const documents = Array.from({ length: HOVERS + 1 }, () => {
    const module = modules[Math.floor(random() * modules.length)] ?? '';
    const text = `analysis:\n  components: [${module}:${Math.floor(random() * CARDS_BENCH_SHAPE.componentsPerModule)}]\n`;
    return { document: TextDocument.create(uri, 'yaml', 1, text), parsed: parseYaml(text) };
  });
  const position = { line: 1, character: 20 };
  const timings: number[] = [];
  // CPU time of this process per hover: on a machine busy with other work, closer to the hover's own cost.
  const cpuTimings: number[] = [];
  for (const [index, { document, parsed }] of documents.entries()) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const result = await hover(document, parsed, position, cards);
    const elapsed = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const markdown = (result?.contents as MarkupContent | undefined)?.value ?? '';
    if (!markdown.includes('Top examples'))
      throw new Error(`hover ${index} showed no examples:\n${markdown}`);
    // The first hover opens the database: a cost paid once per run, not per hover.
    if (index > 0) {
      timings.push(elapsed);
      cpuTimings.push((cpu.user + cpu.system) / 1000);
    }
  }
  const results = {
    card_hovers: HOVERS,
    card_subcomponents: CARDS_BENCH_SHAPE.modules * CARDS_BENCH_SHAPE.componentsPerModule,
    hover_p50_ms: percentile(timings, 0.5),
    hover_p95_ms: percentile(timings, 0.95),
    hover_cpu_p50_ms: percentile(cpuTimings, 0.5),
    hover_cpu_p95_ms: percentile(cpuTimings, 0.95),
    rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
  };
  // Closing ends the read transaction, which removes the database's lock directory.
  handles.dispose();
  console.log(JSON.stringify(results));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
