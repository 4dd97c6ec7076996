import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { configWithManyPrompts } from '../../bench/largeConfig';
import { parseYaml } from '../../language-server/documents';
import { configSchema } from '../../language-server/schema/jsonSchema';
import { configDiagnostics } from '../../language-server/services/configDiagnostics';
import { REFERENCE_MARKERS } from '../../language-server/services/referenceFormat';

const repositoryRoot = path.resolve(__dirname, '../..');
const examplesDirectory = path.join(repositoryRoot, 'examples');
const referenceDirectory = path.join(repositoryRoot, 'server/tests/config/fixtures/reference');
const tms = readFileSync(path.join(import.meta.dirname, 'fixtures', 'tms_5-2.decomp.yaml'), 'utf8');

function diagnose(text: string): Diagnostic[] {
  const document = TextDocument.create('file:///work/tiny.decomp.yaml', 'yaml', 1, text);
  return configDiagnostics(document, parseYaml(text));
}

/** The diagnostics as [code, message] pairs, for tests about what is said rather than where. */
function said(text: string): [unknown, string][] {
  return diagnose(text).map(({ code, message }) => [
    code,
    typeof message === 'string' ? message : message.value,
  ]);
}

/** The range of `part` in `text`: its `occurrence`-th appearance, or its first after `after`. */
function rangeOf(text: string, part: string, occurrence: number | { after: string } = 1): Range {
  let offset = typeof occurrence === 'number' ? -1 : text.indexOf(occurrence.after);
  const count = typeof occurrence === 'number' ? occurrence : 1;
  for (let seen = 0; seen < count; seen++) offset = text.indexOf(part, offset + 1);
  assert.notEqual(offset, -1, `${JSON.stringify(part)} is not in the text`);
  const document = TextDocument.create('file:///x', 'yaml', 1, text);
  return { start: document.positionAt(offset), end: document.positionAt(offset + part.length) };
}

/** The TMS 5-2 fixture with `from` replaced by `to`. */
function tmsWith(from: string, to: string): string {
  assert.ok(tms.includes(from), `${JSON.stringify(from)} is not in the fixture`);
  return tms.replace(from, to);
}

function schemaError(code: string, message: string, range: Range, replacements?: string[]): Diagnostic {
  const diagnostic: Diagnostic = {
    range,
    severity: DiagnosticSeverity.Error,
    source: 'paramlens',
    code,
    message,
  };
  return replacements === undefined ? diagnostic : { ...diagnostic, data: { replacements } };
}

describe('schema diagnostics', () => {
  for (const file of readdirSync(examplesDirectory).filter((name) => name.endsWith('.decomp.yaml'))) {
    test(`the example ${file} has no diagnostics`, () => {
      assert.deepEqual(diagnose(readFileSync(path.join(examplesDirectory, file), 'utf8')), []);
    });
  }

  test('a misspelt key is marked exactly, with the closest allowed key', () => {
    const text = tmsWith('training:', 'trainig:');
    assert.deepEqual(diagnose(text), [
      schemaError(
        'UNKNOWN_KEY',
        'trainig: unknown key `trainig`; did you mean `training`?',
        rangeOf(text, 'trainig'),
        ['training'],
      ),
    ]);
  });

  test('a nested misspelt key names its whole path, and a swap of two letters is one edit', () => {
    const text = tmsWith('  steps: 10000', '  setps: 10000');
    assert.deepEqual(diagnose(text), [
      schemaError(
        'UNKNOWN_KEY',
        'training.setps: unknown key `setps`; did you mean `steps`?',
        rangeOf(text, 'setps'),
        ['steps'],
      ),
    ]);
  });

  test('a key far from every allowed one lists the allowed keys', () => {
    const allowed = Object.keys(configSchema.$defs?.Logging?.properties ?? {}).map((key) => `\`${key}\``);
    assert.deepEqual(said(tmsWith('  log_every: 100', '  wandb_project: spd')), [
      [
        'UNKNOWN_KEY',
        `logging.wandb_project: unknown key \`wandb_project\`; expected one of ${allowed.slice(0, -1).join(', ')} ` +
          `or ${allowed.at(-1)}`,
      ],
    ]);
  });

  test('a wrong type marks the value', () => {
    const text = tmsWith('lr: 1.0e-3', 'lr: fast');
    assert.deepEqual(diagnose(text), [
      schemaError('WRONG_TYPE', 'training.lr: expected a number, found a string', rangeOf(text, 'fast')),
    ]);
  });

  test('a fraction where an integer belongs, and an empty value, are wrong types', () => {
    assert.deepEqual(said(tmsWith('steps: 10000', 'steps: 100.5')), [
      ['WRONG_TYPE', 'training.steps: expected an integer, found a number'],
    ]);
    const empty = tmsWith('seed: 0', 'seed:');
    assert.deepEqual(diagnose(empty), [
      schemaError('WRONG_TYPE', 'seed: expected an integer, found an empty value', rangeOf(empty, 'seed')),
    ]);
  });

  test('a value outside the allowed ones lists them, with the closest as a fix', () => {
    const text = tmsWith('method: spd', 'method: sdp');
    assert.deepEqual(diagnose(text), [
      schemaError(
        'BAD_VALUE',
        'method: expected `spd` or `vpd`, found `sdp`; did you mean `spd`?',
        rangeOf(text, 'sdp'),
        ['spd'],
      ),
    ]);
  });

  test('a number out of range says the bound', () => {
    const text = tmsWith('lr: 1.0e-3', 'lr: 0');
    assert.deepEqual(diagnose(text), [
      schemaError(
        'OUT_OF_RANGE',
        'training.lr: expected a number greater than 0, found 0',
        rangeOf(text, '0', { after: 'lr: ' }),
      ),
    ]);
    assert.deepEqual(said(tmsWith('feature_probability: 0.05', 'feature_probability: 1.5')), [
      [
        'OUT_OF_RANGE',
        'data.synthetic.feature_probability: expected a number greater than 0 and at most 1, found 1.5',
      ],
    ]);
    assert.deepEqual(said(tmsWith('    C: 20\n  - pattern: linear2', '    C: 0\n  - pattern: linear2')), [
      ['OUT_OF_RANGE', 'modules[0].C: expected an integer at least 1, found 0'],
    ]);
  });

  test('a list shorter than allowed', () => {
    const text = tmsWith(
      'modules:\n  - pattern: linear1\n    C: 20\n  - pattern: linear2\n    C: 20',
      'modules: []',
    );
    assert.deepEqual(diagnose(text), [
      schemaError('OUT_OF_RANGE', 'modules: expected at least 1 item, found none', rangeOf(text, '[]')),
    ]);
  });

  test('a target with two kinds, or none, says which shapes are accepted', () => {
    const two = tmsWith('  builtin: tms_5-2', '  builtin: tms_5-2\n  huggingface:\n    path: ./model');
    assert.deepEqual(diagnose(two), [
      schemaError(
        'NO_MATCHING_SHAPE',
        'target: needs exactly one of `builtin`, `huggingface` or `custom`; found `builtin` and `huggingface`',
        rangeOf(two, 'target'),
      ),
    ]);
    assert.deepEqual(said(tmsWith('target:\n  builtin: tms_5-2', 'target: {}')), [
      ['NO_MATCHING_SHAPE', 'target: needs exactly one of `builtin`, `huggingface` or `custom`; found none'],
    ]);
  });

  test('a CI function of an unknown type lists the types', () => {
    const text = tmsWith('type: mlp', 'type: transformer');
    assert.deepEqual(diagnose(text), [
      schemaError(
        'NO_MATCHING_SHAPE',
        'ci_function.type: expected `mlp`, `vector_mlp`, `shared_mlp` or `global_transformer`, found `transformer`',
        rangeOf(text, 'transformer'),
      ),
    ]);
  });

  test('the type of a CI function picks the keys it allows', () => {
    assert.deepEqual(said(tmsWith('  type: mlp\n', '  type: global_transformer\n')), [
      [
        'UNKNOWN_KEY',
        'ci_function.hidden_dims: unknown key `hidden_dims`; expected one of `type`, `d_model`, `n_blocks`, ' +
          '`n_heads`, `d_ff`, `rope_base` or `max_len`',
      ],
    ]);
    // Without a type, the keys decide: these are a global transformer's.
    assert.deepEqual(said(tmsWith('  type: mlp\n  hidden_dims: [16]', '  d_model: 64\n  n_heads: 4')), []);
  });

  test('a value of no accepted type says every accepted one', () => {
    assert.deepEqual(said(`${tms}analysis: 3\n`), [
      ['WRONG_TYPE', 'analysis: expected a mapping or null, found a number'],
    ]);
  });

  test('a missing required key marks the key that should hold it, or the first key of the file', () => {
    const item = tmsWith('  - pattern: linear2\n    C: 20', '  - pattern: linear2');
    assert.deepEqual(diagnose(item), [
      schemaError(
        'MISSING_KEY',
        'modules[1]: missing required key `C` (Number of rank-one subcomponents for each module the pattern matches)',
        rangeOf(item, 'pattern', 2),
      ),
    ]);
    const text = tmsWith('data:\n  synthetic:\n    feature_probability: 0.05\n', 'data:\n  synthetic: {}\n');
    assert.deepEqual(said(text), [
      [
        'MISSING_KEY',
        'data.synthetic: missing required key `feature_probability` ' +
          '(Probability that each feature is active in a sample (TMS 0.05, ResidMLP 0.01))',
      ],
    ]);
    const noMethod = tmsWith('method: spd\n', '');
    assert.deepEqual(diagnose(noMethod), [
      schemaError(
        'MISSING_KEY',
        '(top level): missing required key `method` (`spd` or `vpd`)',
        rangeOf(noMethod, 'seed'),
      ),
    ]);
  });

  test('scalars read as the engine reads them (YAML 1.1)', () => {
    assert.deepEqual(said(tmsWith('steps: 10000', 'steps: 10_000')), []);
    assert.deepEqual(said(tmsWith('lr: 1.0e-3', 'lr: 1e-3')), []);
    assert.deepEqual(said(`${tms.replace('training:\n', 'training:\n  autocast_bf16: yes\n')}`), []);
    // PyYAML reads `y` as a string, unlike YAML 1.1's full list of booleans.
    assert.deepEqual(said(tmsWith('  builtin: tms_5-2', '  builtin: y')), [
      [
        'BAD_VALUE',
        'target.builtin: expected `tms_5-2`, `tms_5-2-id`, `tms_40-10`, `tms_40-10-id`, `resid_mlp_1`, ' +
          '`resid_mlp_2`, `resid_mlp_3` or `tiny_llama`, found `y`',
      ],
    ]);
  });

  test('merged and aliased values are left to the engine', () => {
    // Only the stray top-level key is reported: not the `<<`, nor what the merge may bring.
    const merged = tmsWith('training:\n', 'defaults: &defaults\n  steps: 5\ntraining:\n  <<: *defaults\n');
    assert.deepEqual(
      diagnose(merged).map(({ code, range }) => [code, range]),
      [['UNKNOWN_KEY', rangeOf(merged, 'defaults')]],
    );
    const aliased = tmsWith('steps: 10000\n  batch_size: 4096', 'steps: &steps 10000\n  batch_size: *steps');
    assert.deepEqual(said(aliased), []);
  });

  test('subcomponent IDs in the analysis section must be well formed', () => {
    assert.deepEqual(said(`${tms}analysis:\n  components: [h.1.mlp.down_proj:12, 0.attn.q:5, h.1.mlp]\n`), [
      [
        'BAD_VALUE',
        'analysis.components[2]: `h.1.mlp` does not have the expected form: A subcomponent: ' +
          '`<module_path>:<index>` or a short name like `2.mlp.down:12`',
      ],
    ]);
  });

  test('an empty file, or one with only comments, has no diagnostics', () => {
    assert.deepEqual(diagnose(''), []);
    assert.deepEqual(diagnose('# a config, soon\n'), []);
    assert.deepEqual(diagnose('---\n'), []);
  });

  test('a file that is not a mapping says what a config is', () => {
    assert.deepEqual(said('just text\n'), [
      ['WRONG_TYPE', '(top level): expected a mapping, found a string'],
    ]);
  });

  test('a second YAML document is an error', () => {
    const text = `${tms}---\nmethod: vpd\n`;
    assert.deepEqual(diagnose(text), [
      schemaError(
        'EXTRA_DOCUMENT',
        'A config is a single YAML document; the engine rejects a second one.',
        rangeOf(text, '---'),
      ),
    ]);
  });

  test('with a syntax error, the syntax error comes first and the rest of the file is still checked', () => {
    const text = tmsWith('seed: 0\n', 'seed: 0\nseed: 1\n').replace('lr: 1.0e-3', 'lr: fast');
    assert.deepEqual(
      diagnose(text).map((diagnostic) => [diagnostic.code, diagnostic.range]),
      [
        ['DUPLICATE_KEY', rangeOf(text, 'seed', 2)],
        ['WRONG_TYPE', rangeOf(text, 'fast')],
      ],
    );
  });

  test('malformed YAML never throws', () => {
    for (const text of [
      'a: [1, 2',
      'a:\n\t- b',
      ': :\n- - -',
      '{{{',
      'key: "unclosed',
      '? [a]\n: b',
      '&a *a',
      '!!binary x',
    ]) {
      assert.doesNotThrow(() => diagnose(text), JSON.stringify(text));
    }
  });

  test('a 1 MB config is checked in full, and the one mistake near its end is found', () => {
    const large = configWithManyPrompts(1_000_000);
    const lastName = large.lastIndexOf('      name: ');
    const text = `${large.slice(0, lastName)}      nme: ${large.slice(lastName + '      name: '.length)}`;
    const started = performance.now();
    const diagnostics = diagnose(text);
    const elapsed = performance.now() - started;
    assert.ok(text.length >= 1_000_000);
    const document = TextDocument.create('file:///x', 'yaml', 1, text);
    const last = document.positionAt(lastName).line;
    const items = text.split('\n    - prompt:').length - 2;
    assert.deepEqual(diagnostics, [
      schemaError(
        'UNKNOWN_KEY',
        `analysis.prompts[${items}].nme: unknown key \`nme\`; did you mean \`name\`?`,
        { start: { line: last, character: 6 }, end: { line: last, character: 9 } },
        ['name'],
      ),
    ]);
    // `npm run bench:lsp` tracks the real figure; this bound only catches a blow-up on a loaded machine.
    assert.ok(elapsed < 5000, `took ${Math.round(elapsed)} ms`);
  });
});

describe('reference-format configs', () => {
  for (const file of readdirSync(referenceDirectory).filter((name) => name.endsWith('.yaml'))) {
    test(`${file} gets one note and no schema errors`, () => {
      const text = readFileSync(path.join(referenceDirectory, file), 'utf8');
      const firstLine = text.split('\n', 1)[0] ?? '';
      assert.deepEqual(diagnose(text), [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: firstLine.length } },
          severity: DiagnosticSeverity.Information,
          source: 'paramlens',
          code: 'REFERENCE_FORMAT',
          message:
            'Read in the reference format (goodfire-ai/spd): the engine translates it and checks every key when a run starts.',
        },
      ]);
    });
  }

  test('a file naming `method` is native, whatever else it holds', () => {
    assert.deepEqual(
      said('method: spd\nmodule_info: []\n').map(([code]) => code),
      ['UNKNOWN_KEY', 'MISSING_KEY', 'MISSING_KEY', 'MISSING_KEY'],
    );
  });

  test('the marker keys are the engine’s (server/src/paramlens/config/reference/detect.py)', () => {
    const detect = readFileSync(
      path.join(repositoryRoot, 'server/src/paramlens/config/reference/detect.py'),
      'utf8',
    );
    const block = /REFERENCE_MARKERS = frozenset\(\s*\{([^}]*)\}/.exec(detect)?.[1];
    assert.ok(block, 'REFERENCE_MARKERS not found in detect.py');
    const engineMarkers = [...block.matchAll(/"(\w+)"/g)].map((match) => match[1]);
    assert.deepEqual([...REFERENCE_MARKERS].sort(), engineMarkers.sort());
  });
});
