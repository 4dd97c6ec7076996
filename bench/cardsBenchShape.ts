// The synthetic harvest the card bench reads: 40,000 subcomponents × 50 examples × 41 tokens, about the
// size a VPD run on a small language model harvests.
import type { SyntheticHarvestShape } from '../test/support/syntheticHarvest';

export const CARDS_BENCH_SHAPE: SyntheticHarvestShape = {
  modules: 40,
  componentsPerModule: 1000,
  examplesPerComponent: 50,
  windowTokens: 41,
  vocabSize: 50_000,
  seed: 1,
};

/** Bump when the shape or the writer changes, so that a cached store of the old layout is not reused. */
export const STORE_VERSION = 1;
export const READY_MARKER = 'ready';
