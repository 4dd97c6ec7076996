import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ParsedYamlCache } from '../../language-server/documents';

const uri = 'file:///work/tiny.decomp.yaml';

test('each version of a document is parsed once', () => {
  const cache = new ParsedYamlCache();
  const first = TextDocument.create(uri, 'yaml', 1, 'steps: 100\n');
  const parsed = cache.get(first);
  assert.equal(cache.get(first), parsed);

  const second = TextDocument.update(first, [{ text: 'steps: 200\n' }], 2);
  const reparsed = cache.get(second);
  assert.notEqual(reparsed, parsed);
  assert.equal(reparsed.documents[0]?.get('steps'), 200);
});

test('a closed document is parsed afresh when it opens again', () => {
  const cache = new ParsedYamlCache();
  const document = TextDocument.create(uri, 'yaml', 1, 'steps: 100\n');
  const parsed = cache.get(document);
  cache.evict(uri);
  assert.notEqual(cache.get(document), parsed);
});
