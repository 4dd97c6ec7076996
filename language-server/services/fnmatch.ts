// Module patterns as the engine reads them: Python's `fnmatch.fnmatchcase` over module paths, where `*` also
// matches dots (`h.*` matches `h.0.mlp.c_fc`), `?` any one character, `[seq]` / `[!seq]` a set.
// Ported from CPython's `fnmatch.translate`; test/unit/fixtures/fnmatchCases.json holds CPython's answers.

const compiled = new Map<string, RegExp>();

/** Whether `name` matches `pattern`, case-sensitively, as `fnmatch.fnmatchcase(name, pattern)` answers. */
export function fnmatchCase(name: string, pattern: string): boolean {
  let regExp = compiled.get(pattern);
  if (regExp === undefined) {
    regExp = fnmatchRegExp(pattern);
    compiled.set(pattern, regExp);
  }
  return regExp.test(name);
}

/** The regular expression that matches exactly the names `pattern` matches. */
export function fnmatchRegExp(pattern: string): RegExp {
  let source = '';
  let i = 0;
  while (i < pattern.length) {
    const character = pattern.charAt(i++);
    if (character === '*') {
      // Runs of stars match the same names as one star.
      while (pattern.charAt(i) === '*') i++;
      source += '.*';
    } else if (character === '?') {
      source += '.';
    } else if (character === '[') {
      const end = setEnd(pattern, i);
      if (end === undefined) {
        source += '\\[';
      } else {
        source += setSource(pattern, i, end);
        i = end + 1;
      }
    } else {
      source += escapeLiteral(character);
    }
  }
  // Python's `.` matches line breaks too (the `s` flag), and the match spans the whole name.
  return new RegExp(`^(?:${source})$`, 's');
}

/** Where the set opened just before `start` closes; a `]` first in the set (after `!`) is one of its members. */
function setEnd(pattern: string, start: number): number | undefined {
  let j = start;
  if (pattern.charAt(j) === '!') j++;
  if (pattern.charAt(j) === ']') j++;
  const end = pattern.indexOf(']', j);
  return end === -1 ? undefined : end;
}

/** A character class for the set `pattern[start:end]`, with its ranges as Python reads them. */
function setSource(pattern: string, start: number, end: number): string {
  const negated = pattern.charAt(start) === '!';
  const body = pattern.slice(negated ? start + 1 : start, end);
  // Hyphens split the set into chunks: a hyphen between two chunks makes a range; a leading one is literal.
  const chunks: string[] = [];
  let from = 0;
  let k = 1;
  for (;;) {
    const hyphen = body.indexOf('-', k);
    if (hyphen === -1) break;
    chunks.push(body.slice(from, hyphen));
    from = hyphen + 1;
    k = hyphen + 3;
  }
  const last = body.slice(from);
  if (last !== '' || chunks.length === 0) chunks.push(last);
  else chunks[chunks.length - 1] += '-';
  // A reversed range (`z-a`) matches nothing, so Python drops it rather than fail.
  for (let c = chunks.length - 1; c > 0; c--) {
    const before = chunks[c - 1] ?? '';
    const after = chunks[c] ?? '';
    if (before.charAt(before.length - 1) > after.charAt(0)) {
      chunks[c - 1] = before.slice(0, -1) + after.slice(1);
      chunks.splice(c, 1);
    }
  }
  const members = chunks.map((chunk) => [...chunk].map(escapeInSet).join('')).join('-');
  if (members === '') return negated ? '.' : '(?!)';
  return `[${negated ? '^' : ''}${members}]`;
}

function escapeLiteral(character: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(character) ? `\\${character}` : character;
}

function escapeInSet(character: string): string {
  return /[\\\]^[-]/.test(character) ? `\\${character}` : character;
}
