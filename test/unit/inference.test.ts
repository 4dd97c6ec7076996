// Pure parts of the language server's inference: masks, distributions, ID resolution, the export sidecar.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { interventionMask, fullMask } from '../../language-server/inference/componentMask';
import { klDivergence, logSoftmax, topK } from '../../language-server/inference/distributions';
import { InferenceError } from '../../language-server/inference/errors';
import { resolveInterventionIds } from '../../language-server/inference/interventionIds';
import type { ModuleSlice } from '../../language-server/inference/modelSidecar';
import { parseSidecar } from '../../language-server/inference/modelSidecar';

const MODULES: ModuleSlice[] = [
  { path: 'h.0.attn.q_proj', C: 2, offset: 0 },
  { path: 'h.0.mlp.c_fc', C: 3, offset: 2 },
  { path: 'h.1.mlp.down_proj', C: 2, offset: 5 },
];
const C_TOTAL = 7;

function rows(mask: Float32Array, width: number): number[][] {
  return Array.from({ length: mask.length / width }, (_, row) => [
    ...mask.subarray(row * width, (row + 1) * width),
  ]);
}

describe('component masks', () => {
  test('keep-only sets the selected columns to 1 at every position, or at a node’s position', () => {
    const selections = resolveInterventionIds(['h.0.mlp.c_fc:1', 'h.1.mlp.down_proj:2:0'], MODULES, 3);
    assert.deepEqual(rows(interventionMask('keep', selections, 3, C_TOTAL), C_TOTAL), [
      [0, 0, 0, 1, 0, 0, 0],
      [0, 0, 0, 1, 0, 0, 0],
      [0, 0, 0, 1, 0, 1, 0],
    ]);
  });

  test('ablation sets the selected columns to 0 and the rest to 1', () => {
    const selections = resolveInterventionIds(['0.attn.q:1', 'h.0.mlp.c_fc:0:2'], MODULES, 2);
    assert.deepEqual(rows(interventionMask('ablate', selections, 2, C_TOTAL), C_TOTAL), [
      [1, 0, 1, 1, 0, 1, 1],
      [1, 0, 1, 1, 1, 1, 1],
    ]);
  });

  test('keeping every subcomponent and ablating none both give the full mask', () => {
    const every = MODULES.flatMap((module) =>
      Array.from({ length: module.C }, (_, index) => `${module.path}:${index}`),
    );
    const full = fullMask(4, C_TOTAL);
    assert.deepEqual(interventionMask('keep', resolveInterventionIds(every, MODULES, 4), 4, C_TOTAL), full);
    assert.deepEqual(interventionMask('ablate', [], 4, C_TOTAL), full);
    assert.ok(full.every((value) => value === 1));
  });
});

describe('intervention IDs', () => {
  test('full, short and node IDs resolve to columns of the C layout', () => {
    assert.deepEqual(
      resolveInterventionIds(['h.0.mlp.c_fc:2', '1.mlp.down:1', 'h.0.attn.q_proj:4:0'], MODULES, 5),
      [
        { column: 4, position: undefined },
        { column: 6, position: undefined },
        { column: 0, position: 4 },
      ],
    );
  });

  const errors: [string, string][] = [
    [
      'h.9.mlp.c_fc:1',
      'h.9.mlp.c_fc:1: the run has no module h.9.mlp.c_fc; its modules are h.0.attn.q_proj, h.0.mlp.c_fc, h.1.mlp.down_proj.',
    ],
    [
      'h.0.mlp.c_fc:3',
      'h.0.mlp.c_fc:3: index 3 is out of range; h.0.mlp.c_fc has 3 subcomponents (indices 0–2).',
    ],
    [
      '1.mlp.down:2',
      '1.mlp.down:2: index 2 is out of range; h.1.mlp.down_proj has 2 subcomponents (indices 0–1).',
    ],
    [
      'h.0.mlp.c_fc:5:0',
      'h.0.mlp.c_fc:5:0: position 5 is out of range; the text has 5 tokens (positions 0–4).',
    ],
    [
      '0.attn.k:0',
      '0.attn.k:0: the run has no module 0.attn.k; its modules are h.0.attn.q_proj, h.0.mlp.c_fc, h.1.mlp.down_proj.',
    ],
    [
      'embed:2',
      'embed:2: pseudo-nodes (embed, output) have no mask; only subcomponents can be kept or ablated.',
    ],
    [
      'output:4:17',
      'output:4:17: pseudo-nodes (embed, output) have no mask; only subcomponents can be kept or ablated.',
    ],
    [
      'h.0.mlp.c_fc',
      '"h.0.mlp.c_fc" is not a subcomponent ID (h.1.mlp.down_proj:12, or the short 1.mlp.down:12) or a node ID ' +
        '(h.1.mlp.down_proj:3:12, position 3).',
    ],
  ];
  for (const [id, message] of errors) {
    test(`${id} is rejected with a message naming it and the valid range`, () => {
      assert.throws(
        () => resolveInterventionIds([id], MODULES, 5),
        (error: unknown) => error instanceof InferenceError && error.message === message,
      );
    });
  }
});

describe('distributions', () => {
  test('log softmax normalises and survives large logits', () => {
    const logProbs = logSoftmax([1000, 1000 + Math.log(3)]);
    assert.ok(Math.abs(Math.exp(logProbs[0] ?? NaN) - 0.25) < 1e-12);
    assert.ok(Math.abs(Math.exp(logProbs[1] ?? NaN) - 0.75) < 1e-12);
  });

  test('top-k gives the largest first, ties in index order, at most the number of values', () => {
    assert.deepEqual(topK([0.1, 0.5, 0.2, 0.5, 0.05], 3), [1, 3, 2]);
    assert.deepEqual(topK([3, 1], 5), [0, 1]);
    assert.deepEqual(topK([3, 1], 0), []);
  });

  test('KL divergence: zero for equal distributions, the textbook value otherwise', () => {
    const p = logSoftmax([0, 0]);
    assert.equal(klDivergence(p, p), 0);
    const q = [Math.log(0.25), Math.log(0.75)];
    const expected = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
    assert.ok(Math.abs(klDivergence(p, q) - expected) < 1e-12);
    assert.equal(klDivergence([0, -Infinity], [Math.log(0.5), Math.log(0.5)]), Math.log(2));
  });
});

describe('model.onnx.json', () => {
  const valid = {
    format_version: 1,
    run_id: 'r1',
    weights_step: 6,
    input_kind: 'tokens',
    modules: [
      { path: 'a', C: 2, offset: 0 },
      { path: 'b', C: 3, offset: 2 },
    ],
    C_total: 5,
    vocab_size: 10,
    opset: 18,
    tokenizer: 'tokenizer.json',
  };

  test('a valid sidecar gives the layout and an absolute tokenizer path', () => {
    assert.deepEqual(parseSidecar(valid, '/runs/r1'), {
      runId: 'r1',
      inputKind: 'tokens',
      modules: valid.modules,
      cTotal: 5,
      vocabSize: 10,
      maxSeqLen: null,
      tokenizer: '/runs/r1/tokenizer.json',
    });
  });

  test('offsets that do not follow the C layout are rejected', () => {
    assert.throws(
      () => parseSidecar({ ...valid, modules: [valid.modules[1], valid.modules[0]] }, '/runs/r1'),
      /modules\[0\] must be \{path, C, offset\} with offset 0/,
    );
    assert.throws(
      () => parseSidecar({ ...valid, C_total: 6 }, '/r'),
      /C_total is 6, but the modules' C add up to 5/,
    );
    assert.throws(
      () => parseSidecar({ ...valid, format_version: 2 }, '/r'),
      /format_version is 2, expected 1/,
    );
  });
});
