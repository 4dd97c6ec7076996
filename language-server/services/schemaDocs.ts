// Markdown that documents a key from the schema, shared by hover and completion.
import { boundsWords } from '../schema/bounds';
import type { JsonSchema } from '../schema/jsonSchema';
import {
  acceptsNull,
  alternatives,
  declaredTypes,
  descriptions,
  propertySchema,
  type JsonType,
} from '../schema/navigation';
import { discriminatorOf } from '../schema/unions';
import { typeWords } from '../schema/valueKinds';
import { code, formatPath, joinWords, type KeyPath } from '../schema/wording';

const PLURALS: Readonly<Record<JsonType, string>> = {
  object: 'mappings',
  array: 'lists',
  string: 'strings',
  number: 'numbers',
  integer: 'integers',
  boolean: 'booleans',
  null: 'nulls',
};

/** The key path in bold, what the key holds, its description, default and the shapes it may take. */
export function keyDocumentation(path: KeyPath, schema: JsonSchema, required: boolean): string {
  const heading = [`**${formatPath(path)}**`, valueSummary(schema), required ? 'required' : undefined];
  const parts = [heading.filter((part) => part !== undefined).join(' · '), ...descriptions(schema)];
  const shapes = shapeList(schema);
  if (shapes !== undefined) parts.push(shapes);
  if ('default' in schema) parts.push(`Default: ${code(schema.default)}`);
  return parts.join('\n\n');
}

/** What a value may be, in a few words: "a number greater than 0", "`spd` or `vpd`", "a mapping or null". */
export function valueSummary(schema: JsonSchema): string {
  const shapes = alternatives(schema).filter((branch) => !isNullOnly(branch));
  const words = [...new Set(shapes.flatMap(branchSummaries))];
  if (acceptsNull(schema) && shapes.length > 0) words.push('null');
  return joinWords(words, 'or') || 'any value';
}

/** Each value a branch allows when it lists them, else what kind of value it takes. */
function branchSummaries(branch: JsonSchema): string[] {
  if ('const' in branch) return [code(branch.const)];
  if (branch.enum !== undefined) return branch.enum.map(code);
  const type = declaredTypes(branch)?.[0];
  if (type === undefined) return ['any value'];
  if (type === 'array') {
    const itemBranch = branch.items === undefined ? undefined : alternatives(branch.items)[0];
    const itemType = itemBranch === undefined ? undefined : declaredTypes(itemBranch)?.[0];
    return [itemType === undefined ? 'a list' : `a list of ${PLURALS[itemType]}`];
  }
  const bounds = boundsWords(branch);
  return [bounds === undefined ? typeWords(type) : `${typeWords(type)} ${bounds}`];
}

/** For a union told apart by a key (`ci_function.type`), each value of that key and what it means. */
function shapeList(schema: JsonSchema): string | undefined {
  const branches = alternatives(schema).filter((branch) => !isNullOnly(branch));
  const discriminator = discriminatorOf(branches);
  if (discriminator === undefined) return undefined;
  const lines = branches.map((branch, index) => {
    const tag = `${discriminator.key}: ${String(discriminator.tags[index])}`;
    const description = branch.description?.split('\n\n', 1)[0];
    return `- ${code(tag)}${description === undefined ? '' : ` — ${description}`}`;
  });
  return lines.join('\n');
}

/**
 * What `value` means as the value of `key` in a mapping of `parent`, where the schema says: the description
 * of the shape that a `type`-like key picks, or a sentence of the key's description that starts with the
 * value (`method`: "spd: stochastic parameter decomposition, …").
 */
export function valueMeaning(parent: JsonSchema, key: string, value: unknown): string | undefined {
  const shapes = alternatives(parent).filter((branch) => declaredTypes(branch)?.includes('object') ?? false);
  const discriminator = discriminatorOf(shapes);
  if (discriminator?.key === key) {
    return shapes[discriminator.tags.indexOf(value)]?.description?.split('\n\n', 1)[0];
  }
  if (typeof value !== 'string') return undefined;
  const property = shapes.map((branch) => propertySchema(branch, key)).find((found) => found !== undefined);
  const sentence = new RegExp(`(?:^|[.;]\\s+)\`?${escapeRegExp(value)}\`?: ([^.;]+[.;]?)`);
  for (const text of property === undefined ? [] : descriptions(property)) {
    const meaning = sentence.exec(text)?.[1];
    if (meaning !== undefined) return meaning.charAt(0).toUpperCase() + meaning.slice(1);
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isNullOnly(branch: JsonSchema): boolean {
  return declaredTypes(branch)?.every((type) => type === 'null') ?? false;
}
