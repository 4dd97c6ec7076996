import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { displayToken, formatProbability, shortModuleName } from '../../webview/graphView/labels';

describe('graph view labels', () => {
  test('shortens module paths of common model classes to canonical names', () => {
    const cases: [string, string][] = [
      ['h.0.attn.o_proj', '0.attn.o'],
      ['h.1.mlp.c_fc', '1.mlp.up'],
      ['h.2.mlp.down_proj', '2.mlp.down'],
      ['model.layers.3.self_attn.q_proj', '3.attn.q'],
      ['transformer.h.1.attn.c_attn', '1.attn.c_attn'],
      ['layers.0.mlp_in', '0.mlp_in'],
      ['linear1', 'linear1'],
    ];
    for (const [path, short] of cases) assert.equal(shortModuleName(path), short, path);
  });

  test('keeps whitespace tokens visible and on one line', () => {
    assert.equal(displayToken(' cat'), 'cat');
    assert.equal(displayToken(' '), '␣');
    assert.equal(displayToken('\n'), '↵');
    assert.equal(displayToken('a\nb'), 'a↵b');
  });

  test('writes probabilities as percentages with a decimal below 10 %', () => {
    assert.equal(formatProbability(0.41), '41%');
    assert.equal(formatProbability(0.09), '9.0%');
    assert.equal(formatProbability(1), '100%');
  });
});
