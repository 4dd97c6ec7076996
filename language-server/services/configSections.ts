// The parts of a native config that model-aware features read: module patterns, subcomponent IDs of the
// `analysis` section and its prompts, each with the YAML node that holds it (for exact ranges).
import { isMap, isScalar, isSeq, type ParsedNode, type Scalar, type YAMLMap } from 'yaml';
import type { ParsedYaml } from '../documents';
import type { KeyPath } from '../schema/wording';
import { isReferenceFormat } from './referenceFormat';

export interface PatternEntry {
  /** Position in `modules`. */
  index: number;
  pattern: string;
  node: Scalar.Parsed;
  /** The entry's C when it is a positive integer; the schema reports any other value. */
  C: number | undefined;
}

export interface IdEntry {
  text: string;
  path: KeyPath;
  node: Scalar.Parsed;
}

export interface PromptEntry {
  index: number;
  prompt: string;
  name: string | undefined;
  /** The list item, whose first line carries the prompt's code lens. */
  node: ParsedNode;
}

/** The first document's top-level mapping when it is a native config; null otherwise. */
export function nativeConfig(parsed: Pick<ParsedYaml, 'documents'>): YAMLMap.Parsed | null {
  const contents = parsed.documents[0]?.contents ?? null;
  return isMap(contents) && !isReferenceFormat(contents) ? contents : null;
}

export function modulePatterns(config: YAMLMap.Parsed | null): PatternEntry[] {
  return itemsOf(valueAt(config, 'modules')).flatMap((item, index) => {
    const pattern = valueAt(item, 'pattern');
    if (!isScalar(pattern) || typeof pattern.value !== 'string' || pattern.value === '') return [];
    const C = valueAt(item, 'C');
    const count =
      isScalar(C) && Number.isInteger(C.value) && Number(C.value) > 0 ? Number(C.value) : undefined;
    return [{ index, pattern: pattern.value, node: pattern, C: count }];
  });
}

/** Every string in `analysis.components` and in each intervention's `keep` and `ablate`. */
export function analysisIds(config: YAMLMap.Parsed | null): IdEntry[] {
  const analysis = valueAt(config, 'analysis');
  const ids = stringsIn(valueAt(analysis, 'components'), ['analysis', 'components']);
  itemsOf(valueAt(analysis, 'interventions')).forEach((intervention, index) => {
    for (const key of ['keep', 'ablate']) {
      ids.push(...stringsIn(valueAt(intervention, key), ['analysis', 'interventions', index, key]));
    }
  });
  return ids;
}

export function analysisPrompts(config: YAMLMap.Parsed | null): PromptEntry[] {
  return itemsOf(valueAt(valueAt(config, 'analysis'), 'prompts')).flatMap((item, index) => {
    const prompt = valueAt(item, 'prompt');
    if (!isScalar(prompt) || typeof prompt.value !== 'string' || prompt.value === '') return [];
    const name = valueAt(item, 'name');
    const named =
      isScalar(name) && typeof name.value === 'string' && name.value !== '' ? name.value : undefined;
    return [{ index, prompt: prompt.value, name: named, node: item }];
  });
}

/** The value under `key` of a mapping node; null for anything else. */
export function valueAt(node: ParsedNode | null | undefined, key: string): ParsedNode | null {
  if (!isMap(node)) return null;
  const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
  return pair?.value ?? null;
}

function itemsOf(node: ParsedNode | null): ParsedNode[] {
  return isSeq(node) ? node.items : [];
}

function stringsIn(node: ParsedNode | null, path: KeyPath): IdEntry[] {
  return itemsOf(node).flatMap((item, index) =>
    isScalar(item) && typeof item.value === 'string'
      ? [{ text: item.value, path: [...path, index], node: item }]
      : [],
  );
}
