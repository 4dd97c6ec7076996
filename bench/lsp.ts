// Times the language server's services on 1 MB configs, in-process: parsing, diagnostics (parse, syntax
// and schema, as published on every change), and completion and hover at the end of the file on a cached
// parse. Figures are p50 milliseconds; `diagnostics_1mb_ms` is the slower of the two shapes. The last line
// of stdout is one JSON object. Run with `npm run bench:lsp`. The inference figures come from inference.ts;
// the subcomponent-card figures (`hover_p50_ms`, `hover_p95_ms`, `rss_mb`) from lspCards.ts.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseYaml } from '../language-server/documents';
import { idOnlyCards } from '../language-server/services/componentCards';
import { completion } from '../language-server/services/completion';
import { configDiagnostics } from '../language-server/services/configDiagnostics';
import { hover } from '../language-server/services/hover';
import { schemaDiagnostics } from '../language-server/services/schemaDiagnostics';
import { measureInference } from './inference';
import { configWithManyModules, configWithManyPrompts } from './largeConfig';

const BYTES = 1_000_000;
const RUNS = 7;

interface Timings {
  /** Wall-clock milliseconds per run. */
  wall: number[];
  /** CPU milliseconds of this process per run: on a machine busy with other work, closer to the cost alone. */
  cpu: number[];
}

async function time(run: () => unknown): Promise<Timings> {
  await run();
  const timings: Timings = { wall: [], cpu: [] };
  for (let index = 0; index < RUNS; index++) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await run();
    const cpu = process.cpuUsage(cpuBefore);
    timings.wall.push(performance.now() - started);
    timings.cpu.push((cpu.user + cpu.system) / 1000);
  }
  return timings;
}

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.floor(sorted.length / 2)] ?? NaN) * 10) / 10;
}

async function measure(name: string, text: string): Promise<Record<string, number>> {
  const document = TextDocument.create('file:///bench/large.decomp.yaml', 'yaml', 1, text);
  const parsed = parseYaml(text);
  const end = document.positionAt(text.length);
  const problems = configDiagnostics(document, parsed).length;
  if (problems !== 0) throw new Error(`${name}: expected a valid config, got ${problems} diagnostics`);
  const diagnostics = await time(() => configDiagnostics(document, parseYaml(text)));
  const results = {
    [`${name}_bytes`]: text.length,
    [`${name}_parse_ms`]: p50((await time(() => parseYaml(text))).wall),
    [`${name}_schema_ms`]: p50((await time(() => schemaDiagnostics(document, parsed))).wall),
    [`${name}_diagnostics_ms`]: p50(diagnostics.wall),
    [`${name}_diagnostics_cpu_ms`]: p50(diagnostics.cpu),
    [`${name}_completion_ms`]: p50((await time(() => completion(document, parsed, end))).wall),
    [`${name}_hover_ms`]: p50((await time(() => hover(document, parsed, end, idOnlyCards))).wall),
  };
  console.log(`${name}: ${JSON.stringify(results)}`);
  return results;
}

/** Card hovers on a large harvest, in a child process so that its RSS is theirs alone. */
function measureCards(): Record<string, number> {
  const output = execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'lspCards.ts')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
}

async function main(): Promise<void> {
  const prompts = await measure('prompts_1mb', configWithManyPrompts(BYTES));
  const modules = await measure('modules_1mb', configWithManyModules(BYTES));
  const diagnostics = Math.max(
    prompts.prompts_1mb_diagnostics_ms ?? NaN,
    modules.modules_1mb_diagnostics_ms ?? NaN,
  );
  const inference = await measureInference();
  const cards = measureCards();
  console.log(
    JSON.stringify({
      runs: RUNS,
      diagnostics_1mb_ms: diagnostics,
      ...prompts,
      ...modules,
      ...inference,
      ...cards,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
