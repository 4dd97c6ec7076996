import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeHarvest } from '../support/syntheticHarvest';
import { HarvestDatabase } from '../../language-server/runs/harvestDatabase';

describe('alive counts from a harvest', () => {
  let folder: string;
  let database: HarvestDatabase;

  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'paramlens-alive-'));
    const file = path.join(folder, 'harvest.sqlite');
    const component = (module: string, index: number, alive: boolean) => ({
      module,
      component: index,
      density: alive ? 0.1 : 0,
      meanCi: alive ? 0.2 : 0,
      alive,
      examples: [],
    });
    writeHarvest(file, {
      meta: { format_version: '1', run_id: 'r', ci_threshold: '0.1', input_kind: 'tokens', status: 'done' },
      modules: [
        { module: 'h.0.mlp.c_fc', C: 3 },
        { module: 'h.1.mlp.c_fc', C: 2 },
      ],
      components: [
        component('h.0.mlp.c_fc', 0, true),
        component('h.0.mlp.c_fc', 1, false),
        component('h.0.mlp.c_fc', 2, true),
        component('h.1.mlp.c_fc', 0, false),
        component('h.1.mlp.c_fc', 1, false),
      ],
      vocab: [],
    });
    database = await HarvestDatabase.open(file);
  });

  after(async () => {
    database.close();
    await rm(folder, { recursive: true, force: true });
  });

  test('alive and total subcomponents per module', async () => {
    assert.deepEqual(
      [...(await database.aliveCounts())],
      [
        ['h.0.mlp.c_fc', { alive: 2, total: 3 }],
        ['h.1.mlp.c_fc', { alive: 0, total: 2 }],
      ],
    );
  });

  test('every dead subcomponent as an ID', async () => {
    assert.deepEqual([...(await database.deadComponents())].sort(), [
      'h.0.mlp.c_fc:1',
      'h.1.mlp.c_fc:0',
      'h.1.mlp.c_fc:1',
    ]);
  });
});
