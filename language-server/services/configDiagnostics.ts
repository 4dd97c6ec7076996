// Every diagnostic of a config, in the order the editor lists them: YAML syntax first, then the schema's, then
// the checks against the target model (module patterns, subcomponent IDs). A reference-format config is
// checked by the engine instead, once its answer is in.
import { isMap } from 'yaml';
import type { Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ValidateResponse } from '../../protocol/serverApi';
import type { ParsedYaml } from '../documents';
import { analysisIds, modulePatterns, nativeConfig } from './configSections';
import { idDiagnostics } from './idDiagnostics';
import { moduleDiagnostics } from './moduleDiagnostics';
import type { ModelFacts } from './moduleFacts';
import { isReferenceFormat } from './referenceFormat';
import { referenceValidationDiagnostics } from './referenceValidation';
import { schemaDiagnostics } from './schemaDiagnostics';
import { yamlSyntaxDiagnostics } from './yamlSyntaxDiagnostics';

export interface ConfigContext {
  /** The target's modules and alive counts; undefined while no listing is known. */
  facts: ModelFacts | undefined;
  /** The engine's check of a reference-format config: null when no server runs, undefined while pending. */
  reference: ValidateResponse | null | undefined;
}

export function configDiagnostics(
  document: TextDocument,
  parsed: ParsedYaml,
  context: ConfigContext = { facts: undefined, reference: undefined },
): Diagnostic[] {
  const syntax = yamlSyntaxDiagnostics(document, parsed);
  const contents = parsed.documents[0]?.contents ?? null;
  if (isMap(contents) && isReferenceFormat(contents) && context.reference !== undefined) {
    return [...syntax, ...referenceValidationDiagnostics(document, contents, context.reference)];
  }
  // The parser recovers around a syntax error, so the schema still checks the rest of the file; a schema
  // problem on the same line as a syntax error is most likely its consequence, and would only repeat it.
  const brokenLines = new Set(syntax.map((diagnostic) => diagnostic.range.start.line));
  const config = nativeConfig(parsed);
  const patterns = modulePatterns(config);
  const rest = [
    ...schemaDiagnostics(document, parsed),
    ...(context.facts === undefined ? [] : moduleDiagnostics(document, patterns, context.facts)),
    ...idDiagnostics(document, analysisIds(config), patterns, context.facts),
  ].filter((diagnostic) => !brokenLines.has(diagnostic.range.start.line));
  return [...syntax, ...rest];
}
