import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { CompletionItem, CompletionList } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { writeHarvest, writeRunJson, type HarvestComponentRow } from '../support/syntheticHarvest';
import { parseYaml } from '../../language-server/documents';
import { HarvestHandles } from '../../language-server/runs/harvestHandles';
import { RunLookup } from '../../language-server/runs/runLookup';
import { modulePatterns, nativeConfig } from '../../language-server/services/configSections';
import type { ModelFacts } from '../../language-server/services/moduleFacts';
import {
  COMPONENTS_OFFERED,
  idSlotAt,
  subcomponentIdCompletion,
  type HarvestReader,
} from '../../language-server/services/subcomponentIdCompletion';
import { caretPosition } from './testUtils/caret';
import { TINY_LISTING } from './testUtils/moduleListing';

// A workspace with `tiny.decomp.yaml`, whose newest finished run has a harvest of two modules, and
// `fresh.decomp.yaml` with no run at all.
let root: string;
let handles: HarvestHandles;
let runs: RunLookup;

const FACTS: ModelFacts = { listing: TINY_LISTING, alive: undefined };
const C_FC_ALIVE = 250;

function component(module: string, index: number, density: number, alive = true): HarvestComponentRow {
  return { module, component: index, density, meanCi: density / 3, alive, examples: [] };
}

before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'paramlens-id-completion-'));
  const modules = [
    { module: 'h.0.mlp.c_fc', C: 256 },
    { module: 'h.1.mlp.down_proj', C: 16 },
  ];
  const runDir = path.join(root, 'runs', 'tiny-20260101-000000-aaaa');
  writeRunJson(runDir, {
    run_id: 'tiny-20260101-000000-aaaa',
    status: 'done',
    created: '2026-01-01T00:00:00Z',
    config_file: path.join(root, 'tiny.decomp.yaml'),
    modules: modules.map(({ module, C }) => ({ path: module, C })),
  });
  writeHarvest(path.join(runDir, 'harvest.sqlite'), {
    meta: {
      format_version: '1',
      run_id: 'tiny-20260101-000000-aaaa',
      ci_threshold: '0.1',
      input_kind: 'tokens',
      status: 'done',
    },
    modules,
    components: [
      // More alive subcomponents than are offered, each less dense than the one before; the rest dead.
      ...Array.from({ length: 256 }, (_, index) =>
        component('h.0.mlp.c_fc', index, index < C_FC_ALIVE ? 0.001 / (index + 1) : 0, index < C_FC_ALIVE),
      ),
      { ...component('h.1.mlp.down_proj', 12, 0.0123), meanCi: 0.004, label: 'cats sitting' },
      component('h.1.mlp.down_proj', 3, 0.25),
      component('h.1.mlp.down_proj', 7, 0, false),
    ],
    vocab: [' the'],
  });
  handles = new HarvestHandles();
  runs = new RunLookup([root]);
});

after(() => {
  handles.dispose();
  rmSync(root, { recursive: true, force: true });
});

function config(analysis: string): string {
  return (
    'method: vpd\ntarget:\n  builtin: tiny_llama\nmodules:\n  - pattern: h.*.mlp.c_fc\n    C: 8\n' +
    `  - pattern: h.1.mlp.down_proj\n    C: 16\n  - pattern: wte\nanalysis:\n${analysis}`
  );
}

/** The chosen run's harvest, found as the completion handler finds it. */
async function harvestOf(configFile: string): Promise<HarvestReader | undefined> {
  const run = runs.choose(path.join(root, configFile)).harvested;
  if (run?.harvestPath === undefined) return undefined;
  return handles.get(run.harvestPath);
}

async function complete(
  textWithCaret: string,
  configFile = 'tiny.decomp.yaml',
  facts: ModelFacts | null = FACTS,
): Promise<CompletionList | undefined> {
  const { text, position } = caretPosition(textWithCaret);
  const uri = pathToFileURL(path.join(root, configFile)).toString();
  const slot = idSlotAt(TextDocument.create(uri, 'yaml', 1, text), position);
  if (slot === undefined) return undefined;
  const patterns = modulePatterns(nativeConfig(parseYaml(text)));
  return subcomponentIdCompletion(slot, {
    harvest: await harvestOf(configFile),
    facts: facts ?? undefined,
    patterns,
  });
}

async function itemsAt(
  textWithCaret: string,
  configFile?: string,
  facts?: ModelFacts,
): Promise<CompletionItem[]> {
  const list = await complete(textWithCaret, configFile, facts);
  assert.ok(list !== undefined, 'expected the cursor to be on an ID');
  assert.equal(list.isIncomplete, true);
  return [...list.items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
}

async function labelsAt(textWithCaret: string, configFile?: string, facts?: ModelFacts): Promise<string[]> {
  return (await itemsAt(textWithCaret, configFile, facts)).map((item) => item.label);
}

describe('completion of subcomponent IDs from the chosen run’s harvest', () => {
  test('after a module and its colon, its alive subcomponents, densest first, with statistics', async () => {
    const items = await itemsAt(config('  components:\n    - h.1.mlp.down_proj:|\n'));
    assert.deepEqual(
      items.map(({ label, detail, documentation }) => ({ label, detail, documentation })),
      [
        { label: 'h.1.mlp.down_proj:3', detail: 'density 25% · mean CI 0.083', documentation: undefined },
        {
          label: 'h.1.mlp.down_proj:12',
          detail: 'density 1.2% · mean CI 0.004',
          documentation: 'cats sitting',
        },
      ],
    );
    // The edit replaces the whole item, the module typed before the cursor included.
    assert.deepEqual(items[0]?.textEdit, {
      range: { start: { line: 11, character: 6 }, end: { line: 11, character: 24 } },
      newText: 'h.1.mlp.down_proj:3',
    });
  });

  test('a module with more alive subcomponents than are offered gives the densest ones', async () => {
    const labels = await labelsAt(config('  components:\n    - h.0.mlp.c_fc:1|\n'));
    assert.equal(labels.length, COMPONENTS_OFFERED);
    assert.deepEqual(labels.slice(0, 3), ['h.0.mlp.c_fc:0', 'h.0.mlp.c_fc:1', 'h.0.mlp.c_fc:2']);
    assert.equal(labels.at(-1), `h.0.mlp.c_fc:${COMPONENTS_OFFERED - 1}`);
  });

  test('a partial module offers the modules with a colon first, then the densest subcomponents', async () => {
    const items = await itemsAt(config('  components:\n    - h.1|\n'));
    assert.deepEqual(
      items.slice(0, 2).map(({ label, detail }) => ({ label, detail })),
      [
        { label: 'h.0.mlp.c_fc:', detail: `${C_FC_ALIVE} alive · index 0–255` },
        { label: 'h.1.mlp.down_proj:', detail: '2 alive · index 0–15' },
      ],
    );
    // Only the modules whose path starts with the typed text give subcomponents.
    assert.deepEqual(
      items.slice(2).map((item) => item.label),
      ['h.1.mlp.down_proj:3', 'h.1.mlp.down_proj:12'],
    );
    assert.equal(items[0]?.command?.command, 'editor.action.triggerSuggest');
  });

  test('an empty item offers every module and the densest subcomponents of all of them', async () => {
    const labels = await labelsAt(config('  components:\n    - |\n'));
    assert.deepEqual(labels.slice(0, 4), [
      'h.0.mlp.c_fc:',
      'h.1.mlp.down_proj:',
      'h.1.mlp.down_proj:3',
      'h.1.mlp.down_proj:12',
    ]);
    assert.equal(labels.length, 2 + COMPONENTS_OFFERED);
  });

  test('keep and ablate of an intervention, in block lists', async () => {
    const intervention = '  interventions:\n    - prompt: the cat\n';
    const keep = await labelsAt(config(`${intervention}      keep:\n        - h.1.mlp.down_proj:|\n`));
    assert.deepEqual(keep, ['h.1.mlp.down_proj:3', 'h.1.mlp.down_proj:12']);
    const ablate = await labelsAt(
      config(`${intervention}    - ablate:\n        - h.0.mlp.c_fc:0\n        - h.1.mlp.down_proj:|`),
    );
    assert.deepEqual(ablate, ['h.1.mlp.down_proj:3', 'h.1.mlp.down_proj:12']);
  });

  test('flow lists, after the first item and on a new intervention', async () => {
    const text = config('  components: [h.0.mlp.c_fc:0, "h.1.mlp.down_proj:|"]\n');
    const items = await itemsAt(text);
    assert.deepEqual(
      items.map((item) => item.label),
      ['h.1.mlp.down_proj:3', 'h.1.mlp.down_proj:12'],
    );
    // Inside quotes, the quotes stay.
    assert.deepEqual(items[0]?.textEdit, {
      range: { start: { line: 10, character: 32 }, end: { line: 10, character: 50 } },
      newText: 'h.1.mlp.down_proj:3',
    });
    const labels = await labelsAt(
      config('  interventions:\n    - prompt: a\n    - keep: [h.1.mlp.down_proj:|]\n      prompt: b\n'),
    );
    assert.deepEqual(labels, ['h.1.mlp.down_proj:3', 'h.1.mlp.down_proj:12']);
  });

  test('a module the run did not decompose offers nothing after its colon', async () => {
    assert.deepEqual(await labelsAt(config('  components:\n    - lm_head:|\n')), []);
  });

  test('the selected run answers instead of the config’s newest', async () => {
    const otherRun = path.join(root, 'elsewhere', 'runs', 'other-20260101-000000-bbbb');
    writeRunJson(otherRun, {
      run_id: 'other-20260101-000000-bbbb',
      status: 'done',
      created: '2026-01-01T00:00:00Z',
      config_file: path.join(root, 'elsewhere', 'other.decomp.yaml'),
      modules: [{ path: 'wte', C: 4 }],
    });
    writeHarvest(path.join(otherRun, 'harvest.sqlite'), {
      meta: {
        format_version: '1',
        run_id: 'other-20260101-000000-bbbb',
        ci_threshold: '0.1',
        status: 'done',
      },
      modules: [{ module: 'wte', C: 4 }],
      components: [component('wte', 2, 0.5)],
      vocab: [],
    });
    runs.select(otherRun);
    try {
      assert.deepEqual(await labelsAt(config('  components:\n    - |\n')), ['wte:', 'wte:2']);
    } finally {
      runs.select(undefined);
    }
  });
});

describe('completion of subcomponent IDs without a harvest', () => {
  test('with no run, the decomposed modules of the listing with a colon and their index range', async () => {
    const items = await itemsAt(config('  components:\n    - h.|\n'), 'fresh.decomp.yaml');
    assert.deepEqual(
      items.map(({ label, detail }) => ({ label, detail })),
      [
        { label: 'wte:', detail: 'index from 0 (wte has no C yet)' },
        { label: 'h.0.mlp.c_fc:', detail: 'index 0–7' },
        { label: 'h.1.mlp.c_fc:', detail: 'index 0–7' },
        { label: 'h.1.mlp.down_proj:', detail: 'index 0–15' },
      ],
    );
    // The index is typed by hand, so inserting a module opens no further suggestions.
    assert.equal(items[0]?.command, undefined);
  });

  test('after the colon the index is typed by hand', async () => {
    assert.deepEqual(
      await labelsAt(config('  components:\n    - h.0.mlp.c_fc:|\n'), 'fresh.decomp.yaml'),
      [],
    );
  });

  test('with no run and no listing, nothing', async () => {
    const list = await complete(config('  components: [|]\n'), 'fresh.decomp.yaml', null);
    assert.deepEqual(list, { isIncomplete: true, items: [] });
  });
});

describe('where IDs are completed', () => {
  test('not in prompts, patterns, keys or other lists', async () => {
    assert.equal(await complete(config('  prompts:\n    - prompt: h.1|\n')), undefined);
    assert.equal(await complete(config('  interventions:\n    - prompt: a\n      name: h.|\n')), undefined);
    assert.equal(await complete('modules:\n  - pattern: h.1|\n'), undefined);
    assert.equal(await complete('data:\n  text:\n    train: [a.txt, |]\n'), undefined);
    assert.equal(await complete('analysis:\n  components:\n    - h.1.mlp.c_fc:1 # a |'), undefined);
    assert.equal(await complete('analysis:\n  |'), undefined);
  });
});
