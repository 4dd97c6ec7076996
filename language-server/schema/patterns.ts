// The schema's `pattern` keywords as compiled regular expressions, built once each.

const compiled = new Map<string, RegExp | undefined>();

/** Whether `value` matches `pattern`; undefined for a pattern JavaScript cannot compile, which checks nothing. */
export function matchesPattern(pattern: string, value: string): boolean | undefined {
  if (!compiled.has(pattern)) {
    try {
      compiled.set(pattern, new RegExp(pattern, 'u'));
    } catch {
      compiled.set(pattern, undefined);
    }
  }
  return compiled.get(pattern)?.test(value);
}
