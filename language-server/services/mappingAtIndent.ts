// Which mapping a line belongs to, read from indentation as a person reads YAML. Completion needs this
// where the YAML tree has no node yet: on a blank line, or on a key still being typed.
import type { KeyPath } from '../schema/wording';

const SEQUENCE_DASH = /^-(?:\s+|$)/;
// A block mapping key: plain, or quoted, followed by a colon that ends the line or precedes a space.
const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#"'][^#]*?)\s*:(?:\s|$)/;

/**
 * The key path of the mapping whose keys start at `column` on line `line` of `text`. `onNewItem` says
 * that the line itself starts a list item (`- |`), whose dash sits at `dashColumn`.
 */
export function mappingPathAt(
  text: string,
  line: number,
  column: number,
  onNewItem?: { dashColumn: number },
): KeyPath {
  const lines = text.split('\n');
  const path: (string | number)[] = [];
  let keyColumn = column;
  // The list being walked up through: the column of its dashes, and how many items precede ours.
  let list = onNewItem === undefined ? undefined : { dash: onNewItem.dashColumn, index: 0 };
  for (let number = Math.min(line, lines.length) - 1; number >= 0; number--) {
    const content = (lines[number] ?? '').replace(/\r$/, '');
    const indent = content.search(/\S/);
    if (indent === -1 || content[indent] === '#') continue;
    const rest = content.slice(indent);
    const dash = SEQUENCE_DASH.exec(rest);
    if (list !== undefined) {
      if (indent > list.dash) continue;
      if (indent === list.dash && dash !== null) {
        list.index++;
        continue;
      }
      // This line holds the list, so its key may share the dashes' column (`modules:` over `- pattern:`).
      path.push(list.index);
      keyColumn = list.dash + 1;
      list = undefined;
    }
    if (indent >= keyColumn) continue;
    if (dash !== null) {
      // A line `- name:` whose key sits left of ours holds our mapping under `name`.
      const itemKey = keyOf(rest.slice(dash[0].length));
      if (indent + dash[0].length < keyColumn && itemKey !== undefined) path.push(itemKey);
      list = { dash: indent, index: 0 };
      continue;
    }
    const key = keyOf(rest);
    if (key === undefined) continue;
    path.push(key);
    keyColumn = indent;
  }
  if (list !== undefined) path.push(list.index);
  return path.reverse();
}

function keyOf(text: string): string | undefined {
  const key = KEY.exec(text)?.[1];
  if (key === undefined) return undefined;
  if (key.startsWith('"')) return key.slice(1, -1).replace(/\\(.)/g, '$1');
  if (key.startsWith("'")) return key.slice(1, -1).replace(/''/g, "'");
  return key;
}
