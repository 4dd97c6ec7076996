// Completion in a config: the keys the schema allows where the cursor is, and the values a key takes.
// The line being typed is read from its text and its mapping from indentation, because while a key is
// being written the YAML tree has no node for it yet.
import { isMap, isScalar, type ParsedNode } from 'yaml';
import {
  CompletionItemKind,
  InsertTextFormat,
  InsertTextMode,
  type CompletionItem,
  type Position,
  type Range,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedYaml } from '../documents';
import { configSchema, type JsonSchema } from '../schema/jsonSchema';
import { branchesHolding, locate } from '../schema/locate';
import {
  acceptsNull,
  alternatives,
  declaredTypes,
  propertyNames,
  propertySchema,
} from '../schema/navigation';
import type { KeyPath } from '../schema/wording';
import { lineText } from '../textLines';
import { mappingPathAt } from './mappingAtIndent';
import { isReferenceFormat } from './referenceFormat';
import { keyDocumentation, valueMeaning, valueSummary } from './schemaDocs';

// Indentation, an optional list dash, and part of a key: `  - pat`.
const KEY_BEING_TYPED = /^( *)(- +)?([A-Za-z_][\w-]*)?$/;
// Indentation, an optional list dash, a key, and part of its value: `  type: gl`.
const VALUE_BEING_TYPED = /^( *)(- +)?([^\s#:'"][^#:]*?): +([^\s#]*)$/;
// YAML 1.1 reads these words as booleans or null, so a string that spells one is quoted.
const RESERVED_WORDS = /^(?:yes|no|true|false|on|off|null|~)$/i;
const PLAIN_STRING = /^[A-Za-z_][\w.\-/]*$/;

export function completion(
  document: TextDocument,
  parsed: Pick<ParsedYaml, 'documents'>,
  position: Position,
  triggerCharacter?: string,
): CompletionItem[] {
  const contents = parsed.documents[0]?.contents ?? null;
  if (isMap(contents) && isReferenceFormat(contents)) return [];
  const line = lineText(document, position.line);
  const before = line.slice(0, position.character);
  const after = line.slice(position.character);
  const value = VALUE_BEING_TYPED.exec(before);
  if (value !== null) {
    const [, indent = '', dash = '', key = '', typed = ''] = value;
    const path = mappingPath(document, position.line, indent, dash);
    const range = wordRange(position, typed, /^[^\s#]*/.exec(after)?.[0] ?? '');
    return valueItems(contents, path, key.trim(), range);
  }
  // A space after a key's indentation starts no key: keys are offered once a letter is typed, or on request.
  if (triggerCharacter === ' ') return [];
  const key = KEY_BEING_TYPED.exec(before);
  if (key === null) return [];
  const [, indent = '', dash = '', typed = ''] = key;
  const rest = /^[\w-]*/.exec(after)?.[0] ?? '';
  const context: KeyContext = {
    path: mappingPath(document, position.line, indent, dash),
    line: position.line,
    column: indent.length + dash.length,
    range: wordRange(position, typed, rest),
    // Over an existing `key: value`, only the key is replaced.
    hasColon: /^\s*:/.test(after.slice(rest.length)),
  };
  return keyItems(document, contents, context);
}

function mappingPath(document: TextDocument, line: number, indent: string, dash: string): KeyPath {
  const column = indent.length + dash.length;
  const onNewItem = dash === '' ? undefined : { dashColumn: indent.length };
  return mappingPathAt(document.getText(), line, column, onNewItem);
}

function wordRange(position: Position, before: string, after: string): Range {
  return {
    start: { line: position.line, character: position.character - before.length },
    end: { line: position.line, character: position.character + after.length },
  };
}

interface KeyContext {
  path: KeyPath;
  line: number;
  /** Where the key starts, which sets the indentation of what it inserts. */
  column: number;
  range: Range;
  hasColon: boolean;
}

function keyItems(
  document: TextDocument,
  contents: ParsedNode | null,
  context: KeyContext,
): CompletionItem[] {
  const located = locate(configSchema, contents, context.path);
  if (located === undefined) return [];
  const present = new Set(presentKeys(document, located.node, context.line));
  const items = new Map<string, CompletionItem>();
  for (const branch of branchesHolding(located.schema, located.node, 'object')) {
    propertyNames(branch).forEach((name, order) => {
      const schema = propertySchema(branch, name);
      if (schema === undefined || present.has(name) || items.has(name)) return;
      const required = branch.required?.includes(name) ?? false;
      items.set(name, {
        label: name,
        kind: CompletionItemKind.Property,
        detail: valueSummary(schema),
        documentation: {
          kind: 'markdown',
          value: keyDocumentation([...context.path, name], schema, required),
        },
        // Required keys first, then the schema's order, which groups related keys.
        sortText: `${required ? 0 : 1}${String(order).padStart(3, '0')}`,
        filterText: name,
        textEdit: {
          range: context.range,
          newText: context.hasColon ? name : keySnippet(name, schema, context.column),
        },
        insertTextFormat: InsertTextFormat.Snippet,
        // The snippet carries its own indentation, which must not be shifted to the line's.
        insertTextMode: InsertTextMode.asIs,
      });
    });
  }
  return [...items.values()];
}

/** Keys the mapping already has, except one on the cursor's line, which is the one being typed. */
function presentKeys(document: TextDocument, node: ParsedNode | null, line: number): string[] {
  if (!isMap(node)) return [];
  return node.items.flatMap(({ key }) =>
    isScalar(key) && document.positionAt(key.range[0]).line !== line ? [String(key.value)] : [],
  );
}

/** `key: ` for a scalar; a mapping or a list opens an indented line below. */
function keySnippet(name: string, schema: JsonSchema, column: number): string {
  const shapes = alternatives(schema)
    .flatMap((branch) => declaredTypes(branch) ?? [])
    .filter((t) => t !== 'null');
  const nested = `\n${' '.repeat(column + 2)}`;
  const key = escapeSnippet(name);
  if (shapes.length > 0 && shapes.every((type) => type === 'object')) return `${key}:${nested}$0`;
  if (shapes.length > 0 && shapes.every((type) => type === 'array')) return `${key}:${nested}- $0`;
  return `${key}: $0`;
}

function escapeSnippet(text: string): string {
  return text.replace(/[$}\\]/g, '\\$&');
}

function valueItems(
  contents: ParsedNode | null,
  parentPath: KeyPath,
  key: string,
  range: Range,
): CompletionItem[] {
  const parent = locate(configSchema, contents, parentPath);
  if (parent === undefined) return [];
  const items = new Map<string, CompletionItem>();
  const add = (value: unknown, kind: CompletionItemKind, documentation: string | undefined): void => {
    const text = scalarText(value);
    if (items.has(text)) return;
    items.set(text, {
      label: text,
      kind,
      sortText: String(items.size).padStart(3, '0'),
      textEdit: { range, newText: text },
      ...(documentation === undefined ? {} : { documentation: { kind: 'markdown', value: documentation } }),
    });
  };
  // Every mapping shape of the parent, so that a `type` key offers each of its shapes.
  const shapes = alternatives(parent.schema).filter(
    (branch) => declaredTypes(branch)?.includes('object') ?? true,
  );
  for (const branch of shapes) {
    const schema = propertySchema(branch, key);
    if (schema === undefined) continue;
    for (const option of alternatives(schema)) {
      const values = 'const' in option ? [option.const] : (option.enum ?? []);
      for (const value of values)
        add(value, CompletionItemKind.EnumMember, valueMeaning(parent.schema, key, value));
      if (declaredTypes(option)?.includes('boolean')) {
        add(true, CompletionItemKind.Keyword, undefined);
        add(false, CompletionItemKind.Keyword, undefined);
      }
    }
    if (acceptsNull(schema) && alternatives(schema).length > 1)
      add(null, CompletionItemKind.Keyword, undefined);
  }
  return [...items.values()];
}

/** A value as YAML text that reads back as the same value. */
function scalarText(value: unknown): string {
  if (typeof value === 'string' && PLAIN_STRING.test(value) && !RESERVED_WORDS.test(value)) return value;
  return JSON.stringify(value);
}
