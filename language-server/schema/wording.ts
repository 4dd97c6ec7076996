// How messages name key paths and values, matching the engine's own messages (`modules[2].C`).

/** A position in the config: mapping keys and sequence indices, outermost first. */
export type KeyPath = readonly (string | number)[];

/** `['modules', 2, 'C']` → `modules[2].C`; the empty path names the whole file. */
export function formatPath(path: KeyPath): string {
  let text = '';
  for (const part of path) {
    text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  }
  return text === '' ? '(top level)' : text;
}

/** A value as code: `spd`, `1e-3`, `null`. */
export function code(value: unknown): string {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

/** `a`, `b` or `c`: each word as code, joined for a sentence. */
export function listOf(words: readonly unknown[], conjunction: 'or' | 'and'): string {
  return joinWords(words.map(code), conjunction);
}

/** `a, b or c`. */
export function joinWords(words: readonly string[], conjunction: 'or' | 'and'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words.at(-1) ?? ''}`;
}
