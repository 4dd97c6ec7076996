// Regenerates every contract file the Python side is the source of (`python -m paramlens.contracts
// --write`: config schema, OpenAPI document with the run-directory files, short names, harvest schema),
// then the TypeScript types from the OpenAPI document. `--check` regenerates nothing and exits 1 when
// protocol/serverApi.generated.ts does not match the committed document (the Python tests check the
// committed files themselves).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';

const DOCUMENT = 'protocol/serverApi.openapi.json';
const TYPES = 'protocol/serverApi.generated.ts';
const HEADER = `/**
 * Generated from ${DOCUMENT} by \`npm run gen:contracts\`; do not edit.
 * Pick types through protocol/serverApi.ts and protocol/runFiles.ts.
 */

`;

async function typesFor(documentText) {
  const source = HEADER + astToString(await openapiTS(JSON.parse(documentText)));
  const options = await prettier.resolveConfig(TYPES);
  return prettier.format(source, { ...options, filepath: TYPES });
}

const check = process.argv.includes('--check');
if (!check) {
  const python =
    process.env.PARAMLENS_PYTHON ?? (existsSync('.venv/bin/python') ? '.venv/bin/python' : 'python3');
  execFileSync(python, ['-m', 'paramlens.contracts', '--write'], { stdio: 'inherit' });
}
const expected = await typesFor(readFileSync(DOCUMENT, 'utf8'));
if (check) {
  const current = existsSync(TYPES) ? readFileSync(TYPES, 'utf8') : '';
  if (current !== expected) {
    process.stderr.write(`${TYPES} does not match ${DOCUMENT}; run: npm run gen:contracts\n`);
    process.exit(1);
  }
} else {
  writeFileSync(TYPES, expected);
  process.stdout.write(`wrote ${TYPES}\n`);
}
