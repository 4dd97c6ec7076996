// Completion of module paths in a `modules[*].pattern` value: every module the engine can decompose, and
// patterns that take one module per layer (`h.*.mlp.c_fc`), with their shapes.
import { CompletionItemKind, type CompletionItem, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lineText } from '../textLines';
import { mappingPathAt } from './mappingAtIndent';
import { decomposableModules, layerPatterns, shapeOf, type ModelFacts } from './moduleFacts';

// Indentation, an optional list dash, `pattern:` and the part of the value before the cursor.
const PATTERN_VALUE = /^( *)(- +)?pattern: +(['"]?)([^\s#'"]*)$/;

export function modulePathCompletion(
  document: TextDocument,
  position: Position,
  facts: ModelFacts,
): CompletionItem[] {
  const line = lineText(document, position.line);
  const typed = PATTERN_VALUE.exec(line.slice(0, position.character));
  if (typed === null) return [];
  const [, indent = '', dash = '', , before = ''] = typed;
  const onNewItem = dash === '' ? undefined : { dashColumn: indent.length };
  const path = mappingPathAt(document.getText(), position.line, indent.length + dash.length, onNewItem);
  if (path.length !== 2 || path[0] !== 'modules' || typeof path[1] !== 'number') return [];
  const after = /^[^\s#'"]*/.exec(line.slice(position.character))?.[0] ?? '';
  const range = {
    start: { line: position.line, character: position.character - before.length },
    end: { line: position.line, character: position.character + after.length },
  };
  const groups = layerPatterns(facts.listing).map(({ pattern, modules }, order) => ({
    label: pattern,
    kind: CompletionItemKind.Module,
    detail: `${modules.length} modules · ${[...new Set(modules.map(shapeOf))].join(', ')}`,
    sortText: `0${String(order).padStart(4, '0')}`,
    textEdit: { range, newText: pattern },
  }));
  const modules = decomposableModules(facts.listing).map((module, order) => ({
    label: module.path,
    kind: CompletionItemKind.Field,
    detail: shapeOf(module),
    sortText: `1${String(order).padStart(4, '0')}`,
    textEdit: { range, newText: module.path },
  }));
  return [...groups, ...modules];
}
