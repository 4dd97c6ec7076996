// The generated server API types match the committed OpenAPI document (the Python tests check
// that the document matches the server).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

const repositoryRoot = path.resolve(__dirname, '../..');

test('protocol/serverApi.generated.ts is generated from protocol/serverApi.openapi.json', () => {
  const result = spawnSync(process.execPath, ['scripts/gen-contracts.mjs', '--check'], {
    cwd: repositoryRoot,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
});
