import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseShortSubcomponentId, parseSubcomponentId, type SubcomponentIdMatch } from '../../protocol/ids';
import type { ComponentCard, RunInfo } from '../../protocol/serverApi';
import type { EngineServer } from '../../language-server/runs/engineServer';
import { harvestCard, ServerCards } from '../../language-server/runs/serverCards';

const URL = 'http://gpu-box:8000';

function card(module: string, index: number): ComponentCard {
  return {
    module,
    component: index,
    density: 0.25,
    mean_ci: 0.1,
    alive: true,
    n_examples: 1,
    label: null,
    input_kind: 'tokens',
    ci_threshold: 0.1,
    examples: [
      {
        rank: 0,
        ci: 0.9,
        activation: 1.5,
        sequence: 3,
        position: 5,
        marked: 5,
        token_ids: [0, 1, 2, 3, 4, 5, 6, 7],
        tokens: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
        ci_values: [0, 0.1, 0.2, 0.3, 0.4, 0.9, 0.6, 0.7],
        activations: [0, 0, 0, 0, 0, 1.5, 0, 0],
      },
    ],
    input_token_pmi: [],
    output_token_pmi: [],
  };
}

function run(runId: string, configFile: string, harvested: boolean): RunInfo {
  return {
    run_id: runId,
    status: 'done',
    config_file: configFile,
    modules: [{ path: 'layers.0.mlp.down_proj', kind: 'linear', d_in: 8, d_out: 4, C: 16 }],
    files: harvested ? ['harvest.sqlite', 'run.json'] : ['run.json'],
  } as unknown as RunInfo;
}

function match(text: string): SubcomponentIdMatch {
  const id = parseSubcomponentId(text);
  assert.ok(id);
  return { text, start: 0, end: text.length, id, short: parseShortSubcomponentId(text) };
}

/** An engine with a fixed run list that records which cards were asked for. */
function engine(runs: RunInfo[]): { engine: EngineServer; asked: string[] } {
  const asked: string[] = [];
  const fake = {
    url: () => Promise.resolve(URL),
    runs: () => Promise.resolve(runs),
    componentCard: (runId: string, module: string, index: number) => {
      asked.push(`${runId}/${module}:${index}`);
      return Promise.resolve(card(module, index));
    },
  };
  return { engine: fake as unknown as EngineServer, asked };
}

describe('cards from the decomposition server', () => {
  test('cuts each example to the context around its marked token, as a local harvest does', () => {
    const converted = harvestCard(card('m', 3), 'r1', `${URL}/runs/r1`, 2);
    const [example] = converted.examples;
    assert.deepEqual(example?.tokens, ['d', 'e', 'f', 'g', 'h']);
    assert.equal(example?.marked, 2);
    assert.deepEqual([example?.omittedBefore, example?.omittedAfter], [3, 0]);
    assert.deepEqual(example?.ciValues, [0.3, 0.4, 0.9, 0.6, 0.7]);
    assert.equal(converted.meanCi, 0.1);
  });

  test('reads the harvested run trained from a config of the same name, resolving a short ID', async () => {
    const { engine: server, asked } = engine([
      run('newest', '/remote/other.decomp.yaml', true),
      run('mine', '/remote/exp/lm.decomp.yaml', true),
      run('unharvested', '/remote/lm.decomp.yaml', false),
    ]);
    const found = await new ServerCards(server).card(match('0.mlp.down:7'), '/home/me/lm.decomp.yaml', 8, 8);
    assert.deepEqual(asked, ['mine/layers.0.mlp.down_proj:7']);
    assert.equal(found?.runDir, `${URL}/runs/mine`);
  });

  test('asks nothing for text shaped like an ID that names no module of the run', async () => {
    const { engine: server, asked } = engine([run('newest', '/remote/lm.decomp.yaml', true)]);
    assert.equal(
      await new ServerCards(server).card(match('localhost:8080'), '/home/me/notes.py', 8, 8),
      undefined,
    );
    assert.deepEqual(asked, []);
  });

  test('answers a card link by the run URL it carries, on the server it came from only', async () => {
    const { engine: server, asked } = engine([run('mine', '/remote/lm.decomp.yaml', true)]);
    const cards = new ServerCards(server);
    assert.ok(await cards.cardAt(`${URL}/runs/mine`, match('layers.0.mlp.down_proj:2'), 500));
    assert.equal(
      await cards.cardAt('http://elsewhere:1/runs/mine', match('layers.0.mlp.down_proj:2'), 5),
      undefined,
    );
    assert.deepEqual(asked, ['mine/layers.0.mlp.down_proj:2']);
  });
});
