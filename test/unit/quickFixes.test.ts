import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseYaml } from '../../language-server/documents';
import { configDiagnostics } from '../../language-server/services/configDiagnostics';
import type { ModelFacts } from '../../language-server/services/moduleFacts';
import { quickFixes } from '../../language-server/services/quickFixes';
import { TINY_LISTING } from './testUtils/moduleListing';

const URI = 'file:///work/tiny.decomp.yaml';
const FACTS: ModelFacts = { listing: TINY_LISTING, alive: undefined };
const CONFIG = `method: vpd
target:
  builtin: tiny_llama
data:
  text:
    train: [a.txt]
    tokenizer: t.json
modules:
  - pattern: h.*.mlp.fc
    C: 8
trainig:
  steps: 10
`;

function problemsOf(text: string) {
  const document = TextDocument.create(URI, 'yaml', 1, text);
  const diagnostics = configDiagnostics(document, parseYaml(text), { facts: FACTS, reference: undefined });
  return { document, diagnostics };
}

/** The text after applying the preferred quick fix of each diagnostic that has one. */
function applyPreferred(text: string): string {
  const { document, diagnostics } = problemsOf(text);
  const edits = quickFixes(URI, diagnostics)
    .filter((action) => action.isPreferred)
    .flatMap((action) => action.edit?.changes?.[URI] ?? []);
  return TextDocument.applyEdits(document, edits);
}

describe('quick fixes for "did you mean" diagnostics', () => {
  test('offer the suggested key, enum value and closest module paths, the closest one preferred', () => {
    const { diagnostics } = problemsOf(CONFIG.replace('method: vpd', 'method: vdp'));
    const actions = quickFixes(URI, diagnostics);
    const preferred = actions.filter((action) => action.isPreferred);
    assert.deepEqual(preferred.map((action) => [action.diagnostics?.[0]?.code, action.title]).sort(), [
      ['BAD_VALUE', 'Change to vpd'],
      ['PATTERN_MATCHES_NOTHING', 'Change to h.*.mlp.c_fc'],
      ['UNKNOWN_KEY', 'Change to training'],
    ]);
    // The other close module paths are offered too, after the closest.
    const patternFixes = actions.filter(
      (action) => action.diagnostics?.[0]?.code === 'PATTERN_MATCHES_NOTHING',
    );
    assert.ok(patternFixes.length > 1 && patternFixes.slice(1).every((action) => !action.isPreferred));
    assert.ok(actions.every((action) => action.kind === 'quickfix'));
  });

  test('applied, they leave a config with none of those problems', () => {
    const fixed = applyPreferred(CONFIG.replace('method: vpd', 'method: vdp'));
    assert.match(fixed, /^method: vpd$/m);
    assert.match(fixed, /^ {2}- pattern: h\.\*\.mlp\.c_fc$/m);
    assert.match(fixed, /^training:$/m);
    const left = problemsOf(fixed).diagnostics.map((diagnostic) => diagnostic.code);
    assert.ok(
      !left.some((code) => ['BAD_VALUE', 'PATTERN_MATCHES_NOTHING', 'UNKNOWN_KEY'].includes(String(code))),
    );
  });

  test('offer nothing for a problem without a suggestion, or from another source', () => {
    const { diagnostics } = problemsOf(CONFIG.replace('trainig:', 'zzzzzzzzzz:'));
    assert.ok(!quickFixes(URI, diagnostics).some((action) => action.title.includes('zzzz')));
    const foreign = { ...diagnostics[0]!, source: 'yaml', data: { replacements: ['x'] } };
    assert.deepEqual(quickFixes(URI, [foreign]), []);
  });
});
