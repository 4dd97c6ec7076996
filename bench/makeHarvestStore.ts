// Writes the synthetic run store that bench/lspCards.ts reads: `node --import tsx bench/makeHarvestStore.ts
// DIR`. Run in its own process so that the writer's memory is not counted in the reader's RSS.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CARDS_BENCH_SHAPE, READY_MARKER } from './cardsBenchShape';
import { writeSyntheticRunStore } from '../test/support/syntheticHarvest';

const root = process.argv[2];
if (root === undefined) throw new Error('usage: makeHarvestStore.ts DIR');
const started = Date.now();
let written = 0;
writeSyntheticRunStore(root, CARDS_BENCH_SHAPE, () => {
  written++;
  process.stderr.write(`\rharvest store: module ${written}/${CARDS_BENCH_SHAPE.modules}`);
});
writeFileSync(path.join(root, READY_MARKER), new Date().toISOString());
process.stderr.write(`\nharvest store written in ${Math.round((Date.now() - started) / 1000)} s: ${root}\n`);
