// What kind of value a YAML node holds, in the schema's terms, and how messages name kinds and types.
import { isMap, isScalar, isSeq, type ParsedNode } from 'yaml';
import type { JsonType } from './navigation';

/** A JSON type, or `other` for a value JSON has no type for (a YAML 1.1 date, binary data). */
export type ValueKind = JsonType | 'other';

/** The kind of `node`; an absent node is an empty value, which YAML reads as null. */
export function kindOf(node: ParsedNode | null): ValueKind {
  if (node === null) return 'null';
  if (isMap(node)) return 'object';
  if (isSeq(node)) return 'array';
  if (!isScalar(node)) return 'other';
  const value = node.value;
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'bigint') return 'integer';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  return 'other';
}

/** Whether a value of `kind` is a valid `type`; a whole number is also a number. */
export function kindFits(kind: ValueKind, type: JsonType): boolean {
  return kind === type || (kind === 'integer' && type === 'number');
}

const TYPE_WORDS: Readonly<Record<JsonType, string>> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  null: 'null',
};

/** `integer` → "an integer", as in "expected an integer". */
export function typeWords(type: JsonType): string {
  return TYPE_WORDS[type];
}

/** The kind found, as in "found a string"; an empty value is named as such, since nothing is written. */
export function foundWords(node: ParsedNode | null): string {
  const kind = kindOf(node);
  if (kind === 'null') return isScalar(node) && node.source !== '' ? 'null' : 'an empty value';
  if (kind === 'integer') return TYPE_WORDS.number;
  if (kind === 'boolean') return 'a boolean';
  if (kind === 'other') return isScalar(node) && node.value instanceof Date ? 'a date' : 'a tagged value';
  return TYPE_WORDS[kind];
}
