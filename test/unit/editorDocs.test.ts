import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

const root = path.join(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; configuration: { properties: Record<string, unknown> } };
};
const editorDocs = readFileSync(path.join(root, 'docs/editor.md'), 'utf8');

describe('docs/editor.md', () => {
  test('documents every command the extension contributes', () => {
    const missing = manifest.contributes.commands
      .map((entry) => entry.command)
      .filter((command) => !editorDocs.includes(`\`${command}\``));
    assert.deepEqual(missing, []);
  });

  test('documents every setting', () => {
    const missing = Object.keys(manifest.contributes.configuration.properties).filter(
      (setting) => !editorDocs.includes(`\`${setting}\``),
    );
    assert.deepEqual(missing, []);
  });
});
