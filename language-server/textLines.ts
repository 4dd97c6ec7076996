// Lines of a document's text, for services that read what surrounds the cursor.
import type { TextDocument } from 'vscode-languageserver-textdocument';

/** The text of line `line`, without its line break; empty past the end of the document. */
export function lineText(document: TextDocument, line: number): string {
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return text.replace(/\r?\n$/, '');
}
