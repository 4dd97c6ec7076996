import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InsertTextFormat, InsertTextMode, type CompletionItem, type TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseYaml } from '../../language-server/documents';
import { configSchema } from '../../language-server/schema/jsonSchema';
import { completion } from '../../language-server/services/completion';
import { caretPosition } from './testUtils/caret';

const ROOT_KEYS = Object.keys(configSchema.properties ?? {});
const TRAINING_KEYS = Object.keys(configSchema.$defs?.Training?.properties ?? {});

function complete(textWithCaret: string, triggerCharacter?: string): CompletionItem[] {
  const { text, position } = caretPosition(textWithCaret);
  const document = TextDocument.create('file:///work/tiny.decomp.yaml', 'yaml', 1, text);
  return completion(document, parseYaml(text), position, triggerCharacter);
}

function labels(textWithCaret: string, triggerCharacter?: string): string[] {
  return complete(textWithCaret, triggerCharacter).map((item) => item.label);
}

/** The items sorted as the editor shows them. */
function sorted(items: CompletionItem[]): string[] {
  return [...items]
    .sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''))
    .map((item) => item.label);
}

function edit(item: CompletionItem | undefined): TextEdit {
  assert.ok(item?.textEdit && 'range' in item.textEdit, 'expected a text edit');
  return item.textEdit;
}

describe('completion of keys', () => {
  test('an empty file offers every top-level key, required ones first', () => {
    const items = complete('|');
    assert.deepEqual(new Set(labels('|')), new Set(ROOT_KEYS));
    assert.deepEqual(sorted(items).slice(0, 4), ['method', 'target', 'data', 'modules']);
  });

  test('a key gets its description as markdown documentation', () => {
    const lr = complete('training:\n  |').find((item) => item.label === 'lr');
    assert.deepEqual(lr?.documentation, {
      kind: 'markdown',
      value:
        '**training.lr** · a number greater than 0\n\nPeak learning rate. Preset — spd: 0.001; vpd: 5e-05.',
    });
    assert.equal(lr?.detail, 'a number greater than 0');
  });

  test('keys already present are not offered again', () => {
    const offered = labels('method: spd\nseed: 1\n|\ntraining:\n  steps: 5\n');
    assert.deepEqual(
      offered,
      ROOT_KEYS.filter((key) => !['method', 'seed', 'training'].includes(key)),
    );
  });

  test('on an empty indented line, the keys of the mapping the indentation puts it in', () => {
    assert.deepEqual(
      labels('method: spd\ntraining:\n  steps: 5\n  |\nlogging:\n  log_every: 10\n'),
      TRAINING_KEYS.filter((key) => key !== 'steps'),
    );
    assert.deepEqual(labels('training:\n  lr_schedule:\n    kind: cosine\n    |'), [
      'warmup_frac',
      'final_frac',
    ]);
    // Dedented back to the top level.
    assert.ok(labels('training:\n  steps: 5\n|').includes('logging'));
  });

  test('under a key with no value yet', () => {
    assert.deepEqual(labels('data:\n  |'), ['synthetic', 'text', 'tokens']);
  });

  test('inside a list item, on the item line and below it', () => {
    assert.deepEqual(labels('modules:\n  - |'), ['pattern', 'C', 'transpose_of']);
    assert.deepEqual(labels('modules:\n  - pattern: linear1\n    |'), ['C', 'transpose_of']);
    assert.deepEqual(labels('modules:\n- pattern: a\n  C: 1\n- pattern: b\n  |'), ['C', 'transpose_of']);
    assert.deepEqual(labels('analysis:\n  prompts:\n    - prompt: hi\n      |'), ['name']);
  });

  test('the type of a CI function decides its keys', () => {
    assert.deepEqual(labels('ci_function:\n  type: mlp\n  |'), ['hidden_dims']);
    assert.ok(labels('ci_function:\n  |').includes('d_model'));
  });

  test('a partly typed key is replaced whole, with what follows its colon', () => {
    const items = complete('training:\n  ba|');
    const batch = items.find((item) => item.label === 'batch_size');
    assert.deepEqual(edit(batch), {
      range: { start: { line: 1, character: 2 }, end: { line: 1, character: 4 } },
      newText: 'batch_size: $0',
    });
    assert.equal(batch?.insertTextFormat, InsertTextFormat.Snippet);
    assert.equal(batch?.insertTextMode, InsertTextMode.asIs);
    // Over an existing `key: value`, only the key changes.
    assert.equal(
      edit(complete('training:\n  ste|ps: 5').find((item) => item.label === 'steps')).newText,
      'steps',
    );
  });

  test('a mapping or a list opens an indented line', () => {
    const items = complete('training:\n  |');
    assert.equal(edit(items.find((item) => item.label === 'lr_schedule')).newText, 'lr_schedule:\n    $0');
    assert.equal(edit(complete('|').find((item) => item.label === 'modules')).newText, 'modules:\n  - $0');
    assert.equal(edit(complete('modules:\n  - |').find((item) => item.label === 'C')).newText, 'C: $0');
  });

  test('a space after indentation offers no keys, so that typing is not interrupted', () => {
    assert.deepEqual(labels('training:\n  |', ' '), []);
  });

  test('nothing in a reference-format file, in a list of scalars, or in a comment', () => {
    assert.deepEqual(labels('module_info:\n  - module_pattern: a\n    |'), []);
    assert.deepEqual(labels('training:\n  steps: 5\n  # a note |'), []);
    assert.deepEqual(labels('ci_function:\n  hidden_dims:\n    - |'), []);
  });
});

describe('completion of values', () => {
  test('the values of an enum after `key: `', () => {
    assert.deepEqual(labels('method: |'), ['spd', 'vpd']);
    assert.deepEqual(labels('training:\n  lr_schedule:\n    kind: |'), ['cosine', 'linear', 'constant']);
  });

  test('every CI function type after `type: `, each with what it is', () => {
    const items = complete('ci_function:\n  type: |');
    assert.deepEqual(
      items.map((item) => item.label),
      ['mlp', 'vector_mlp', 'shared_mlp', 'global_transformer'],
    );
    assert.deepEqual(items[1]?.documentation, {
      kind: 'markdown',
      value: "One MLP per subcomponent on the module's whole input vector.",
    });
  });

  test('also when the space that starts the value triggers completion', () => {
    assert.deepEqual(labels('method: |', ' '), ['spd', 'vpd']);
  });

  test('booleans, and null where a key may be switched off', () => {
    assert.deepEqual(labels('training:\n  autocast_bf16: |'), ['true', 'false']);
    assert.deepEqual(labels('losses:\n  stochastic_recon: |'), ['null']);
  });

  test('a partly typed value is replaced whole', () => {
    const builtin = complete('target:\n  builtin: tms_4|0').find((item) => item.label === 'tms_40-10');
    assert.deepEqual(edit(builtin), {
      range: { start: { line: 1, character: 11 }, end: { line: 1, character: 17 } },
      newText: 'tms_40-10',
    });
  });

  test('deep in the file, and nothing for a free-form value', () => {
    assert.deepEqual(labels('losses:\n  ppgd_recon:\n    routing: |'), ['all', 'uniform_k_subset']);
    assert.deepEqual(labels('modules:\n  - pattern: |'), []);
  });
});
