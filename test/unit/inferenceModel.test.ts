// The language server's inference on a real export run by onnxruntime-node: the tiny Llama example
// trained for a few steps and exported by `paramlens export-onnx` (test/support/onnxFixture.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fullMask, interventionMask } from '../../language-server/inference/componentMask';
import { InferenceError } from '../../language-server/inference/errors';
import { InferenceSessions } from '../../language-server/inference/inferenceSessions';
import { resolveInterventionIds } from '../../language-server/inference/interventionIds';
import type { LoadedModel } from '../../language-server/inference/loadedModel';
import { RunTokenizer } from '../../language-server/inference/runTokenizer';
import { ciForText, intervene } from '../../language-server/inference/requests';
import { EXPORTED_RUN_TIMEOUT_MS, exportedShortLlamaRun } from '../support/onnxFixture';
import { testPythonPath } from '../support/paths';

const PROMPT = 'The cat sat on the mat';

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((max, value, index) => Math.max(max, Math.abs(value - (b[index] as number))), 0);
}

function everySubcomponent(model: LoadedModel): string[] {
  return model.sidecar.modules.flatMap((module) =>
    Array.from({ length: module.C }, (_, index) => `${module.path}:${index}`),
  );
}

describe('inference with onnxruntime-node', { timeout: EXPORTED_RUN_TIMEOUT_MS }, () => {
  let runDir: string;
  let sessions: InferenceSessions;
  let model: LoadedModel;

  before(async () => {
    runDir = exportedShortLlamaRun();
    sessions = new InferenceSessions();
    model = await sessions.model(runDir);
  });

  after(() => sessions.dispose());

  test('tokenises as Python’s tokenizers does, unicode included', async () => {
    const texts = [PROMPT, 'héllo wörld — 日本語 🙂', '  two  spaces\n\nand lines', '<|endoftext|>next'];
    const script =
      'import json, sys\nfrom tokenizers import Tokenizer\n' +
      't = Tokenizer.from_file(sys.argv[1])\n' +
      'print(json.dumps([t.encode(s, add_special_tokens=False).ids for s in json.loads(sys.argv[2])]))';
    const tokenizerFile = path.join(runDir, 'tokenizer.json');
    const expected = JSON.parse(
      execFileSync(testPythonPath, ['-c', script, tokenizerFile, JSON.stringify(texts)], {
        encoding: 'utf8',
      }),
    ) as number[][];
    const tokenizer = await RunTokenizer.load(tokenizerFile);
    assert.deepEqual(
      texts.map((text) => tokenizer.encode(text)),
      expected,
    );
    assert.equal(
      tokenizer
        .tokens(tokenizer.encode(PROMPT))
        .map((token) => token.text)
        .join(''),
      PROMPT,
    );
  });

  test('keeping every subcomponent and ablating none both reproduce the unmasked logits', async () => {
    const ids = model.tokenizer.encode(PROMPT);
    const { cTotal, modules } = model.sidecar;
    const every = everySubcomponent(model);
    const keepAll = interventionMask(
      'keep',
      resolveInterventionIds(every, modules, ids.length),
      ids.length,
      cTotal,
    );
    const ablateNone = interventionMask('ablate', [], ids.length, cTotal);
    const unmasked = await model.forward(ids, [fullMask(ids.length, cTotal)]);
    assert.equal(maxAbsDifference((await model.forward(ids, [keepAll])).logits, unmasked.logits), 0);
    assert.equal(maxAbsDifference((await model.forward(ids, [ablateNone])).logits, unmasked.logits), 0);

    const keepAllResult = await intervene(model, { runDir, text: PROMPT, keep: every });
    assert.deepEqual(keepAllResult.predictions, keepAllResult.baseline);
    assert.equal(keepAllResult.klToUnmasked, 0);
    const ablateNoneResult = await intervene(model, { runDir, text: PROMPT, ablate: [] });
    assert.deepEqual(ablateNoneResult.predictions, ablateNoneResult.baseline);
    assert.equal(ablateNoneResult.klToUnmasked, 0);
  });

  test('a batch of mask sets gives each row what it gives alone', async () => {
    const ids = model.tokenizer.encode(PROMPT);
    const { cTotal } = model.sidecar;
    const zero = new Float32Array(ids.length * cTotal);
    const alone = await model.forward(ids, [zero]);
    const batched = await model.forward(ids, [fullMask(ids.length, cTotal), zero]);
    const half = batched.logits.length / 2;
    assert.ok(maxAbsDifference(batched.logits.subarray(half), alone.logits) < 1e-5);
  });

  test('masks change the prediction, and only from the masked position on; CI does not change', async () => {
    const ids = model.tokenizer.encode(PROMPT);
    const { cTotal, modules } = model.sidecar;
    const last = ids.length - 1;
    // Ablating every subcomponent at the last position leaves earlier positions' logits as they were.
    const atLast = modules.flatMap((module) =>
      Array.from({ length: module.C }, (_, index) => `${module.path}:${last}:${index}`),
    );
    const mask = interventionMask(
      'ablate',
      resolveInterventionIds(atLast, modules, ids.length),
      ids.length,
      cTotal,
    );
    const [masked, unmasked] = await Promise.all([
      model.forward(ids, [mask]),
      model.forward(ids, [fullMask(ids.length, cTotal)]),
    ]);
    const vocab = masked.vocabSize;
    const upToLast = (output: Float32Array): Float32Array => output.subarray(0, last * vocab);
    assert.ok(maxAbsDifference(upToLast(masked.logits), upToLast(unmasked.logits)) < 1e-5);
    assert.ok(maxAbsDifference(masked.logits, unmasked.logits) > 1e-2);
    assert.equal(maxAbsDifference(masked.ci, unmasked.ci), 0);

    const result = await intervene(model, { runDir, text: PROMPT, ablate: atLast, target: ' the', topK: 3 });
    assert.equal(result.predictions.length, 3);
    assert.ok(result.klToUnmasked > 0);
    assert.notEqual(result.targetProb, result.baselineTargetProb);
    const probs = result.predictions.map((prediction) => prediction.prob);
    assert.deepEqual(
      probs,
      [...probs].sort((a, b) => b - a),
    );
  });

  test('ciForText lists the subcomponents above the threshold, in position and C order', async () => {
    const result = await ciForText(model, { runDir, text: PROMPT, threshold: 0.5 });
    const ids = model.tokenizer.encode(PROMPT);
    const { ci } = await model.forward(ids, [fullMask(ids.length, model.sidecar.cTotal)]);
    assert.equal(result.active.length, ci.filter((value) => value > 0.5).length);
    assert.ok(result.active.length > 0);
    const keys = result.active.map(({ position, module, index }) => {
      const slice = model.sidecar.modules.find((candidate) => candidate.path === module);
      return position * model.sidecar.cTotal + (slice?.offset ?? NaN) + index;
    });
    assert.deepEqual(
      keys,
      [...keys].sort((a, b) => a - b),
    );
    assert.deepEqual(
      result.tokens.map((token) => token.id),
      ids,
    );
    assert.deepEqual(
      result.modules,
      model.sidecar.modules.map(({ path: modulePath, C }) => ({ path: modulePath, C })),
    );
  });

  test('bad requests get a message that says what was wrong', async () => {
    const rejects = (promise: Promise<unknown>, message: RegExp) =>
      assert.rejects(
        promise,
        (error: unknown) => error instanceof InferenceError && message.test(error.message),
      );
    await rejects(
      intervene(model, { runDir, text: PROMPT, keep: ['h.0.mlp.c_fc:300'] }),
      /index 300 is out of range; h\.0\.mlp\.c_fc has 256 subcomponents \(indices 0–255\)/,
    );
    await rejects(
      intervene(model, { runDir, text: PROMPT, target: ' matter of fact', keep: [] }),
      /is 4 tokens .*give a single token/,
    );
    await rejects(intervene(model, { runDir, text: PROMPT }), /exactly one of `keep`/);
    await rejects(ciForText(model, { runDir, text: '' }), /The text is empty/);
    await rejects(
      ciForText(model, { runDir, text: ' the'.repeat(200) }),
      /The text is 200 tokens; this model takes at most 128\./,
    );
  });
});

describe('inference sessions', { timeout: EXPORTED_RUN_TIMEOUT_MS }, () => {
  let copy: string;

  before(() => {
    copy = mkdtempSync(path.join(os.tmpdir(), 'paramlens-onnx-run-'));
    cpSync(exportedShortLlamaRun(), copy, { recursive: true });
  });

  after(() => rmSync(copy, { recursive: true, force: true }));

  test('are cached per run, reloaded when model.onnx changes, and freed when idle', async () => {
    const sessions = new InferenceSessions({ idleMs: 1_000 });
    const first = await sessions.model(copy);
    assert.equal(await sessions.model(copy), first);
    const later = new Date(Date.now() + 5_000);
    utimesSync(path.join(copy, 'model.onnx'), later, later);
    const reloaded = await sessions.model(copy);
    assert.notEqual(reloaded, first);
    assert.deepEqual(sessions.loadedRunDirs(), [copy]);
    for (let waited = 0; sessions.loadedRunDirs().length > 0 && waited < 100; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(sessions.loadedRunDirs(), []);
    sessions.dispose();
  });

  test('a missing onnxruntime binding is one clear error, and a later request tries again', async () => {
    let attempts = 0;
    const sessions = new InferenceSessions({
      loadRuntime: () => {
        attempts++;
        return Promise.reject(
          new Error("Cannot find module '../bin/napi-v6/linux/x64/onnxruntime_binding.node'"),
        );
      },
    });
    for (let request = 0; request < 2; request++) {
      await assert.rejects(sessions.model(copy), (error: unknown) => {
        assert.ok(error instanceof InferenceError);
        assert.match(
          error.message,
          /^onnxruntime-node could not be loaded \(Cannot find module .*onnxruntime_binding\.node'\)\. /,
        );
        assert.match(error.message, /reinstall the ParamLens extension/);
        return true;
      });
    }
    assert.equal(attempts, 2);
    assert.deepEqual(sessions.loadedRunDirs(), []);
  });

  test('a run without an export names the command that makes one', async () => {
    const sessions = new InferenceSessions();
    const bare = mkdtempSync(path.join(os.tmpdir(), 'paramlens-bare-run-'));
    try {
      await assert.rejects(sessions.model(bare), {
        message: `${bare} has no model.onnx. Run \`paramlens export-onnx ${bare}\` to export the run for inference.`,
      });
      await assert.rejects(sessions.model(path.join(bare, 'gone')), {
        message: `The run directory ${path.join(bare, 'gone')} does not exist.`,
      });
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
