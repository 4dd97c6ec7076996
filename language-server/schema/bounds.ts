// Numeric bounds of a schema branch: whether a number keeps them, and how to say them.
import type { JsonSchema } from './jsonSchema';

/** Whether `value` keeps every bound of `branch`. */
export function withinBounds(value: number, branch: JsonSchema): boolean {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = branch;
  return (
    (minimum === undefined || value >= minimum) &&
    (exclusiveMinimum === undefined || value > exclusiveMinimum) &&
    (maximum === undefined || value <= maximum) &&
    (exclusiveMaximum === undefined || value < exclusiveMaximum)
  );
}

/** The bounds of `branch` in words, "greater than 0 and at most 1"; undefined when it has none. */
export function boundsWords(branch: JsonSchema): string | undefined {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = branch;
  const words = [
    minimum === undefined ? undefined : `at least ${minimum}`,
    exclusiveMinimum === undefined ? undefined : `greater than ${exclusiveMinimum}`,
    maximum === undefined ? undefined : `at most ${maximum}`,
    exclusiveMaximum === undefined ? undefined : `less than ${exclusiveMaximum}`,
  ].filter((word) => word !== undefined);
  return words.length === 0 ? undefined : words.join(' and ');
}
