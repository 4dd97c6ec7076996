// Tests write the cursor as a `|` in the text: `caretPosition('key: va|lue')`.
import type { Position } from 'vscode-languageserver';

const CARET = '|';

/** The text without its single `|` marker, and the position where the marker stood. */
export function caretPosition(textWithCaret: string): { text: string; position: Position } {
  const offset = textWithCaret.indexOf(CARET);
  if (offset === -1 || textWithCaret.indexOf(CARET, offset + 1) !== -1) {
    throw new Error(`Expected exactly one '${CARET}' caret in ${JSON.stringify(textWithCaret)}`);
  }
  const before = textWithCaret.slice(0, offset);
  const line = before.split('\n').length - 1;
  const character = offset - (before.lastIndexOf('\n') + 1);
  return { text: before + textWithCaret.slice(offset + 1), position: { line, character } };
}
