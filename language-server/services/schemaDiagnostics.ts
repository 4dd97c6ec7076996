// Problems the config schema finds in a document: unknown keys, wrong types and values, missing keys.
import { isMap, type Document } from 'yaml';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedYaml } from '../documents';
import { configSchema } from '../schema/jsonSchema';
import { validate, type Offsets, type SchemaProblem } from '../schema/validate';
import { kindOf } from '../schema/valueKinds';
import { isReferenceFormat } from './referenceFormat';

const SOURCE = 'paramlens';

export function schemaDiagnostics(
  document: TextDocument,
  parsed: Pick<ParsedYaml, 'documents'>,
): Diagnostic[] {
  const [config, ...extra] = parsed.documents;
  // An empty file, or one with only comments, is a config not yet written: completion helps, errors don't.
  if (config === undefined || kindOf(config.contents) === 'null') return [];
  const contents = config.contents;
  if (isMap(contents) && isReferenceFormat(contents)) return [referenceFormatNote(document)];
  const problems = validate(contents, configSchema, topLevelAnchor(document, config));
  return [
    ...problems.map((problem) => toDiagnostic(document, problem)),
    ...extra.map((other) => extraDocument(document, other)),
  ];
}

/** Where a problem with the file as a whole is marked: its first key, or else the line its content starts on. */
function topLevelAnchor(document: TextDocument, config: Document.Parsed): Offsets {
  const contents = config.contents;
  const firstKey = isMap(contents) ? contents.items[0]?.key : undefined;
  if (firstKey) return [firstKey.range[0], firstKey.range[1]];
  const start = contents?.range[0] ?? 0;
  return [start, lineEnd(document, start)];
}

function toDiagnostic(document: TextDocument, problem: SchemaProblem): Diagnostic {
  return {
    range: toRange(document, problem.range),
    severity: DiagnosticSeverity.Error,
    source: SOURCE,
    code: problem.code,
    message: problem.message,
    ...(problem.replacements === undefined ? {} : { data: { replacements: problem.replacements } }),
  };
}

/** The engine translates a reference-format file before checking it, so the native schema does not apply. */
function referenceFormatNote(document: TextDocument): Diagnostic {
  return {
    range: toRange(document, [0, lineEnd(document, 0)]),
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
    code: 'REFERENCE_FORMAT',
    message:
      'Read in the reference format (goodfire-ai/spd): the engine translates it and checks every key when a run starts.',
  };
}

/** The engine reads exactly one YAML document per config. */
function extraDocument(document: TextDocument, other: Document.Parsed): Diagnostic {
  const start = other.range[0];
  return {
    range: toRange(document, [start, lineEnd(document, start)]),
    severity: DiagnosticSeverity.Error,
    source: SOURCE,
    code: 'EXTRA_DOCUMENT',
    message: 'A config is a single YAML document; the engine rejects a second one.',
  };
}

/** The offset where the line holding `offset` ends, before its line break. */
function lineEnd(document: TextDocument, offset: number): number {
  const text = document.getText();
  const newline = text.indexOf('\n', offset);
  if (newline === -1) return text.length;
  return text.charAt(newline - 1) === '\r' ? newline - 1 : newline;
}

function toRange(document: TextDocument, [start, end]: Offsets): Range {
  return { start: document.positionAt(start), end: document.positionAt(end) };
}
