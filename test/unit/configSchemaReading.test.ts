import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configSchema, type JsonSchema } from '../../language-server/schema/jsonSchema';
import { alternatives, resolve } from '../../language-server/schema/navigation';
import { closestMatch, editDistance } from '../../language-server/schema/suggest';
import { formatPath } from '../../language-server/schema/wording';
import { mappingPathAt } from '../../language-server/services/mappingAtIndent';
import { caretPosition } from './testUtils/caret';

// Keywords the services read, and ones that carry nothing to check.
const UNDERSTOOD = new Set([
  ...['$ref', '$defs', 'type', 'description', 'default', 'enum', 'const', 'properties'],
  ...['additionalProperties', 'required', 'minProperties', 'maxProperties', 'items', 'minItems', 'maxItems'],
  ...['anyOf', 'oneOf', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'],
  ...['minLength', 'maxLength', 'pattern'],
]);
const IGNORED = new Set(['$schema', 'title']);

/** Every schema node below `schema`, each once. */
function* nodes(schema: JsonSchema): Generator<JsonSchema> {
  yield schema;
  const children = [
    ...Object.values(schema.$defs ?? {}),
    ...Object.values(schema.properties ?? {}),
    ...(schema.anyOf ?? []),
    ...(schema.oneOf ?? []),
    ...(schema.items === undefined ? [] : [schema.items]),
    ...(typeof schema.additionalProperties === 'object' ? [schema.additionalProperties] : []),
  ];
  for (const child of children) yield* nodes(child);
}

describe('the generated config schema', () => {
  test('uses only keywords the language server understands', () => {
    // A new keyword from the generator means the walker must learn it, or diagnostics would miss problems.
    const unknown = new Set<string>();
    for (const node of nodes(configSchema)) {
      for (const keyword of Object.keys(node)) {
        if (!UNDERSTOOD.has(keyword) && !IGNORED.has(keyword)) unknown.add(keyword);
      }
    }
    assert.deepEqual([...unknown], []);
  });

  test('every reference resolves to a definition', () => {
    for (const node of nodes(configSchema)) {
      if (node.$ref === undefined) continue;
      const name = node.$ref.replace('#/$defs/', '');
      assert.ok(configSchema.$defs?.[name], `${node.$ref} has no definition`);
      assert.notEqual(resolve(node), node);
    }
  });

  test('unions flatten to their branches, with references followed', () => {
    const ciFunction = configSchema.properties?.ci_function;
    assert.ok(ciFunction);
    assert.deepEqual(
      alternatives(ciFunction).map((branch) => branch.properties?.type?.const),
      ['mlp', 'vector_mlp', 'shared_mlp', 'global_transformer'],
    );
  });
});

describe('did you mean', () => {
  test('edit distance counts a swap of neighbours as one edit', () => {
    assert.equal(editDistance('steps', 'steps'), 0);
    assert.equal(editDistance('setps', 'steps'), 1);
    assert.equal(editDistance('trainig', 'training'), 1);
    assert.equal(editDistance('', 'lr'), 2);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });

  test('suggests only a close key, ignoring case', () => {
    assert.equal(closestMatch('Training', ['training', 'logging']), 'training');
    assert.equal(closestMatch('hiden_dims', ['type', 'hidden_dims']), 'hidden_dims');
    assert.equal(closestMatch('x', ['C', 'pattern']), 'C');
    assert.equal(closestMatch('wandb_project', ['log_every', 'eval_every']), undefined);
  });
});

describe('key paths', () => {
  test('are written as the engine writes them', () => {
    assert.equal(formatPath([]), '(top level)');
    assert.equal(formatPath(['modules', 2, 'C']), 'modules[2].C');
    assert.equal(formatPath([0]), '[0]');
  });
});

describe('the mapping a line belongs to, by indentation', () => {
  function pathAt(textWithCaret: string): ReturnType<typeof mappingPathAt> {
    const { text, position } = caretPosition(textWithCaret);
    const line = text.split('\n')[position.line] ?? '';
    const dash = /^( *)- /.exec(line);
    const onNewItem = dash?.[1] === undefined ? undefined : { dashColumn: dash[1].length };
    return mappingPathAt(text, position.line, position.character, onNewItem);
  }

  test('the top level, nested mappings, and dedented lines', () => {
    assert.deepEqual(pathAt('|'), []);
    assert.deepEqual(pathAt('a:\n  b:\n    c: 1\n    |'), ['a', 'b']);
    assert.deepEqual(pathAt('a:\n  b:\n    c: 1\n  |'), ['a']);
    assert.deepEqual(pathAt('a:\n  b: 1\n\n  # note\n  |'), ['a']);
  });

  test('list items count earlier items, in either indentation style', () => {
    assert.deepEqual(pathAt('modules:\n  - pattern: a\n    C: 1\n  - pattern: b\n    |'), ['modules', 1]);
    assert.deepEqual(pathAt('modules:\n- pattern: a\n- pattern: b\n- |'), ['modules', 2]);
    assert.deepEqual(pathAt('a:\n  - b:\n      |'), ['a', 0, 'b']);
  });

  test('quoted keys, and a multi-line value deeper than the mapping', () => {
    assert.deepEqual(pathAt('"my key":\n  |'), ['my key']);
    assert.deepEqual(pathAt('a:\n  prompt: >\n    some: text\n  |'), ['a']);
  });
});
