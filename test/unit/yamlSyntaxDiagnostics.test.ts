import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseYaml } from '../../language-server/documents';
import { yamlSyntaxDiagnostics } from '../../language-server/services/yamlSyntaxDiagnostics';

function diagnose(text: string): Diagnostic[] {
  const document = TextDocument.create('file:///work/tiny.decomp.yaml', 'yaml', 1, text);
  return yamlSyntaxDiagnostics(document, parseYaml(text));
}

function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Range {
  return {
    start: { line: startLine, character: startCharacter },
    end: { line: endLine, character: endCharacter },
  };
}

function error(code: string, message: string, at: Range): Diagnostic {
  return { range: at, severity: DiagnosticSeverity.Error, source: 'paramlens', code, message };
}

describe('yamlSyntaxDiagnostics', () => {
  test('a valid file has no diagnostics', () => {
    assert.deepEqual(diagnose('target:\n  model: tiny_mlp\nsteps: 100\nmodules:\n  - linear1\n'), []);
  });

  test('an empty file, or one with only comments, has no diagnostics', () => {
    assert.deepEqual(diagnose(''), []);
    assert.deepEqual(diagnose('\n  \n'), []);
    assert.deepEqual(diagnose('# nothing yet\n'), []);
  });

  test('an unclosed quote is reported where the file ends, on its last token', () => {
    assert.deepEqual(diagnose('name: "tiny\nsteps: 100\n'), [
      error('MISSING_CHAR', 'Missing closing "quote', range(1, 7, 1, 10)),
    ]);
  });

  test('an error at the end of a file without a trailing newline marks the last token', () => {
    assert.deepEqual(diagnose('name: "tiny'), [
      error('MISSING_CHAR', 'Missing closing "quote', range(0, 6, 0, 11)),
    ]);
    assert.deepEqual(diagnose('modules: [linear1, linear2'), [
      error(
        'BAD_INDENT',
        'Flow sequence in block collection must be sufficiently indented and end with a ]',
        range(0, 19, 0, 26),
      ),
    ]);
  });

  test('bad indentation', () => {
    assert.deepEqual(diagnose('target:\n  model: tiny_mlp\n dtype: float32\n'), [
      error('BAD_INDENT', 'All mapping items must start at the same column', range(2, 0, 2, 1)),
    ]);
  });

  test('a duplicate key marks the second occurrence', () => {
    assert.deepEqual(diagnose('steps: 100\nlr: 0.001\nsteps: 200\n'), [
      error('DUPLICATE_KEY', 'Map keys must be unique', range(2, 0, 2, 5)),
    ]);
  });

  test('tab indentation', () => {
    assert.deepEqual(diagnose('target:\n\tmodel: tiny_mlp\n'), [
      error('TAB_AS_INDENT', 'Tabs are not allowed as indentation', range(1, 0, 1, 1)),
    ]);
  });

  test('errors in every document of a multi-document file, at their place in the whole file', () => {
    assert.deepEqual(diagnose('steps: 100\n---\nsteps: 1\nsteps: 2\n---\ntarget:\n\tmodel: x\n'), [
      error('DUPLICATE_KEY', 'Map keys must be unique', range(3, 0, 3, 5)),
      error('TAB_AS_INDENT', 'Tabs are not allowed as indentation', range(6, 0, 6, 1)),
    ]);
  });

  test('parser warnings are warnings, also in a file with no document', () => {
    assert.deepEqual(diagnose('steps: !big 100\n'), [
      {
        range: range(0, 7, 0, 11),
        severity: DiagnosticSeverity.Warning,
        source: 'paramlens',
        code: 'TAG_RESOLVE_FAILED',
        message: 'Unresolved tag: !big',
      },
    ]);
    assert.deepEqual(
      diagnose('%FOO bar\n').map((diagnostic) => [diagnostic.severity, diagnostic.code, diagnostic.range]),
      [[DiagnosticSeverity.Warning, 'BAD_DIRECTIVE', range(0, 0, 0, 8)]],
    );
  });
});
