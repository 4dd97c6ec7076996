// Every diagnostic of a config, in the order the editor lists them: YAML syntax first, then the schema's.
import type { Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedYaml } from '../documents';
import { schemaDiagnostics } from './schemaDiagnostics';
import { yamlSyntaxDiagnostics } from './yamlSyntaxDiagnostics';

export function configDiagnostics(document: TextDocument, parsed: ParsedYaml): Diagnostic[] {
  const syntax = yamlSyntaxDiagnostics(document, parsed);
  // The parser recovers around a syntax error, so the schema still checks the rest of the file; a schema
  // problem on the same line as a syntax error is most likely its consequence, and would only repeat it.
  const brokenLines = new Set(syntax.map((diagnostic) => diagnostic.range.start.line));
  const schema = schemaDiagnostics(document, parsed).filter(
    (diagnostic) => !brokenLines.has(diagnostic.range.start.line),
  );
  return [...syntax, ...schema];
}
