// Times `paramlens/intervene` and `paramlens/ciForText` on a 64-token prompt through onnxruntime-node, on
// the export of a short run of examples/tiny_llama.decomp.yaml (vocabulary 4096, 2 layers, width 128).
// Figures are wall-clock milliseconds of the request function on a loaded session; the first load, once
// per run and idle period, is reported on its own.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InferenceSessions } from '../language-server/inference/inferenceSessions';
import { ciForText, intervene } from '../language-server/inference/requests';
import { exportedShortLlamaRun } from '../test/support/onnxFixture';

const PROMPT_TOKENS = 64;
const WARMUP = 5;
const RUNS = 60;

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? NaN;
  return Math.round(value * 10) / 10;
}

interface Timings {
  /** Wall-clock milliseconds per run. */
  wall: number[];
  /** CPU milliseconds of this process per run, all threads: on a busy machine, closer to the cost alone. */
  cpu: number[];
}

async function timings(run: () => Promise<unknown>): Promise<Timings> {
  for (let index = 0; index < WARMUP; index++) await run();
  const result: Timings = { wall: [], cpu: [] };
  for (let index = 0; index < RUNS; index++) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await run();
    const cpu = process.cpuUsage(cpuBefore);
    result.wall.push(performance.now() - started);
    result.cpu.push((cpu.user + cpu.system) / 1000);
  }
  return result;
}

/** The start of the example corpus, as long as fits in `PROMPT_TOKENS` tokens. */
function promptOf(encode: (text: string) => number[]): string {
  const corpus = readFileSync(path.join(__dirname, '..', 'examples', 'data', 'kjv.txt'), 'utf8');
  const words = corpus.slice(0, 4000).split(/(?=\s)/);
  let prompt = '';
  for (const word of words) {
    if (encode(prompt + word).length > PROMPT_TOKENS) break;
    prompt += word;
  }
  // The last word may not fit whole: letters of it make up the count.
  const next = words[prompt.split(/(?=\s)/).length] ?? '';
  for (const letter of next) {
    if (encode(prompt + letter).length > PROMPT_TOKENS) break;
    prompt += letter;
  }
  return prompt;
}

export async function measureInference(): Promise<Record<string, number>> {
  const runDir = exportedShortLlamaRun();
  const sessions = new InferenceSessions();
  const loadStarted = performance.now();
  const model = await sessions.model(runDir);
  const loadMs = performance.now() - loadStarted;
  const text = promptOf((prompt) => model.tokenizer.encode(prompt));
  const ablate = ['h.0.mlp.c_fc:3', 'h.1.mlp.down_proj:12', '1.attn.q:5', 'h.0.attn.v_proj:10:7'];
  const interventions = await timings(() => intervene(model, { runDir, text, ablate, target: ' the' }));
  const ci = await timings(() => ciForText(model, { runDir, text }));
  sessions.dispose();
  const results = {
    intervene_tokens: model.tokenizer.encode(text).length,
    intervene_p50_ms: percentile(interventions.wall, 0.5),
    intervene_p95_ms: percentile(interventions.wall, 0.95),
    intervene_cpu_p50_ms: percentile(interventions.cpu, 0.5),
    ci_for_text_p95_ms: percentile(ci.wall, 0.95),
    onnx_session_load_ms: Math.round(loadMs),
  };
  console.log(`inference: ${JSON.stringify(results)}`);
  return results;
}
