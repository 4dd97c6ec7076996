// Reading the schema: following `$ref`, flattening unions, and the keys and types a node allows.
import { configSchema, type JsonSchema } from './jsonSchema';

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

const JSON_TYPES: ReadonlySet<string> = new Set<JsonType>([
  'object',
  'array',
  'string',
  'number',
  'integer',
  'boolean',
  'null',
]);
const DEFINITIONS_PREFIX = '#/$defs/';
// What a reference the schema cannot resolve stands for: anything, so a schema bug is never a false error.
const ANYTHING: JsonSchema = {};

const resolvedCache = new WeakMap<JsonSchema, JsonSchema>();
const alternativesCache = new WeakMap<JsonSchema, readonly JsonSchema[]>();

/** `schema` with its `$ref` followed; the referring node's own keywords (its description) win. */
export function resolve(schema: JsonSchema): JsonSchema {
  if (schema.$ref === undefined) return schema;
  let resolved = resolvedCache.get(schema);
  if (resolved === undefined) {
    const { $ref, ...own } = schema;
    resolved = { ...resolve(definition($ref)), ...own };
    resolvedCache.set(schema, resolved);
  }
  return resolved;
}

function definition(ref: string): JsonSchema {
  if (!ref.startsWith(DEFINITIONS_PREFIX)) return ANYTHING;
  const definitions = configSchema.$defs ?? {};
  const name = ref.slice(DEFINITIONS_PREFIX.length);
  return Object.hasOwn(definitions, name) ? (definitions[name] ?? ANYTHING) : ANYTHING;
}

/** The branches of a union (`anyOf`/`oneOf`, nested ones flattened), resolved; a plain schema is its only branch. */
export function alternatives(schema: JsonSchema): readonly JsonSchema[] {
  let found = alternativesCache.get(schema);
  if (found === undefined) {
    const resolved = resolve(schema);
    const union = resolved.anyOf ?? resolved.oneOf;
    found = union === undefined ? [resolved] : union.flatMap(alternatives);
    alternativesCache.set(schema, found);
  }
  return found;
}

/** The JSON types a branch accepts, or undefined when it accepts any value. */
export function declaredTypes(branch: JsonSchema): readonly JsonType[] | undefined {
  if (branch.type !== undefined) {
    const types = typeof branch.type === 'string' ? [branch.type] : branch.type;
    return types.filter(isJsonType);
  }
  if ('const' in branch) return [typeOfValue(branch.const)];
  if (branch.enum !== undefined) return [...new Set(branch.enum.map(typeOfValue))];
  if (branch.properties !== undefined) return ['object'];
  if (branch.items !== undefined) return ['array'];
  return undefined;
}

function isJsonType(type: string): type is JsonType {
  return JSON_TYPES.has(type);
}

function typeOfValue(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  return 'object';
}

/** Whether some branch of `schema` accepts null: a key that may be left empty or switched off. */
export function acceptsNull(schema: JsonSchema): boolean {
  return alternatives(schema).some((branch) => declaredTypes(branch)?.includes('null') ?? true);
}

/** The schema of `key` in a mapping that `branch` describes; undefined when the key is not allowed there. */
export function propertySchema(branch: JsonSchema, key: string): JsonSchema | undefined {
  const properties = branch.properties;
  if (properties !== undefined && Object.hasOwn(properties, key)) return properties[key];
  const additional = branch.additionalProperties;
  if (additional === false) return undefined;
  return additional === undefined || additional === true ? ANYTHING : additional;
}

/** The keys a mapping that `branch` describes may name, in the schema's order. */
export function propertyNames(branch: JsonSchema): readonly string[] {
  return Object.keys(branch.properties ?? {});
}

/**
 * What the schema says about a value, most specific first: the key's own description, then the
 * description of the type it refers to (when that is the only non-null shape), without repeats.
 */
export function descriptions(schema: JsonSchema): readonly string[] {
  const shapes = alternatives(schema).filter((branch) => !declaredTypes(branch)?.every((t) => t === 'null'));
  const texts = [
    schema.description,
    schema.$ref === undefined ? undefined : definition(schema.$ref).description,
    shapes.length === 1 ? shapes[0]?.description : undefined,
  ];
  return [...new Set(texts.filter((text): text is string => text !== undefined && text !== ''))];
}
