// Diagnostics of a reference-format config (goodfire-ai/spd), which only the engine can check: it translates
// the file as a run would and answers `POST /validate` with problems at key paths, lines and columns.
import { isMap, isScalar, isSeq, type ParsedNode } from 'yaml';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ConfigProblem, ValidateResponse } from '../../protocol/serverApi';
import { formatPath } from '../schema/wording';

const SOURCE = 'paramlens';

/** `result` null: no server runs, so one note says when the file is checked. */
export function referenceValidationDiagnostics(
  document: TextDocument,
  contents: ParsedNode | null,
  result: ValidateResponse | null,
): Diagnostic[] {
  if (result === null) {
    return [
      {
        range: firstLine(document),
        severity: DiagnosticSeverity.Information,
        source: SOURCE,
        code: 'REFERENCE_FORMAT',
        message:
          'Read in the reference format (goodfire-ai/spd): reference configs are checked, through the ' +
          'translation a run uses, when the ParamLens server runs.',
      },
    ];
  }
  const toDiagnostic = (problem: ConfigProblem, severity: DiagnosticSeverity): Diagnostic => ({
    range: problemRange(document, contents, problem),
    severity,
    source: SOURCE,
    code: 'REFERENCE_CONFIG',
    message: problem.path.length === 0 ? problem.message : `${formatPath(problem.path)}: ${problem.message}`,
  });
  const notes: Diagnostic[] = result.notes.map((note) => ({
    range: firstLine(document),
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
    code: 'REFERENCE_NOTE',
    message: note,
  }));
  return [
    ...result.errors.map((problem) => toDiagnostic(problem, DiagnosticSeverity.Error)),
    ...result.warnings.map((problem) => toDiagnostic(problem, DiagnosticSeverity.Warning)),
    ...notes,
  ];
}

/** The key the problem's path leads to; else its line and column; else the first line. */
function problemRange(document: TextDocument, contents: ParsedNode | null, problem: ConfigProblem): Range {
  const node = problem.path.length === 0 ? undefined : keyAtPath(contents, problem.path);
  if (node !== undefined) return { start: document.positionAt(node[0]), end: document.positionAt(node[1]) };
  if (problem.line === null) return firstLine(document);
  const line = problem.line - 1;
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const column = problem.column === null ? text.search(/\S|$/) : problem.column - 1;
  const end = text.replace(/\r?\n$/, '').length;
  return { start: { line, character: column }, end: { line, character: Math.max(column, end) } };
}

/** The offsets of the key (or list item) that `path` ends at. */
function keyAtPath(
  contents: ParsedNode | null,
  path: readonly (string | number)[],
): [number, number] | undefined {
  let node: ParsedNode | null = contents;
  let range: [number, number] | undefined;
  for (const step of path) {
    if (typeof step === 'string' && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === step);
      if (pair === undefined || !isScalar(pair.key)) return range;
      range = [pair.key.range[0], pair.key.range[1]];
      node = pair.value;
    } else if (typeof step === 'number' && isSeq(node)) {
      const item = node.items[step];
      if (item === undefined) return range;
      range = [item.range[0], item.range[1]];
      node = item;
    } else {
      return range;
    }
  }
  return range;
}

function firstLine(document: TextDocument): Range {
  const text = document.getText({ start: { line: 0, character: 0 }, end: { line: 1, character: 0 } });
  return { start: { line: 0, character: 0 }, end: { line: 0, character: text.replace(/\r?\n$/, '').length } };
}
