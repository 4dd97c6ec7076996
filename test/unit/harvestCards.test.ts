import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { writeHarvest, writeRunJson, type HarvestExampleRow } from '../support/syntheticHarvest';
import { parseYaml } from '../../language-server/documents';
import { escapeMarkdown } from '../../language-server/runs/cardMarkdown';
import { HarvestCards } from '../../language-server/runs/harvestCards';
import { HarvestHandles } from '../../language-server/runs/harvestHandles';
import { RunLookup } from '../../language-server/runs/runLookup';
import { hover, idHover } from '../../language-server/services/hover';
import { caretPosition } from './testUtils/caret';

// A workspace with a config whose newest finished run has a harvest, an older run without one, and a
// second config whose only run was never harvested.
let root: string;
let handles: HarvestHandles;
let cards: HarvestCards;
let harvestedRun: string;

const VOCAB = [' the', ' cat', ' sat', ' on', ' mat', '*', ' [', '\n', ' ', 'x_y'];

function example(ci: number, marked: number, tokenIds: number[]): HarvestExampleRow {
  const ciValues = tokenIds.map((_, index) => (index === marked ? ci : 0.01));
  return { ci, activation: 2 * ci, sequence: 7, position: 30 + marked, marked, tokenIds, ciValues };
}

before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'paramlens-cards-'));
  harvestedRun = path.join(root, 'runs', 'tiny-20260102-000000-bbbb');
  const modules = [
    { path: 'h.0.mlp.c_fc', C: 4 },
    { path: 'h.1.mlp.down_proj', C: 16 },
  ];
  const runFields = { config_file: path.join(root, 'tiny.decomp.yaml'), modules };
  writeRunJson(path.join(root, 'runs', 'tiny-20260101-000000-aaaa'), {
    ...runFields,
    run_id: 'tiny-20260101-000000-aaaa',
    status: 'done',
    created: '2026-01-01T00:00:00Z',
  });
  writeRunJson(harvestedRun, {
    ...runFields,
    run_id: 'tiny-20260102-000000-bbbb',
    status: 'done',
    created: '2026-01-02T00:00:00Z',
  });
  // A newer run still training does not take the harvested one's place.
  writeRunJson(path.join(root, 'runs', 'tiny-20260103-000000-cccc'), {
    ...runFields,
    run_id: 'tiny-20260103-000000-cccc',
    status: 'running',
    created: '2026-01-03T00:00:00Z',
  });
  const examples = Array.from({ length: 10 }, (_, rank) => example(0.9 - rank / 20, 2, [0, 1, 2, 3, 0, 4]));
  examples[1] = example(0.88, 1, [5, 6, 7, 8, 9]);
  // A window longer than hover shows: 8 tokens on each side of the marked one, the rest elided.
  examples[2] = example(
    0.8,
    12,
    Array.from({ length: 25 }, (_, index) => index % 5),
  );
  writeHarvest(path.join(harvestedRun, 'harvest.sqlite'), {
    meta: {
      format_version: '1',
      run_id: 'tiny-20260102-000000-bbbb',
      ci_threshold: '0.1',
      input_kind: 'tokens',
      status: 'done',
    },
    modules: modules.map(({ path: module, C }) => ({ module, C })),
    components: [
      {
        module: 'h.1.mlp.down_proj',
        component: 12,
        density: 0.0123,
        meanCi: 0.04567,
        alive: true,
        label: 'cats *sitting*',
        examples,
      },
      { module: 'h.0.mlp.c_fc', component: 3, density: 0, meanCi: 0, alive: false, examples: [] },
    ],
    vocab: VOCAB,
  });
  writeRunJson(path.join(root, 'other', 'runs', 'other-20260101-000000-dddd'), {
    run_id: 'other-20260101-000000-dddd',
    status: 'done',
    created: '2026-01-01T00:00:00Z',
    config_file: path.join(root, 'other', 'other.decomp.yaml'),
    modules: [{ path: 'linear1', C: 20 }],
  });
  handles = new HarvestHandles();
  cards = new HarvestCards(new RunLookup([root]), handles);
});

after(() => {
  handles.dispose();
  rmSync(root, { recursive: true, force: true });
});

function uriOf(relative: string): string {
  return pathToFileURL(path.join(root, relative)).toString();
}

async function hoverIn(relative: string, textWithCaret: string): Promise<Hover | null> {
  const { text, position } = caretPosition(textWithCaret);
  const uri = relative.startsWith('vscode-notebook-cell:') ? relative : uriOf(relative);
  const document = TextDocument.create(uri, 'plaintext', 1, text);
  return /\.decomp\.ya?ml$/.test(uri)
    ? hover(document, parseYaml(text), position, cards)
    : idHover(document, position, cards);
}

async function markdownIn(relative: string, textWithCaret: string): Promise<string | undefined> {
  return ((await hoverIn(relative, textWithCaret))?.contents as MarkupContent | undefined)?.value;
}

function links(id: string): string {
  const args = encodeURIComponent(JSON.stringify([{ runDir: harvestedRun, id }]));
  return (
    `[Open in graph](command:paramlens.openComponentInGraph?${args}) · ` +
    `[Show all examples](command:paramlens.showComponentExamples?${args})`
  );
}

function expectedCard(): string {
  const plain = (rank: number, ci: string): string => `${rank}. \`${ci}\` the cat ⟦**sat**⟧ on the mat`;
  return [
    '**Subcomponent `h.1.mlp.down_proj:12`**',
    'Module `h.1.mlp.down_proj`, subcomponent 12 on its C axis.',
    '*cats \\*sitting\\**',
    'Density 1.23% of tokens (CI > 0.1) · mean CI 0.0457 · alive · run `tiny-20260102-000000-bbbb`',
    'Top examples (CI at the marked token):\n\n' +
      [
        plain(1, '0.9'),
        '2. `0.88` \\* ⟦**\\[**⟧⏎ x\\_y',
        '3. `0.8` … mat the cat sat on mat the cat ⟦**sat**⟧ on mat the cat sat on mat the …',
        plain(4, '0.75'),
        plain(5, '0.7'),
        plain(6, '0.65'),
        plain(7, '0.6'),
        plain(8, '0.55'),
      ].join('\n'),
    links('h.1.mlp.down_proj:12'),
  ].join('\n\n');
}

describe('harvest cards in hover', () => {
  test('a config shows the newest finished run’s card: label, statistics, marked examples, links', async () => {
    const result = await hoverIn('tiny.decomp.yaml', 'analysis:\n  components: [h.1.mlp.down_proj:1|2]\n');
    assert.deepEqual(result?.range, { start: { line: 1, character: 15 }, end: { line: 1, character: 35 } });
    assert.equal((result?.contents as MarkupContent).value, expectedCard());
  });

  test('a Python file finds the runs folder above it; IDs at the start and end of a line', async () => {
    assert.equal(await markdownIn('src/model.py', '|h.1.mlp.down_proj:12 = 1\n'), expectedCard());
    assert.equal(await markdownIn('src/model.py', 'ids = [0]\nh.1.mlp.down_proj:12|'), expectedCard());
  });

  test('a short name resolves to the run’s module in a Markdown file', async () => {
    const markdown = await markdownIn('notes.md', 'See 1.mlp.dow|n:12.');
    assert.ok(markdown?.startsWith('**Subcomponent `h.1.mlp.down_proj:12`**'), markdown);
    assert.ok(markdown?.includes('`1.mlp.down:12` is `h.1.mlp.down_proj:12` in this run.'), markdown);
    const up = await markdownIn('notes.md', 'See |0.mlp.up:3');
    assert.ok(up?.includes('`0.mlp.up:3` is `h.0.mlp.c_fc:3` in this run.'), up);
  });

  test('a notebook cell reads the runs beside its notebook', async () => {
    const cell = `vscode-notebook-cell:${pathToFileURL(path.join(root, 'analysis.ipynb')).pathname}#W0sZmlsZQ%3D%3D`;
    const markdown = await markdownIn(cell, 'show("h.0.mlp.c_fc:3|")');
    assert.ok(markdown?.includes('**dead** (mean CI ≤ 1e-6)'), markdown);
    assert.ok(markdown?.includes('No examples: this subcomponent never fired'), markdown);
  });

  test('an index past the module’s end, and a module the run lacks', async () => {
    assert.ok(
      (await markdownIn('tiny.decomp.yaml', '# h.1.mlp.down_proj:9|9\n'))?.endsWith(
        'Module `h.1.mlp.down_proj` has 16 subcomponents in run `tiny-20260102-000000-bbbb` (0 to 15); ' +
          '99 is past the end.',
      ),
    );
    assert.ok(
      (await markdownIn('tiny.decomp.yaml', '# h.7.mlp.c_fc:|1\n'))?.endsWith(
        'Run `tiny-20260102-000000-bbbb` has no module `h.7.mlp.c_fc`; its modules: `h.0.mlp.c_fc`, ' +
          '`h.1.mlp.down_proj`.',
      ),
    );
    // Outside a config, text with the shape of an ID is left alone unless the run has its module.
    assert.equal(await hoverIn('src/server.py', 'url = "localhost:80|80"'), null);
    assert.ok((await markdownIn('src/server.py', 'h.1.mlp.down_proj:1|6'))?.includes('past the end'));
  });

  test('a run without a harvest says which command makes one', async () => {
    assert.equal(
      await markdownIn('other/other.decomp.yaml', '# linear1:|3\n'),
      '**Subcomponent `linear1:3`**\n\nModule `linear1`, subcomponent 3 on its C axis.\n\n' +
        'Run `other-20260101-000000-dddd` has no harvest yet: run ' +
        '`paramlens harvest runs/other-20260101-000000-dddd` to see density, mean CI and top-activating ' +
        'examples here.',
    );
    assert.ok((await markdownIn('other/train.py', 'linear1:3|'))?.includes('`paramlens harvest runs/'));
    assert.equal(await hoverIn('other/train.py', 'linear9:|3'), null);
  });

  test('a config with no run at all says how to make one', async () => {
    assert.ok(
      (await markdownIn('fresh/new.decomp.yaml', '# linear1:|3\n'))?.endsWith(
        'No run yet: `paramlens decompose new.decomp.yaml` trains one, then `paramlens harvest runs/<run-id>` ' +
          'collects the statistics and top-activating examples shown here.',
      ),
    );
  });
});

describe('the componentCard request', () => {
  test('returns every example asked for, with the examples document', async () => {
    const result = await cards.request({ id: '1.mlp.down:12', uri: uriOf('src/model.py'), limit: 100 });
    assert.ok(result.found);
    assert.equal(result.card.module, 'h.1.mlp.down_proj');
    assert.equal(result.card.examples.length, 10);
    assert.deepEqual(result.card.examples[1]?.tokens, ['*', ' [', '\n', ' ', 'x_y']);
    assert.deepEqual(result.card.examples[1]?.ciValues, [0.01, 0.88, 0.01, 0.01, 0.01]);
    assert.ok(
      result.markdown.startsWith('# `h.1.mlp.down_proj:12` — cats \\*sitting\\*\n\n'),
      result.markdown,
    );
    assert.ok(result.markdown.includes('All 10 examples, strongest first'), result.markdown);
    assert.ok(
      result.markdown.includes(
        '10. `0.45` the cat ⟦**sat**⟧ on the mat — activation 0.9, sequence 7, position 32',
      ),
      result.markdown,
    );
  });

  test('names the run directory when given one, and explains what is missing', async () => {
    const found = await cards.request({ id: 'h.1.mlp.down_proj:12', runDir: harvestedRun, limit: 2 });
    assert.ok(
      found.found && found.card.examples.length === 2 && found.markdown.includes('strongest 2 of 10'),
    );
    assert.deepEqual(await cards.request({ id: 'not an id', runDir: harvestedRun, limit: 1 }), {
      found: false,
      reason:
        '`not an id` is not a subcomponent ID: expected `<module>:<index>`, e.g. `h.1.mlp.down_proj:12`.',
    });
    const missing = await cards.request({ id: 'linear1:0', uri: uriOf('other/other.decomp.yaml'), limit: 1 });
    assert.ok(!missing.found && missing.reason.includes('has no harvest yet'));
  });
});

describe('harvest handles', () => {
  test('a lock directory left by a process that died mid-read does not block reading', async () => {
    const harvest = path.join(harvestedRun, 'harvest.sqlite');
    // The handles of the tests above may still hold the lock of their last read.
    handles.dispose();
    const isolated = new HarvestCards(new RunLookup([root]), new HarvestHandles());
    mkdirSync(`${harvest}.lock`);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(`${harvest}.lock`, anHourAgo, anHourAgo);
    const result = await isolated.request({ id: 'h.1.mlp.down_proj:12', runDir: harvestedRun, limit: 1 });
    assert.ok(result.found);
  });

  test('at most `maxOpen` databases stay open, the least recently used closed first', async () => {
    const few = new HarvestHandles(1);
    await few.get(path.join(harvestedRun, 'harvest.sqlite'));
    assert.equal(few.openCount, 1);
    const copy = path.join(root, 'copy', 'harvest.sqlite');
    writeHarvest(copy, {
      meta: {
        format_version: '1',
        run_id: 'copy',
        ci_threshold: '0',
        input_kind: 'features',
        status: 'done',
      },
      modules: [],
      components: [],
      vocab: [],
    });
    await few.get(copy);
    assert.equal(few.openCount, 1);
    few.dispose();
    assert.equal(few.openCount, 0);
  });

  test('a file that is not a harvest says so', async () => {
    const bad = path.join(root, 'bad', 'harvest.sqlite');
    writeHarvest(bad, { meta: { format_version: '9' }, modules: [], components: [], vocab: [] });
    await assert.rejects(
      new HarvestHandles().get(bad),
      /has format_version 9; this version of ParamLens reads 1/,
    );
  });
});

test('markdown punctuation in token text is escaped', () => {
  assert.equal(escapeMarkdown('*a_b* [c](d) `e` <f> #1'), '\\*a\\_b\\* \\[c\\]\\(d\\) \\`e\\` \\<f\\> \\#1');
});
