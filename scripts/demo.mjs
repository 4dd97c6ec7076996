// `npm run demo`: the main job, on the bundled language model, then on a toy.
//
// 1. A language model. Decomposes the built-in tiny Llama-style LM with VPD (examples/tiny_llama.decomp.yaml:
//    every attention and MLP matrix of both blocks, with the adversary; a few minutes on two CPU cores) into
//    runs/demo-tiny_llama, evaluates it, harvests every subcomponent's top-activating examples, computes the
//    attribution graph of the config's prompt, and draws it with the graph view's own layout and renderer to
//    demo-output/graph.svg and graph.png. The first run also trains the tiny LM on the bundled corpus.
// 2. A toy with a known answer. Decomposes TMS 5-2 (examples/tms_5-2.decomp.yaml) into runs/demo-tms_5-2 and
//    prints how well it recovered the five features, harvests it and graphs one input (features 1 and 3 on).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sqlite from 'node-sqlite3-wasm';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const paramlens = path.join(root, '.venv', 'bin', 'paramlens');
const lm = {
  config: 'examples/tiny_llama.decomp.yaml',
  runDir: 'runs/demo-tiny_llama',
  prompt: 'The cat sat on the mat',
};
// Tokens to harvest from the corpus: enough for every alive subcomponent to show its strongest contexts.
const lmHarvestTokens = 100_000;
const outputDir = 'demo-output';
const config = 'examples/tms_5-2.decomp.yaml';
const runDir = 'runs/demo-tms_5-2';
// A toy reads feature vectors, and the config's analysis section holds text prompts only, so the input to
// graph is given here: features 1 and 3 on, the rest off.
const graphFeatures = [1, 3];
// Samples to harvest: each feature is on in 5% of them, so every subcomponent that reads one fires
// thousands of times, in seconds (the default, 2M samples, takes about a minute).
const harvestSamples = 200_000;

if (!existsSync(paramlens)) {
  fail(`${paramlens} not found; run \`npm run setup:python\` (or \`npm run demo\`, which bootstraps) first`);
}
// Each demo starts afresh: decompose never reuses a run directory.
rmSync(path.join(root, lm.runDir), { recursive: true, force: true });
rmSync(path.join(root, runDir), { recursive: true, force: true });
mkdirSync(path.join(root, outputDir), { recursive: true });

languageModelPart();

const started = Date.now();
console.log(`\nParamLens demo, part 2: decomposing the toy ${config} into ${runDir}\n`);
// Progress bars are on stderr; stdout only repeats the run directory.
run(['decompose', config, '--out', runDir], 'ignore');
const seconds = Math.round((Date.now() - started) / 1000);

const report = JSON.parse(run(['eval', runDir, '--json']));
// Each feature alone: how many subcomponents it makes important in each matrix.
const perFeature = Object.entries(report.important_per_feature)
  .map(([module, counts]) => `${module} [${counts.join(' ')}]`)
  .join(', ');
const clean = Object.values(report.important_per_feature).every((counts) => counts.every((n) => n === 1));
console.log(`
Decomposed in ${seconds} s (step ${report.step}).
  mean max cosine similarity to the true feature mechanisms (mmcs): ${report.mmcs.toFixed(4)}
  important subcomponents per feature: ${perFeature}${clean ? '  (one each: a clean decomposition)' : ''}
  reconstruction MSE: all subcomponents ${fmt(report.mse_unmasked)}, CI-masked ${fmt(report.mse_ci_masked)}, \
adversarial ${fmt(report.pgd_mse)}, all ablated ${fmt(report.mse_zero_masked)}
  run directory: ${runDir} (run.json, metrics.jsonl, checkpoints/, components.safetensors; docs/formats.md)
  evaluate again: .venv/bin/paramlens eval ${runDir}
`);

console.log(
  `Harvesting ${harvestSamples.toLocaleString('en')} samples and graphing the input with features ${graphFeatures.join(' and ')} on\n`,
);
const analysisStarted = Date.now();
const harvestPath = run(['harvest', runDir, '--tokens', String(harvestSamples)]).trim();
const features = graphFeatures.join(',');
const graph = JSON.parse(run(['graph', runDir, '--features', features, '--json']));
const harvest = readHarvest(path.resolve(root, harvestPath), graphFeatures[0]);
const graphPath = path.resolve(root, graph.path);

const alive = harvest.modules.map((m) => `${m.module} ${m.alive} of ${m.total}`).join(', ');
const card = harvest.card;
const cardText = card
  ? `Feature ${card.feature} is read by ${card.id}, which fires (CI > ${harvest.threshold}) on ` +
    `${(100 * card.density).toFixed(1)}% of samples with mean CI ${card.meanCi.toFixed(3)}; its strongest ` +
    `of ${card.examples} examples has features [${card.top.features.join(', ')}] on, CI ` +
    `${card.top.ci.toFixed(2)}, activation ${card.top.activation.toFixed(2)}.`
  : `No alive subcomponent fires with feature ${graphFeatures[0]}.`;
const components = componentIds(graphPath);
const outputs = graph.top_outputs.map((o) => `${o.token} (${o.probability.toFixed(2)})`).join(', ');
const analysisSeconds = Math.round((Date.now() - analysisStarted) / 1000);
console.log(`
Analysed in ${analysisSeconds} s. The harvest read ${harvest.samples.toLocaleString('en')} samples: \
${harvest.aliveTotal} subcomponents are alive (${alive}). ${cardText} \
The attribution graph of the input with features ${graphFeatures.join(' and ')} on has ${graph.nodes} nodes \
(${graph.component_nodes} subcomponents: ${components.join(', ')}) and ${graph.edges} edges; its output nodes: ${outputs}.
  harvest: ${harvestPath} (any SQLite tool reads it; docs/formats.md)
  graph:   ${path.relative(root, graphPath)}
  open it in VS Code: open the file, then run "ParamLens: Open Attribution Graph" from the command palette
  graph another input: .venv/bin/paramlens graph ${runDir} --input 0=1,4=0.5`);

/** Part 1: decompose, evaluate, harvest and graph the tiny LM; draw the graph to demo-output/. */
function languageModelPart() {
  const started = Date.now();
  console.log(
    `ParamLens demo, part 1: decomposing the language model of ${lm.config} into ${lm.runDir} (VPD)\n`,
  );
  run(['decompose', lm.config, '--out', lm.runDir], 'ignore');
  const seconds = Math.round((Date.now() - started) / 1000);
  const report = JSON.parse(run(['eval', lm.runDir, '--json']));
  const alive = Object.entries(report.alive)
    .map(([module, count]) => `${module} ${count}`)
    .join(', ');
  console.log(`
Decomposed in ${seconds} s (step ${report.step}).
  KL from the target's next-token distribution: all subcomponents ${fmt(report.kl_unmasked)}, CI-masked \
${fmt(report.kl_ci_masked)}, under a fresh adversary ${fmt(report.pgd_kl)}, all ablated ${fmt(report.kl_zero_masked)}
  cross-entropy: target ${report.ce_target.toFixed(3)}, CI-masked ${report.ce_ci_masked.toFixed(3)} \
(${(100 * (report.ce_unrecovered_ci_masked ?? 0)).toFixed(1)}% of the ablation gap unrecovered)
  L0 (subcomponents causally important per token, all matrices): ${report.l0_total.toFixed(1)}
  alive subcomponents: ${report.alive_total} (${alive})
`);
  console.log(`Harvesting ${lmHarvestTokens.toLocaleString('en')} tokens and graphing "${lm.prompt}"\n`);
  const harvestPath = run(['harvest', lm.runDir, '--tokens', String(lmHarvestTokens)]).trim();
  const graph = JSON.parse(run(['graph', lm.runDir, '--prompt', lm.prompt, '--json']));
  const imageBase = path.join(outputDir, 'graph');
  const image = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/graphImage.ts', graph.path, imageBase],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (image.status !== 0) fail(`drawing the graph exited with ${image.status ?? image.signal}`);
  const drawn = JSON.parse(image.stdout);
  const outputs = graph.top_outputs
    .map((o) => `${JSON.stringify(o.token)} (${o.probability.toFixed(2)})`)
    .join(', ');
  console.log(`Graph of "${lm.prompt}": ${graph.nodes} nodes (${graph.component_nodes} subcomponents), \
${graph.edges} edges; the model predicts ${outputs}.
  run directory: ${lm.runDir} (run.json, metrics.jsonl, components.safetensors; docs/formats.md)
  harvest:       ${harvestPath}
  graph:         ${path.relative(root, path.resolve(root, graph.path))}
  drawn:         ${drawn.svg} and ${drawn.png} (${drawn.width} × ${drawn.height})
  in VS Code:    open this folder, then "ParamLens: Open Attribution Graph" on the graph file; hover an ID
                 such as h.1.mlp.down_proj:12 in ${lm.config} for its examples`);
}

/** Runs `paramlens ARGS` with its progress on this terminal and returns its stdout (unless ignored). */
function run(args, stdout = 'pipe') {
  const done = spawnSync(paramlens, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', stdout, 'inherit'],
  });
  if (done.status !== 0) fail(`paramlens ${args[0]} exited with ${done.status ?? done.signal}`);
  return done.stdout ?? '';
}

/** Alive counts per module, and the card of the alive first-layer subcomponent most tied to `feature`. */
function readHarvest(file, feature) {
  const database = new sqlite.Database(file, { readOnly: true, fileMustExist: true });
  try {
    const meta = Object.fromEntries(database.all('SELECT key, value FROM meta').map((r) => [r.key, r.value]));
    const modules = database.all(
      'SELECT module, SUM(alive) AS alive, COUNT(*) AS total FROM components GROUP BY module ORDER BY module',
    );
    // The subcomponent whose firing goes most with this feature being on: the highest input PMI.
    const best = database.get(
      `SELECT c.module, c.component, c.density, c.mean_ci, c.n_examples FROM input_token_pmi p
       JOIN components c USING (module, component)
       WHERE p.token_id = ? AND c.alive = 1 ORDER BY c.module, p.pmi DESC LIMIT 1`,
      [feature],
    );
    const top =
      best &&
      database.get(
        'SELECT ci, activation, token_ids FROM examples WHERE module = ? AND component = ? AND rank = 0',
        [best.module, best.component],
      );
    return {
      samples: Number(meta.n_tokens),
      threshold: meta.ci_threshold,
      modules,
      aliveTotal: modules.reduce((sum, m) => sum + m.alive, 0),
      card: best && {
        feature,
        id: `${best.module}:${best.component}`,
        density: best.density,
        meanCi: best.mean_ci,
        examples: best.n_examples,
        top: { ci: top.ci, activation: top.activation, features: JSON.parse(top.token_ids) },
      },
    };
  } finally {
    database.close();
  }
}

/** The subcomponents (module:index) that are nodes of the graph file at `file`. */
function componentIds(file) {
  const nodes = JSON.parse(readFileSync(file, 'utf8')).nodes;
  return nodes.filter((n) => n.kind === 'component').map((n) => `${n.module}:${n.component}`);
}

function fmt(value) {
  return value.toExponential(2);
}

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}
