// `npm run demo`: decomposes the SPD paper's first toy, TMS 5-2 (examples/tms_5-2.decomp.yaml), into
// runs/demo-tms_5-2 with the progress bar shown here, evaluates the result and prints how well it recovered
// the five features. The first run also trains the toy target (seconds) and caches it.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const paramlens = path.join(root, '.venv', 'bin', 'paramlens');
const config = 'examples/tms_5-2.decomp.yaml';
const runDir = 'runs/demo-tms_5-2';

if (!existsSync(paramlens)) {
  fail(`${paramlens} not found; run \`npm run setup:python\` (or \`npm run demo\`, which bootstraps) first`);
}
// Each demo starts afresh: decompose never reuses a run directory.
rmSync(path.join(root, runDir), { recursive: true, force: true });

const started = Date.now();
console.log(`ParamLens demo: decomposing ${config} into ${runDir}\n`);
// The progress bar is on stderr; stdout only repeats the run directory.
const decompose = spawnSync(paramlens, ['decompose', config, '--out', runDir], {
  cwd: root,
  stdio: ['inherit', 'ignore', 'inherit'],
});
if (decompose.status !== 0) fail(`paramlens decompose exited with ${decompose.status ?? decompose.signal}`);
const seconds = Math.round((Date.now() - started) / 1000);

const evaluation = spawnSync(paramlens, ['eval', runDir, '--json'], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (evaluation.status !== 0) fail(`paramlens eval exited with ${evaluation.status ?? evaluation.signal}`);
const report = JSON.parse(evaluation.stdout);

const perFeature = Object.entries(report.alive_per_feature)
  .map(([module, counts]) => `${module} [${counts.join(' ')}]`)
  .join(', ');
const clean = Object.values(report.alive_per_feature).every((counts) => counts.every((n) => n === 1));
console.log(`
Decomposed in ${seconds} s (step ${report.step}).
  mean max cosine similarity to the true feature mechanisms (mmcs): ${report.mmcs.toFixed(4)}
  alive subcomponents per feature: ${perFeature}${clean ? '  (one each: a clean decomposition)' : ''}
  reconstruction MSE: all subcomponents ${fmt(report.mse_unmasked)}, CI-masked ${fmt(report.mse_ci_masked)}, \
adversarial ${fmt(report.pgd_mse)}, all ablated ${fmt(report.mse_zero_masked)}
  run directory: ${runDir} (run.json, metrics.jsonl, checkpoints/, components.safetensors; docs/formats.md)
  evaluate again: .venv/bin/paramlens eval ${runDir}`);

function fmt(value) {
  return value.toExponential(2);
}

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}
