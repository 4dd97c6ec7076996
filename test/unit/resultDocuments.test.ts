import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluationMarkdown, interventionMarkdown } from '../../extension/resultDocuments';
import type { InterventionResult } from '../../protocol/serverApi';

const lmResult: InterventionResult = {
  run_id: 'tiny-1',
  weights_step: 400,
  engine: 'torch',
  prompt: 'The cat sat',
  tokens: [
    { id: 1, text: 'The' },
    { id: 2, text: ' cat' },
    { id: 3, text: ' sat' },
  ],
  mode: 'ablate',
  ids: ['h.1.mlp.down_proj:12'],
  target: { id: 9, text: ' on' },
  positions: [
    {
      position: 2,
      token: { id: 3, text: ' sat' },
      predictions: [{ id: 9, token: ' on', probability: 0.25 }],
      baseline: [
        { id: 9, token: ' on', probability: 0.5 },
        { id: 8, token: '`', probability: 0.1 },
      ],
      target_probability: 0.25,
      baseline_target_probability: 0.5,
      kl_to_unmasked: 0.1234,
    },
  ],
  input_kind: 'tokens',
  features: null,
  outputs: null,
};

describe('intervention documents', () => {
  test('a language model’s: what was ablated, the ranked predictions beside the unmasked ones, the target', () => {
    const lines = interventionMarkdown(lmResult).split('\n');
    assert.equal(lines[0], '# Intervention on tiny-1');
    assert.ok(
      lines.includes('Ablating `h.1.mlp.down_proj:12` on `The cat sat` (weights of step 400, torch).'),
    );
    assert.ok(lines.includes('| 1 | ` on` | 25.0% | ` on` | 50.0% |'));
    // A row for every rank either side has; a backtick token is escaped.
    assert.ok(lines.includes('| 2 |  |  | `\\`` | 10.0% |'));
    assert.ok(lines.some((line) => line.startsWith('Target ` on`: 25.0% (unmasked 50.0%)')));
    assert.ok(lines.some((line) => line.includes('KL(unmasked ‖ intervened) = 0.123 nats')));
  });

  test('a toy’s: every output beside the unmasked value', () => {
    const toy: InterventionResult = {
      ...lmResult,
      mode: 'keep',
      prompt: '1=1',
      positions: [],
      target: null,
      input_kind: 'features',
      features: { '1': 1 },
      outputs: {
        values: [0, 0.9],
        baseline: [0, 1],
        mse_to_unmasked: 0.005,
        target_value: null,
        baseline_target_value: null,
      },
    };
    const text = interventionMarkdown(toy);
    assert.match(text, /^Keeping only/m);
    assert.match(text, /^\| 1 \| 0\.9000 \| 1\.0000 \|$/m);
    assert.match(text, /mean squared difference from the unmasked model 0\.00500/);
  });

  test('an evaluation: one row per metric, nested ones named by their path', () => {
    const text = evaluationMarkdown({
      run_id: 'tms-1',
      step: 5000,
      weights: 'components.safetensors',
      mse_unmasked: 9.407e-11,
      l0_total: 0.4211,
      alive: { linear1: 5, linear2: 5 },
      mmcs: 0.9961,
    });
    assert.match(text, /^# Evaluation of tms-1$/m);
    assert.match(text, /^Step 5000, weights `components\.safetensors`/m);
    assert.match(text, /^\| mse_unmasked \| 9\.407e-11 \|$/m);
    assert.match(text, /^\| l0_total \| 0\.4211 \|$/m);
    assert.match(text, /^\| alive · linear1 \| 5 \|$/m);
    assert.doesNotMatch(text, /run_id \|/);
  });
});
