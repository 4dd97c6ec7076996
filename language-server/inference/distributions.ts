// Next-token distributions from logits: softmax, the most probable tokens, and KL divergence. Computed in
// float64 from the float32 logits, so that tiny probabilities do not underflow in the KL sum.

/** log softmax of `logits`. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let index = 0; index < logits.length; index++) max = Math.max(max, logits[index] as number);
  let sum = 0;
  for (let index = 0; index < logits.length; index++) sum += Math.exp((logits[index] as number) - max);
  const logNormaliser = max + Math.log(sum);
  const result = new Float64Array(logits.length);
  for (let index = 0; index < logits.length; index++) {
    result[index] = (logits[index] as number) - logNormaliser;
  }
  return result;
}

/** Indices of the `k` largest values, largest first; equal values in index order. */
export function topK(values: ArrayLike<number>, k: number): number[] {
  const count = Math.min(Math.max(0, k), values.length);
  // Kept sorted, largest first; for the few predictions asked for, insertion beats sorting the vocabulary.
  const best: number[] = [];
  for (let index = 0; index < values.length; index++) {
    const value = values[index] as number;
    if (best.length === count && !(value > (values[best[count - 1] as number] as number))) continue;
    let slot = best.length;
    while (slot > 0 && value > (values[best[slot - 1] as number] as number)) slot--;
    best.splice(slot, 0, index);
    if (best.length > count) best.pop();
  }
  return best;
}

/** KL(p ‖ q) in nats from log probabilities; terms where p is 0 contribute nothing. */
export function klDivergence(logP: ArrayLike<number>, logQ: ArrayLike<number>): number {
  if (logP.length !== logQ.length)
    throw new Error(`KL of distributions over ${logP.length} and ${logQ.length} outcomes`);
  let kl = 0;
  for (let index = 0; index < logP.length; index++) {
    const lp = logP[index] as number;
    if (lp === -Infinity) continue;
    kl += Math.exp(lp) * (lp - (logQ[index] as number));
  }
  // Rounding can leave a tiny negative sum for two equal distributions; KL itself never is.
  return Math.max(0, kl);
}
