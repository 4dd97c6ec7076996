import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fnmatchCase } from '../../language-server/services/fnmatch';

// CPython's answers, written by fixtures/fnmatchCases.py.
const table = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/fnmatchCases.json'), 'utf8')) as {
  names: string[];
  cases: { pattern: string; matches: string[] }[];
};

describe('fnmatch patterns over module paths', () => {
  for (const { pattern, matches } of table.cases) {
    test(`${JSON.stringify(pattern)} matches what Python's fnmatchcase matches`, () => {
      assert.deepEqual(
        table.names.filter((name) => fnmatchCase(name, pattern)),
        matches,
      );
    });
  }

  test('a star crosses dots, unlike a shell glob', () => {
    assert.equal(fnmatchCase('h.0.mlp.c_fc', 'h.*'), true);
    assert.equal(fnmatchCase('h.0.mlp.c_fc', '*c_fc'), true);
  });
});
