// The key or scalar value under the cursor in a parsed YAML document, with its key path.
import { isMap, isScalar, isSeq, type ParsedNode, type Scalar } from 'yaml';
import type { KeyPath } from '../schema/wording';

export interface ScalarAtOffset {
  node: Scalar.Parsed;
  /** The path of the key, or of the value. */
  path: KeyPath;
  isKey: boolean;
}

/** The deepest key or scalar value whose text holds `offset`, a cursor just after it included. */
export function scalarAtOffset(
  node: ParsedNode | null,
  offset: number,
  path: KeyPath = [],
): ScalarAtOffset | undefined {
  if (node === null || offset < node.range[0] || offset > node.range[1]) return undefined;
  if (isScalar(node)) return { node, path, isKey: false };
  if (isMap(node)) {
    for (const { key, value } of node.items) {
      if (key.range[0] > offset) break;
      const name = isScalar(key) ? String(key.value) : '';
      if (isScalar(key) && offset <= key.range[1]) return { node: key, path: [...path, name], isKey: true };
      const found = scalarAtOffset(value, offset, [...path, name]);
      if (found !== undefined) return found;
    }
  } else if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      if (item.range[0] > offset) break;
      const found = scalarAtOffset(item, offset, [...path, index]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
