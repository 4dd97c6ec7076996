// YAML syntax errors and warnings of a document, as LSP diagnostics.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { YAMLError } from 'yaml';
import type { ParsedYaml } from '../documents';

export function yamlSyntaxDiagnostics(
  document: TextDocument,
  parsed: Pick<ParsedYaml, 'errors' | 'warnings'>,
): Diagnostic[] {
  return [
    ...parsed.errors.map((error) => toDiagnostic(document, error, DiagnosticSeverity.Error)),
    ...parsed.warnings.map((warning) => toDiagnostic(document, warning, DiagnosticSeverity.Warning)),
  ];
}

function toDiagnostic(document: TextDocument, error: YAMLError, severity: DiagnosticSeverity): Diagnostic {
  const [start, end] = visibleOffsets(document.getText(), error.pos);
  return {
    range: { start: document.positionAt(start), end: document.positionAt(end) },
    severity,
    source: 'paramlens',
    code: error.code,
    // A prettified message carries a code frame after its first line; the editor shows the source itself.
    message: error.message.split('\n', 1)[0] ?? error.message,
  };
}

/**
 * The parser's offsets, clamped to the text, widened so the editor underlines something meaningful. The
 * parser reports a point as a one-character range (the first letter of a duplicate key) or an empty one
 * past the end of the text (a missing closing bracket): a point becomes the token that starts there, and
 * a point at a line end or past the end of the text becomes the token before it.
 */
function visibleOffsets(text: string, [start, end]: [number, number]): [number, number] {
  const from = Math.min(start, text.length);
  const to = Math.min(Math.max(end, from), text.length);
  if (to - from > 1) return [from, to];
  const tokenEnd = skipForward(text, from, isTokenCharacter);
  if (tokenEnd > from) return [from, tokenEnd];
  if (to > from && !isLineBreak(text.charAt(from))) return [from, to];
  const previousEnd = skipBackward(text, from, isWhitespace);
  const previousStart = skipBackward(text, previousEnd, isTokenCharacter);
  // Punctuation such as a closing bracket is a token of its own.
  return [previousStart < previousEnd ? previousStart : Math.max(previousEnd - 1, 0), previousEnd];
}

/** Whether the character at `offset` belongs to a plain token: a key, a scalar, a quoted string's first word. */
function isTokenCharacter(text: string, offset: number): boolean {
  const character = text.charAt(offset);
  if (isWhitespace(text, offset) || /[,[\]{}]/.test(character)) return false;
  // A colon before a space or a line end separates a key from its value.
  return character !== ':' || !/^\s?$/.test(text.charAt(offset + 1));
}

function isWhitespace(text: string, offset: number): boolean {
  return /\s/.test(text.charAt(offset));
}

function isLineBreak(character: string): boolean {
  return character === '\n' || character === '\r';
}

function skipForward(text: string, offset: number, skip: (text: string, offset: number) => boolean): number {
  let next = offset;
  while (next < text.length && skip(text, next)) next++;
  return next;
}

function skipBackward(text: string, offset: number, skip: (text: string, offset: number) => boolean): number {
  let previous = offset;
  while (previous > 0 && skip(text, previous - 1)) previous--;
  return previous;
}
