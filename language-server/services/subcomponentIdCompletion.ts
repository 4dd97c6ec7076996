// Completion of subcomponent IDs in the `analysis` section: items of `components` and of each
// intervention's `keep` and `ablate`, in block lists and in one-line flow lists. With a harvest of the run
// chosen for the config, its densest alive subcomponents; without one, the decomposed modules of the
// listing, each with `:` and its index range, so that the index is typed by hand.
import {
  CompletionItemKind,
  type CompletionItem,
  type CompletionList,
  type Position,
  type Range,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AliveComponent, HarvestDatabase } from '../runs/harvestDatabase';
import type { KeyPath } from '../schema/wording';
import { lineText } from '../textLines';
import type { PatternEntry } from './configSections';
import { mappingPathAt } from './mappingAtIndent';
import { decomposableModules, patternFor, type ModelFacts } from './moduleFacts';

/** The densest alive subcomponents offered per module, and in all when no module is typed yet. */
export const COMPONENTS_OFFERED = 200;

// Indentation, a list dash, an optional opening quote and the part of the item before the cursor.
const BLOCK_ITEM = /^( *)(- +)['"]?([^\s#'",[\]{}]*)$/;
// Indentation, an optional list dash, a key, and a one-line flow list still open at the cursor.
const FLOW_LIST = /^( *)(- +)?([A-Za-z_][\w-]*): *\[([^\]#]*)$/;
// The last item of an open flow list: an optional opening quote and the part before the cursor.
const FLOW_ITEM = /(?:^|,)\s*['"]?([^\s,'"]*)$/;
const ID_KEYS: ReadonlySet<unknown> = new Set(['keep', 'ablate']);

/** The ID being typed: the text before the cursor, and the range an item replaces. */
export interface IdSlot {
  typed: string;
  range: Range;
}

/** What completion reads of the harvest of the run chosen for the config. */
export type HarvestReader = Pick<HarvestDatabase, 'modules' | 'aliveCounts' | 'densestAlive'>;

/** What IDs are completed from: the chosen run's harvest, else the listing and the config's patterns. */
export interface IdSources {
  harvest: HarvestReader | undefined;
  facts: ModelFacts | undefined;
  patterns: readonly PatternEntry[];
}

/**
 * The subcomponent IDs to offer for the ID being typed. The list is incomplete: what it holds depends on
 * the text typed (modules until a colon, then that module's subcomponents), so it is asked for again.
 */
export async function subcomponentIdCompletion(slot: IdSlot, sources: IdSources): Promise<CompletionList> {
  const items =
    sources.harvest === undefined
      ? listingItems(slot, sources.facts, sources.patterns)
      : await harvestItems(slot, sources.harvest);
  return { isIncomplete: true, items };
}

/** The ID being typed at the cursor, when the cursor is on an item of an ID list. */
export function idSlotAt(document: TextDocument, position: Position): IdSlot | undefined {
  const line = lineText(document, position.line);
  const before = line.slice(0, position.character);
  const text = document.getText();
  const block = BLOCK_ITEM.exec(before);
  if (block !== null) {
    const [, indent = '', dash = '', typed = ''] = block;
    const itemPath = mappingPathAt(text, position.line, indent.length + dash.length, {
      dashColumn: indent.length,
    });
    return isIdList(itemPath.slice(0, -1)) ? slotOf(line, position, typed) : undefined;
  }
  const flow = FLOW_LIST.exec(before);
  if (flow === null) return undefined;
  const [, indent = '', dash = '', key = '', inside = ''] = flow;
  const typed = FLOW_ITEM.exec(inside)?.[1];
  if (typed === undefined) return undefined;
  const onNewItem = dash === '' ? undefined : { dashColumn: indent.length };
  const parent = mappingPathAt(text, position.line, indent.length + dash.length, onNewItem);
  return isIdList([...parent, key]) ? slotOf(line, position, typed) : undefined;
}

/** `analysis.components`, or `keep` or `ablate` of an intervention. */
function isIdList(path: KeyPath): boolean {
  if (path[0] !== 'analysis') return false;
  if (path.length === 2) return path[1] === 'components';
  return (
    path.length === 4 && path[1] === 'interventions' && typeof path[2] === 'number' && ID_KEYS.has(path[3])
  );
}

function slotOf(line: string, position: Position, typed: string): IdSlot {
  const after = /^[^\s,\]#'"]*/.exec(line.slice(position.character))?.[0] ?? '';
  return {
    typed,
    range: {
      start: { line: position.line, character: position.character - typed.length },
      end: { line: position.line, character: position.character + after.length },
    },
  };
}

/**
 * After `module:`, that module's densest alive subcomponents. Before a colon, the modules as `module:`,
 * then the densest alive subcomponents of the modules whose path starts with the typed text.
 */
async function harvestItems(slot: IdSlot, database: HarvestReader): Promise<CompletionItem[]> {
  const modules = await database.modules();
  const colon = slot.typed.indexOf(':');
  if (colon !== -1) {
    const module = slot.typed.slice(0, colon);
    if (!modules.some((entry) => entry.module === module)) return [];
    const components = await database.densestAlive(module, COMPONENTS_OFFERED);
    return components.map((component, rank) => componentItem(module, component, rank, slot.range));
  }
  const alive = await database.aliveCounts();
  const moduleItems = modules.map(({ module, C }, order) =>
    moduleItem(module, `${alive.get(module)?.alive ?? 0} alive · ${indexRange(C)}`, order, slot.range, true),
  );
  const typedModules = modules.filter(({ module }) => module.startsWith(slot.typed));
  const candidates = await Promise.all(
    typedModules.map(async ({ module }) =>
      (await database.densestAlive(module, COMPONENTS_OFFERED)).map((component) => ({ module, component })),
    ),
  );
  const densest = candidates
    .flat()
    .sort((a, b) => b.component.density - a.component.density)
    .slice(0, COMPONENTS_OFFERED);
  return [
    ...moduleItems,
    ...densest.map(({ module, component }, rank) => componentItem(module, component, rank, slot.range)),
  ];
}

/** The decomposed modules of the listing, as `module:` with the index range their pattern's C gives. */
function listingItems(
  slot: IdSlot,
  facts: ModelFacts | undefined,
  patterns: readonly PatternEntry[],
): CompletionItem[] {
  if (facts === undefined || slot.typed.includes(':')) return [];
  return decomposableModules(facts.listing)
    .flatMap((module) => {
      const spec = patternFor(module.path, patterns);
      if (spec === undefined) return [];
      const detail =
        spec.C === undefined ? `index from 0 (${spec.pattern} has no C yet)` : indexRange(spec.C);
      return [{ path: module.path, detail }];
    })
    .map(({ path, detail }, order) => moduleItem(path, detail, order, slot.range, false));
}

/** `module:`; with `listsComponents`, inserting it opens the suggestions again, on its subcomponents. */
function moduleItem(
  module: string,
  detail: string,
  order: number,
  range: Range,
  listsComponents: boolean,
): CompletionItem {
  const text = `${module}:`;
  return {
    label: text,
    kind: CompletionItemKind.Field,
    detail,
    sortText: `0${String(order).padStart(4, '0')}`,
    textEdit: { range, newText: text },
    ...(listsComponents
      ? { command: { title: 'Suggest subcomponents', command: 'editor.action.triggerSuggest' } }
      : {}),
  };
}

function componentItem(
  module: string,
  component: AliveComponent,
  rank: number,
  range: Range,
): CompletionItem {
  const id = `${module}:${component.component}`;
  return {
    label: id,
    kind: CompletionItemKind.Value,
    detail: `density ${formatNumber(component.density * 100)}% · mean CI ${formatNumber(component.meanCi)}`,
    ...(component.label === null ? {} : { documentation: component.label }),
    sortText: `1${String(rank).padStart(5, '0')}`,
    textEdit: { range, newText: id },
  };
}

function indexRange(C: number): string {
  return `index 0–${C - 1}`;
}

function formatNumber(value: number): string {
  return String(Number(value.toPrecision(2)));
}
