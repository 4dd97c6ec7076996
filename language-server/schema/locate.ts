// The schema of the value at a key path, reading union branches from the YAML values on the way, so that
// `ci_function.d_model` is found under the branch that `ci_function.type` picks.
import { isMap, isScalar, isSeq, type ParsedNode } from 'yaml';
import type { JsonSchema } from './jsonSchema';
import { alternatives, declaredTypes, propertySchema, type JsonType } from './navigation';
import { chooseBranch } from './unions';
import type { KeyPath } from './wording';

export interface Located {
  /** The value's schema as its parent names it, so that its own description comes first. */
  schema: JsonSchema;
  /** The value in the document, or null where the document has none yet. */
  node: ParsedNode | null;
  /** The mapping branch that holds the value's key; undefined for list items and the whole file. */
  parent: JsonSchema | undefined;
}

/** Where `path` leads from `root`; undefined when the schema has no such key. */
export function locate(root: JsonSchema, contents: ParsedNode | null, path: KeyPath): Located | undefined {
  let located: Located = { schema: root, node: contents, parent: undefined };
  for (const step of path) {
    const next = typeof step === 'string' ? propertyOf(located, step) : itemOf(located, step);
    if (next === undefined) return undefined;
    located = next;
  }
  return located;
}

function propertyOf({ schema, node }: Located, key: string): Located | undefined {
  for (const branch of branchesHolding(schema, node, 'object')) {
    const property = propertySchema(branch, key);
    if (property === undefined) continue;
    const pair = isMap(node)
      ? node.items.find((item) => isScalar(item.key) && String(item.key.value) === key)
      : undefined;
    return { schema: property, node: pair?.value ?? null, parent: branch };
  }
  return undefined;
}

function itemOf({ schema, node }: Located, index: number): Located | undefined {
  const items = branchesHolding(schema, node, 'array').find((branch) => branch.items !== undefined)?.items;
  if (items === undefined) return undefined;
  const item = isSeq(node) ? node.items[index] : undefined;
  return { schema: items, node: item ?? null, parent: undefined };
}

/**
 * The branches of `schema` that hold a value of type `type`: those the value in the document picks, or,
 * where it picks none (a key still being typed reads as a string), every branch of that type.
 */
export function branchesHolding(schema: JsonSchema, node: ParsedNode | null, type: JsonType): JsonSchema[] {
  const holds = (branch: JsonSchema): boolean => declaredTypes(branch)?.includes(type) ?? true;
  const choice = chooseBranch(schema, node);
  const chosen = choice.kind === 'candidates' ? choice.branches.filter(holds) : [];
  return chosen.length > 0 ? chosen : alternatives(schema).filter(holds);
}
