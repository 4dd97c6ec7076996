// Which branch of a union (`anyOf`/`oneOf`) a YAML value is read against.
import { isMap, isScalar, type ParsedNode, type YAMLMap } from 'yaml';
import { alternatives, declaredTypes, propertySchema, resolve } from './navigation';
import type { JsonSchema } from './jsonSchema';
import { kindFits, kindOf } from './valueKinds';

/** A key whose `const` tells the mapping branches of a union apart: `type` for `ci_function`. */
export interface Discriminator {
  key: string;
  /** Each branch's value of the key, in the schema's order. */
  tags: readonly unknown[];
}

export type BranchChoice =
  /** The branches that may hold the value, best first; the first is the one to read it against. */
  | { kind: 'candidates'; branches: readonly JsonSchema[] }
  /** No branch holds this kind of value. */
  | { kind: 'wrongKind'; branches: readonly JsonSchema[] }
  /** The mapping names a discriminator value that no branch has. */
  | { kind: 'unknownTag'; discriminator: Discriminator; tagNode: ParsedNode };

export function chooseBranch(schema: JsonSchema, node: ParsedNode | null): BranchChoice {
  const branches = alternatives(schema);
  const kind = kindOf(node);
  const fitting = branches.filter((branch) => declaredTypes(branch)?.some((t) => kindFits(kind, t)) ?? true);
  if (fitting.length === 0) return { kind: 'wrongKind', branches };
  if (fitting.length === 1 || !isMap(node)) return { kind: 'candidates', branches: fitting };
  return chooseMapBranch(fitting, node);
}

/** By the discriminator when the mapping gives it, else by which branches allow all of its keys. */
function chooseMapBranch(branches: readonly JsonSchema[], map: YAMLMap.Parsed): BranchChoice {
  const discriminator = discriminatorOf(branches);
  const tagNode = discriminator && valueOf(map, discriminator.key);
  if (discriminator !== undefined && tagNode !== undefined) {
    const tag = isScalar(tagNode) ? tagNode.value : undefined;
    const tagged = branches.filter((branch) => tagOf(branch, discriminator.key) === tag);
    return tagged.length > 0
      ? { kind: 'candidates', branches: tagged }
      : { kind: 'unknownTag', discriminator, tagNode };
  }
  const keys = map.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : []));
  const unknownCount = (branch: JsonSchema): number =>
    keys.filter((key) => propertySchema(branch, key) === undefined).length;
  const counts = branches.map(unknownCount);
  const fewest = Math.min(...counts);
  // With no branch allowing every key, the closest one explains the stray keys best.
  return { kind: 'candidates', branches: branches.filter((_, index) => counts[index] === fewest) };
}

export function discriminatorOf(branches: readonly JsonSchema[]): Discriminator | undefined {
  const [first, ...rest] = branches;
  if (first === undefined || rest.length === 0) return undefined;
  for (const key of Object.keys(first.properties ?? {})) {
    const tags = branches.map((branch) => tagOf(branch, key));
    if (tags.every((tag) => tag !== undefined)) return { key, tags };
  }
  return undefined;
}

function tagOf(branch: JsonSchema, key: string): unknown {
  const properties = branch.properties;
  if (properties === undefined || !Object.hasOwn(properties, key)) return undefined;
  const property = properties[key];
  return property === undefined ? undefined : resolve(property).const;
}

function valueOf(map: YAMLMap.Parsed, key: string): ParsedNode | undefined {
  const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
  return pair?.value ?? undefined;
}
