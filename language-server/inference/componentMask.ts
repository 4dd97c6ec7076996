// Component masks for keep-only and ablation interventions, [tokens, C_total] row-major.
import type { MaskSelection } from './interventionIds';

/** `keep`: 1 for the selection, 0 elsewhere. `ablate`: 0 for the selection, 1 elsewhere. */
export type InterventionMode = 'keep' | 'ablate';

export function fullMask(tokenCount: number, cTotal: number): Float32Array {
  return new Float32Array(tokenCount * cTotal).fill(1);
}

export function interventionMask(
  mode: InterventionMode,
  selections: readonly MaskSelection[],
  tokenCount: number,
  cTotal: number,
): Float32Array {
  const selected = mode === 'keep' ? 1 : 0;
  const mask = new Float32Array(tokenCount * cTotal).fill(1 - selected);
  for (const { column, position } of selections) {
    if (position !== undefined) {
      mask[position * cTotal + column] = selected;
      continue;
    }
    for (let row = 0; row < tokenCount; row++) mask[row * cTotal + column] = selected;
  }
  return mask;
}
