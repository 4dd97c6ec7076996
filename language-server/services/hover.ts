// Hover in a config: a key's documentation from the schema, what a value means, and a card for a
// subcomponent ID (in a value that holds IDs, or in a comment). In any other document (Python, Markdown,
// a notebook cell, a circuit file), only the card for an ID, found by scanning the line.
import { isMap, type ParsedNode } from 'yaml';
import type { Hover, Position, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { findSubcomponentIdAt, formatSubcomponentId, type SubcomponentIdMatch } from '../../protocol/ids';
import type { ParsedYaml } from '../documents';
import { configSchema } from '../schema/jsonSchema';
import { locate } from '../schema/locate';
import { alternatives, declaredTypes } from '../schema/navigation';
import { matchesPattern } from '../schema/patterns';
import { code, formatPath } from '../schema/wording';
import { lineText } from '../textLines';
import type { ComponentCard, ComponentCardSource } from './componentCards';
import { isReferenceFormat } from './referenceFormat';
import { scalarAtOffset, type ScalarAtOffset } from './scalarAtOffset';
import { keyDocumentation, valueMeaning } from './schemaDocs';

// The schema marks fields that hold IDs only by their pattern, so a field holds IDs if its pattern takes one.
const SAMPLE_ID = 'h.0.mlp.down_proj:0';

export async function hover(
  document: TextDocument,
  parsed: Pick<ParsedYaml, 'documents'>,
  position: Position,
  cards: ComponentCardSource,
): Promise<Hover | null> {
  const contents = configContents(parsed);
  const target = scalarAtOffset(contents, document.offsetAt(position));
  const keyDocs = target?.isKey ? keyHover(document, contents, target) : null;
  if (keyDocs !== null) return keyDocs;
  const id = findSubcomponentIdAt(lineText(document, position.line), position.character);
  // A key the schema does not know may be an ID misread as a key, in a line still being written.
  if (id !== undefined && (target === undefined || target.isKey || holdsIds(contents, target))) {
    const card = await cards.cardFor(id, document.uri);
    if (card !== undefined) return cardHover(card, id, position.line);
  }
  return target === undefined || target.isKey ? null : valueHover(document, contents, target);
}

/** Hover outside configs: no YAML parse, just the subcomponent ID under the cursor, if any. */
export async function idHover(
  document: TextDocument,
  position: Position,
  cards: ComponentCardSource,
): Promise<Hover | null> {
  const id = findSubcomponentIdAt(lineText(document, position.line), position.character);
  if (id === undefined) return null;
  const card = await cards.cardFor(id, document.uri);
  return card === undefined ? null : cardHover(card, id, position.line);
}

/** The first document's contents when the native schema describes it; null for a reference-format file. */
function configContents(parsed: Pick<ParsedYaml, 'documents'>): ParsedNode | null {
  const contents = parsed.documents[0]?.contents ?? null;
  return isMap(contents) && isReferenceFormat(contents) ? null : contents;
}

function keyHover(document: TextDocument, contents: ParsedNode | null, target: ScalarAtOffset): Hover | null {
  const located = locate(configSchema, contents, target.path);
  if (located === undefined) return null;
  const key = target.path.at(-1);
  const required = typeof key === 'string' && (located.parent?.required?.includes(key) ?? false);
  return markdownHover(keyDocumentation(target.path, located.schema, required), rangeOf(document, target));
}

function valueHover(
  document: TextDocument,
  contents: ParsedNode | null,
  target: ScalarAtOffset,
): Hover | null {
  const located = locate(configSchema, contents, target.path);
  if (located === undefined) return null;
  const key = target.path.at(-1);
  const parent =
    typeof key === 'string' ? locate(configSchema, contents, target.path.slice(0, -1)) : undefined;
  const meaning =
    parent && typeof key === 'string' ? valueMeaning(parent.schema, key, target.node.value) : undefined;
  const text =
    meaning === undefined
      ? keyDocumentation(target.path, located.schema, false)
      : `**${formatPath(target.path)}**: ${code(target.node.value)}\n\n${meaning}`;
  return markdownHover(text, rangeOf(document, target));
}

/** Whether the value under the cursor may hold a subcomponent ID: free text, or a field of IDs. */
function holdsIds(contents: ParsedNode | null, target: ScalarAtOffset): boolean {
  const located = locate(configSchema, contents, target.path);
  if (located === undefined) return true;
  return alternatives(located.schema).some(
    (branch) =>
      (declaredTypes(branch)?.includes('string') ?? true) &&
      branch.enum === undefined &&
      !('const' in branch) &&
      (branch.pattern === undefined || matchesPattern(branch.pattern, SAMPLE_ID) !== false),
  );
}

function cardHover(card: ComponentCard, match: SubcomponentIdMatch, line: number): Hover {
  const range = { start: { line, character: match.start }, end: { line, character: match.end } };
  return markdownHover(renderCard(card), range);
}

function renderCard({ id, short, details }: ComponentCard): string {
  const lines = [
    `**Subcomponent ${code(formatSubcomponentId(id))}**`,
    `Module ${code(id.module)}, subcomponent ${id.index} on its C axis.`,
  ];
  if (short !== undefined) {
    lines.push(
      `Also reads as a short name: layer ${short.layer}, ${code(short.block)} block, ${code(short.role)} ` +
        "role, which the target's architecture maps to a module.",
    );
  }
  return [...lines, ...details].join('\n\n');
}

function markdownHover(value: string, range: Range): Hover {
  return { contents: { kind: 'markdown', value }, range };
}

function rangeOf(document: TextDocument, target: ScalarAtOffset): Range {
  const [start, end] = target.node.range;
  return { start: document.positionAt(start), end: document.positionAt(end) };
}
