// Property tests: whatever the text, and wherever the cursor, no language service throws or takes long,
// and every diagnostic marks a range inside the text.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseYaml } from '../../language-server/documents';
import { idOnlyCards } from '../../language-server/services/componentCards';
import { completion } from '../../language-server/services/completion';
import { configDiagnostics } from '../../language-server/services/configDiagnostics';
import { hover } from '../../language-server/services/hover';

const CALL_LIMIT_MS = 1000;
const examplesDirectory = path.resolve(__dirname, '../../examples');
const examples = readdirSync(examplesDirectory)
  .filter((name) => name.endsWith('.decomp.yaml'))
  .map((name) => readFileSync(path.join(examplesDirectory, name), 'utf8'));

// Characters that mean something to YAML, and words that mean something to the schema.
const yamlPiece = fc.oneof(
  fc.constantFrom(...':- \n\t#[]{},"\'|>&*!%@?`\\~.0123456789eE+'),
  fc.constantFrom(
    'a',
    'key',
    'type',
    'method',
    'spd',
    'null',
    'yes',
    'C',
    'h.1.mlp:3',
    '<<',
    '---',
    '  ',
    '\r\n',
  ),
);
const yamlText = fc.array(yamlPiece, { maxLength: 80 }).map((pieces) => pieces.join(''));

type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicateLine' | 'dropLine' | 'indentLine' | 'dedentLine'; line: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: yamlText }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constantFrom(
      'duplicateLine' as const,
      'dropLine' as const,
      'indentLine' as const,
      'dedentLine' as const,
    ),
    line: fc.nat(),
  }),
);

function mutate(text: string, change: Mutation): string {
  if (change.kind === 'insert') {
    const at = change.at % (text.length + 1);
    return text.slice(0, at) + change.text + text.slice(at);
  }
  if (change.kind === 'delete') {
    const at = change.at % (text.length + 1);
    return text.slice(0, at) + text.slice(at + change.length);
  }
  const lines = text.split('\n');
  const index = change.line % lines.length;
  const line = lines[index] ?? '';
  const replacement = {
    duplicateLine: [line, line],
    dropLine: [],
    indentLine: [`  ${line}`],
    dedentLine: [line.replace(/^ {1,2}/, '')],
  }[change.kind];
  lines.splice(index, 1, ...replacement);
  return lines.join('\n');
}

const mutatedExample = fc
  .tuple(fc.constantFrom(...examples), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([example, changes]) => changes.reduce(mutate, example));

/** Runs every service on `text`, with the cursor at `cursor` (taken modulo the text's length). */
async function exercise(text: string, cursor: number): Promise<void> {
  const document = TextDocument.create('file:///work/fuzz.decomp.yaml', 'yaml', 1, text);
  const position = document.positionAt(cursor % (text.length + 1));
  const timed = async (name: string, run: () => unknown): Promise<void> => {
    const started = performance.now();
    await run();
    const elapsed = performance.now() - started;
    assert.ok(elapsed < CALL_LIMIT_MS, `${name} took ${Math.round(elapsed)} ms on ${JSON.stringify(text)}`);
  };
  const parsed = parseYaml(text);
  await timed('diagnostics', () => {
    for (const { range } of configDiagnostics(document, parsed)) {
      const [start, end] = [document.offsetAt(range.start), document.offsetAt(range.end)];
      // offsetAt clamps, so a range outside the text would not read back as itself.
      assert.deepEqual([document.positionAt(start), document.positionAt(end)], [range.start, range.end]);
      assert.ok(start <= end, `an inverted range on ${JSON.stringify(text)}`);
    }
  });
  await timed('completion', () => completion(document, parsed, position));
  await timed('completion on a space', () => completion(document, parsed, position, ' '));
  await timed('hover', () => hover(document, parsed, position, idOnlyCards));
}

describe('language services on any text', () => {
  test('random YAML-like text', async () => {
    await fc.assert(fc.asyncProperty(yamlText, fc.nat(), exercise), { numRuns: 300 });
  });

  test('random mutations of the example configs', async () => {
    await fc.assert(fc.asyncProperty(mutatedExample, fc.nat(), exercise), { numRuns: 300 });
  });
});
