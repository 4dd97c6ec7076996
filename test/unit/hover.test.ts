import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseYaml } from '../../language-server/documents';
import { idOnlyCards, type ComponentCardSource } from '../../language-server/services/componentCards';
import { hover } from '../../language-server/services/hover';
import { caretPosition } from './testUtils/caret';

async function hoverAt(
  textWithCaret: string,
  cards: ComponentCardSource = idOnlyCards,
): Promise<Hover | null> {
  const { text, position } = caretPosition(textWithCaret);
  const document = TextDocument.create('file:///work/tiny.decomp.yaml', 'yaml', 1, text);
  return hover(document, parseYaml(text), position, cards);
}

async function markdownAt(textWithCaret: string, cards?: ComponentCardSource): Promise<string | undefined> {
  const result = await hoverAt(textWithCaret, cards);
  return (result?.contents as MarkupContent | undefined)?.value;
}

const ID_CARD =
  '**Subcomponent `h.1.mlp.down_proj:12`**\n\n' +
  'Module `h.1.mlp.down_proj`, subcomponent 12 on its C axis.\n\n' +
  'Top-activating examples appear here once a run of this config has been harvested.';

describe('hover on keys', () => {
  test('a key shows its path, type, bounds and description, with the presets of each method', async () => {
    assert.deepEqual(await hoverAt('method: spd\ntraining:\n  l|r: 1.0e-3\n'), {
      contents: {
        kind: 'markdown',
        value:
          '**training.lr** · a number greater than 0\n\nPeak learning rate. Preset — spd: 0.001; vpd: 5e-05.',
      },
      range: { start: { line: 2, character: 2 }, end: { line: 2, character: 4 } },
    });
  });

  test('a key with a default, allowed values and a required mark', async () => {
    assert.equal(
      await markdownAt('|method: spd\n'),
      "**method** · `spd` or `vpd` · required\n\nspd: stochastic parameter decomposition, the SPD paper's " +
        "toy-model settings. vpd: SPD plus an adversary and a global transformer CI function, the VPD paper's " +
        'language-model settings. Presets fill every key not given here.',
    );
    assert.equal(
      await markdownAt('training:\n  devic|e: cpu\n'),
      '**training.device** · a string\n\n`auto` (CUDA when available, else CPU), `cpu`, `cuda` or `cuda:<n>`.' +
        '\n\nDefault: `auto`',
    );
    assert.equal(
      await markdownAt('modules:\n  - pattern: linear1\n    |C: 20\n'),
      '**modules[0].C** · an integer at least 1 · required\n\n' +
        'Number of rank-one subcomponents for each module the pattern matches.',
    );
  });

  test('a key whose value is a section shows the section’s description too', async () => {
    assert.equal(
      await markdownAt('tar|get:\n  builtin: tms_5-2\n'),
      '**target** · a mapping · required\n\nThe trained model to decompose.\n\nExactly one of `builtin`, `huggingface` or `custom`.',
    );
  });

  test('a union told apart by `type` lists its shapes', async () => {
    const markdown = await markdownAt('ci_fun|ction:\n  type: mlp\n');
    assert.ok(
      markdown?.includes(
        "- `type: vector_mlp` — One MLP per subcomponent on the module's whole input vector.",
      ),
    );
  });

  test('an unknown key has no hover', async () => {
    assert.equal(await hoverAt('trai|nig:\n  lr: 1\n'), null);
  });
});

describe('hover on values', () => {
  test('an enum value with a meaning in the schema shows it', async () => {
    assert.deepEqual(await hoverAt('method: v|pd\n'), {
      contents: {
        kind: 'markdown',
        value:
          "**method**: `vpd`\n\nSPD plus an adversary and a global transformer CI function, the VPD paper's " +
          'language-model settings.',
      },
      range: { start: { line: 0, character: 8 }, end: { line: 0, character: 11 } },
    });
  });

  test('a CI function type shows what that function is', async () => {
    assert.equal(
      await markdownAt('ci_function:\n  type: global_transformer|\n'),
      '**ci_function.type**: `global_transformer`\n\n' +
        'One bidirectional transformer over the inputs of every decomposed module (VPD).',
    );
  });

  test('an enum value without a meaning of its own shows its key’s documentation', async () => {
    const markdown = await markdownAt('target:\n  builtin: tms_|5-2\n');
    assert.ok(markdown?.startsWith('**target.builtin** · `tms_5-2`, `tms_5-2-id`'), markdown);
  });

  test('a device that looks like an ID is still a device', async () => {
    assert.ok((await markdownAt('training:\n  device: cuda:|1\n'))?.startsWith('**training.device**'));
  });
});

describe('hover on subcomponent IDs', () => {
  test('an ID at the very start of a line', async () => {
    assert.deepEqual(await hoverAt('[\n|h.1.mlp.down_proj:12]\n'), {
      contents: { kind: 'markdown', value: ID_CARD },
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 20 } },
    });
  });

  test('an ID at the very end of a line, with the cursor after it', async () => {
    assert.deepEqual(await hoverAt('analysis:\n  components:\n    - h.1.mlp.down_proj:12|'), {
      contents: { kind: 'markdown', value: ID_CARD },
      range: { start: { line: 2, character: 6 }, end: { line: 2, character: 26 } },
    });
  });

  test('an ID in a flow list, in a comment, and a short name', async () => {
    assert.equal(
      await markdownAt(
        'analysis:\n  interventions:\n    - prompt: hi\n      keep: [h.1.mlp.down_proj:1|2]\n',
      ),
      ID_CARD,
    );
    assert.equal(await markdownAt('# look at |h.1.mlp.down_proj:12 first\n'), ID_CARD);
    assert.equal(
      await markdownAt('analysis:\n  components: [2.mlp.down:|7]\n'),
      '**Subcomponent `2.mlp.down:7`**\n\nModule `2.mlp.down`, subcomponent 7 on its C axis.\n\n' +
        "Also reads as a short name: layer 2, `mlp` block, `down` role, which the target's architecture maps " +
        'to a module.\n\nTop-activating examples appear here once a run of this config has been harvested.',
    );
  });

  test('the card comes from the source, which may know more or nothing', async () => {
    const harvested: ComponentCardSource = {
      cardFor: (match) => Promise.resolve({ id: match.id, short: undefined, details: ['Density 0.12.'] }),
    };
    assert.equal(
      await markdownAt('# |h.1.mlp.down_proj:12\n', harvested),
      '**Subcomponent `h.1.mlp.down_proj:12`**\n\nModule `h.1.mlp.down_proj`, subcomponent 12 on its C axis.' +
        '\n\nDensity 0.12.',
    );
    const silent: ComponentCardSource = { cardFor: () => Promise.resolve(undefined) };
    assert.equal(await hoverAt('# |h.1.mlp.down_proj:12\n', silent), null);
  });

  test('nothing on whitespace', async () => {
    assert.equal(await hoverAt('analysis:\n  components:\n |   - h.1.mlp.down_proj:12\n'), null);
    assert.equal(await hoverAt('method: spd  |  \n'), null);
    assert.equal(await hoverAt('|'), null);
  });
});
