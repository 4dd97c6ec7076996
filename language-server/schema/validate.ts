// Checks a parsed YAML value against the config schema. It walks the YAML tree and the schema together,
// so each problem lands on the exact key or value it concerns.
import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  type ParsedNode,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { boundsWords, withinBounds } from './bounds';
import type { JsonSchema } from './jsonSchema';
import {
  alternatives,
  declaredTypes,
  descriptions,
  propertyNames,
  propertySchema,
  type JsonType,
} from './navigation';
import { matchesPattern } from './patterns';
import { closestMatch } from './suggest';
import { chooseBranch } from './unions';
import { foundWords, kindOf, typeWords } from './valueKinds';
import { code, formatPath, listOf, type KeyPath } from './wording';

export type SchemaProblemCode =
  'UNKNOWN_KEY' | 'WRONG_TYPE' | 'BAD_VALUE' | 'OUT_OF_RANGE' | 'MISSING_KEY' | 'NO_MATCHING_SHAPE';

/** Offsets into the text; the end is exclusive. */
export type Offsets = readonly [start: number, end: number];

export interface SchemaProblem {
  code: SchemaProblemCode;
  range: Offsets;
  message: string;
  /** What the marked text most likely should be ("did you mean"), best first: each is a quick fix. */
  replacements?: string[];
}

/** Where a value sits: its key path, and what to mark when a problem concerns the value as a whole. */
interface Place {
  path: KeyPath;
  /** The key that names the value (`training:`); for a list item or the whole file, the value itself. */
  anchor: Offsets;
}

/**
 * Every problem with `node` as a value of `schema`. `anchor` is what to mark for a problem with the value
 * as a whole, such as a missing key at the top level.
 */
export function validate(node: ParsedNode | null, schema: JsonSchema, anchor: Offsets): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  check(node, schema, { path: [], anchor }, problems);
  return problems;
}

function check(node: ParsedNode | null, schema: JsonSchema, place: Place, out: SchemaProblem[]): void {
  // An alias repeats a value that is checked where its anchor is defined.
  if (node !== null && isAlias(node)) return;
  const choice = chooseBranch(schema, node);
  if (choice.kind === 'wrongKind') {
    const expected = expectedTypes(choice.branches);
    report(
      out,
      'WRONG_TYPE',
      valueRange(node, place),
      place,
      `expected ${expected}, found ${foundWords(node)}`,
    );
    return;
  }
  if (choice.kind === 'unknownTag') {
    const { key, tags } = choice.discriminator;
    const tagPlace = { path: [...place.path, key], anchor: place.anchor };
    const message = `expected ${listOf(tags, 'or')}, found ${shown(choice.tagNode)}`;
    report(out, 'NO_MATCHING_SHAPE', valueRange(choice.tagNode, tagPlace), tagPlace, message);
    return;
  }
  const [first, ...others] = choice.branches;
  if (first === undefined) return;
  if (others.length === 0 || isMap(node)) {
    checkBranch(node, first, place, out);
    return;
  }
  // Several scalar or list shapes fit: the value is fine if one accepts it, else the first one explains why.
  let firstProblems: SchemaProblem[] | undefined;
  for (const branch of choice.branches) {
    const problems: SchemaProblem[] = [];
    checkBranch(node, branch, place, problems);
    if (problems.length === 0) return;
    firstProblems ??= problems;
  }
  out.push(...(firstProblems ?? []));
}

function checkBranch(node: ParsedNode | null, branch: JsonSchema, place: Place, out: SchemaProblem[]): void {
  if (node !== null && isMap(node)) checkMap(node, branch, place, out);
  else if (node !== null && isSeq(node)) checkSeq(node, branch, place, out);
  else checkScalar(node !== null && isScalar(node) ? node : null, branch, place, out);
}

function checkMap(map: YAMLMap.Parsed, branch: JsonSchema, place: Place, out: SchemaProblem[]): void {
  const present: string[] = [];
  let merges = false;
  for (const { key, value } of map.items) {
    if (!isScalar(key)) continue;
    // A `<<` merge key (YAML 1.1) reads as a symbol.
    if (typeof key.value === 'symbol') {
      merges = true;
      continue;
    }
    const name = String(key.value);
    const keyRange: Offsets = [key.range[0], key.range[1]];
    present.push(name);
    const valueSchema = propertySchema(branch, name);
    if (valueSchema === undefined) {
      const keyPlace = { path: [...place.path, name], anchor: keyRange };
      const allowed = propertyNames(branch);
      const suggestion = closestMatch(name, allowed);
      const message = unknownKeyMessage(name, allowed, suggestion);
      report(out, 'UNKNOWN_KEY', keyRange, keyPlace, message, suggestion === undefined ? [] : [suggestion]);
    } else {
      check(value, valueSchema, { path: [...place.path, name], anchor: keyRange }, out);
    }
  }
  // Keys merged in from elsewhere are not seen here, so what is missing is unknown.
  if (merges) return;
  for (const name of branch.required ?? []) {
    if (present.includes(name)) continue;
    const purpose = purposeOf(branch.properties?.[name]);
    const message = `missing required key ${code(name)}${purpose === undefined ? '' : ` (${purpose})`}`;
    report(out, 'MISSING_KEY', place.anchor, place, message);
  }
  checkKeyCount(present, branch, place, out);
}

/** What a missing key is for, in a few words: its allowed values, or the first sentence of its description. */
function purposeOf(schema: JsonSchema | undefined): string | undefined {
  if (schema === undefined) return undefined;
  const values = alternatives(schema).flatMap((branch) => branch.enum ?? []);
  return values.length > 0 ? listOf(values, 'or') : firstSentence(descriptions(schema)[0]);
}

function unknownKeyMessage(name: string, allowed: readonly string[], suggestion: string | undefined): string {
  if (suggestion !== undefined) return `unknown key ${code(name)}; did you mean ${code(suggestion)}?`;
  if (allowed.length === 0) return `unknown key ${code(name)}; no keys are allowed here`;
  return `unknown key ${code(name)}; expected one of ${listOf(allowed, 'or')}`;
}

function checkKeyCount(
  present: readonly string[],
  branch: JsonSchema,
  place: Place,
  out: SchemaProblem[],
): void {
  const { minProperties: min = 0, maxProperties: max = Infinity } = branch;
  if (present.length >= min && present.length <= max) return;
  const found = present.length === 0 ? 'found none' : `found ${listOf(present, 'and')}`;
  const names = propertyNames(branch);
  const expected =
    min === 1 && max === 1 && names.length > 0
      ? `needs exactly one of ${listOf(names, 'or')}`
      : present.length < min
        ? `needs at least ${min} key${min === 1 ? '' : 's'}`
        : `allows at most ${max} key${max === 1 ? '' : 's'}`;
  report(out, 'NO_MATCHING_SHAPE', place.anchor, place, `${expected}; ${found}`);
}

function checkSeq(seq: YAMLSeq.Parsed, branch: JsonSchema, place: Place, out: SchemaProblem[]): void {
  const { minItems, maxItems, items } = branch;
  const count = seq.items.length;
  if (minItems !== undefined && count < minItems) {
    const found = count === 0 ? 'none' : String(count);
    const message = `expected at least ${minItems} item${minItems === 1 ? '' : 's'}, found ${found}`;
    report(out, 'OUT_OF_RANGE', valueRange(seq, place), place, message);
  }
  if (maxItems !== undefined && count > maxItems) {
    const message = `expected at most ${maxItems} item${maxItems === 1 ? '' : 's'}, found ${count}`;
    report(out, 'OUT_OF_RANGE', valueRange(seq, place), place, message);
  }
  if (items === undefined) return;
  seq.items.forEach((item, index) => {
    if (isNode(item)) check(item, items, { path: [...place.path, index], anchor: itemAnchor(item) }, out);
  });
}

/** A list item has no key: a problem with a mapping item as a whole marks its first key. */
function itemAnchor(item: ParsedNode): Offsets {
  const firstKey = isMap(item) ? item.items[0]?.key : undefined;
  const node = firstKey ?? item;
  return [node.range[0], node.range[1]];
}

function checkScalar(
  node: Scalar.Parsed | null,
  branch: JsonSchema,
  place: Place,
  out: SchemaProblem[],
): void {
  const value: unknown = node === null ? null : node.value;
  const range = valueRange(node, place);
  if ('const' in branch && value !== branch.const) {
    report(out, 'BAD_VALUE', range, place, `expected ${code(branch.const)}, found ${shown(node)}`);
  } else if (branch.enum !== undefined && !branch.enum.includes(value)) {
    const words = branch.enum.filter((option): option is string => typeof option === 'string');
    const suggestion = typeof value === 'string' ? closestMatch(value, words) : undefined;
    const message =
      `expected ${listOf(branch.enum, 'or')}, found ${shown(node)}` +
      (suggestion === undefined ? '' : `; did you mean ${code(suggestion)}?`);
    report(out, 'BAD_VALUE', range, place, message, suggestion === undefined ? [] : [suggestion]);
  } else if (typeof value === 'number' && !withinBounds(value, branch)) {
    const kind = declaredTypes(branch)?.includes('integer') ? 'an integer' : 'a number';
    const bounds = boundsWords(branch) ?? '';
    report(out, 'OUT_OF_RANGE', range, place, `expected ${kind} ${bounds}, found ${String(value)}`);
  } else if (typeof value === 'string') {
    const problem = stringProblem(value, branch);
    if (problem !== undefined) report(out, 'BAD_VALUE', range, place, problem);
  }
}

function stringProblem(value: string, branch: JsonSchema): string | undefined {
  const { minLength, maxLength, pattern } = branch;
  const length = minLength !== undefined || maxLength !== undefined ? [...value].length : 0;
  if (minLength !== undefined && length < minLength) {
    return minLength === 1
      ? 'expected a non-empty string'
      : `expected at least ${minLength} characters, found ${length}`;
  }
  if (maxLength !== undefined && length > maxLength) {
    return `expected at most ${maxLength} characters, found ${length}`;
  }
  if (pattern !== undefined && matchesPattern(pattern, value) === false) {
    const form = firstSentence(branch.description) ?? code(pattern);
    return `${code(value)} does not have the expected form: ${form}`;
  }
  return undefined;
}

function expectedTypes(branches: readonly JsonSchema[]): string {
  const types = new Set<JsonType>(branches.flatMap((branch) => declaredTypes(branch) ?? []));
  // "a number or an integer" says no more than "a number".
  if (types.has('number')) types.delete('integer');
  return [...types].map(typeWords).join(' or ');
}

/** A scalar as written, for messages: `sdp`, `1e-3`; an empty value by name. */
function shown(node: ParsedNode | null): string {
  const source = node !== null && isScalar(node) ? node.source : undefined;
  return source !== undefined && source !== '' && kindOf(node) !== 'null' ? code(source) : foundWords(node);
}

/** Marks the node itself, or the anchor when the node has no extent or spans a whole block. */
function valueRange(node: ParsedNode | null, place: Place): Offsets {
  if (node === null) return place.anchor;
  const [start, end] = node.range;
  const block = (isMap(node) || isSeq(node)) && !node.flow;
  return end > start && !block ? [start, end] : place.anchor;
}

function firstSentence(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  const end = text.search(/\.(\s|$)/);
  return end === -1 ? text : text.slice(0, end);
}

function report(
  out: SchemaProblem[],
  code: SchemaProblemCode,
  range: Offsets,
  place: Place,
  message: string,
  replacements: string[] = [],
): void {
  const problem: SchemaProblem = { code, range, message: `${formatPath(place.path)}: ${message}` };
  if (replacements.length > 0) problem.replacements = replacements;
  out.push(problem);
}
