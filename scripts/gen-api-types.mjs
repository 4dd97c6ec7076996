// Regenerates the server API's contract files: the OpenAPI document from the Python app
// (`python -m paramlens.serve.openapi --write`), then the TypeScript types from that document.
// `--check` regenerates nothing and exits 1 when protocol/serverApi.generated.ts does not match
// the committed protocol/serverApi.openapi.json (the Python test checks the document itself).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';

const DOCUMENT = 'protocol/serverApi.openapi.json';
const TYPES = 'protocol/serverApi.generated.ts';
const HEADER = `/**
 * Generated from ${DOCUMENT} by \`npm run gen:api\`; do not edit.
 * Pick types through protocol/serverApi.ts.
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
  execFileSync(python, ['-m', 'paramlens.serve.openapi', '--write'], { stdio: 'inherit' });
}
const expected = await typesFor(readFileSync(DOCUMENT, 'utf8'));
if (check) {
  const current = existsSync(TYPES) ? readFileSync(TYPES, 'utf8') : '';
  if (current !== expected) {
    process.stderr.write(`${TYPES} does not match ${DOCUMENT}; run: npm run gen:api\n`);
    process.exit(1);
  }
} else {
  writeFileSync(TYPES, expected);
  process.stdout.write(`wrote ${TYPES}\n`);
}
