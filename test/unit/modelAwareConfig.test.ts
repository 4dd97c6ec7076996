import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DiagnosticSeverity, type Diagnostic, type MarkupContent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { OPEN_PROMPT_GRAPH_COMMAND, RUN_DECOMPOSITION_COMMAND } from '../../protocol/lspRequests';
import { parseYaml } from '../../language-server/documents';
import { configCodeLenses } from '../../language-server/services/configCodeLens';
import { configDiagnostics } from '../../language-server/services/configDiagnostics';
import { nativeConfig } from '../../language-server/services/configSections';
import { moduleDefinition } from '../../language-server/services/definition';
import { promptGraphId } from '../../language-server/services/graphIds';
import type { ModelFacts } from '../../language-server/services/moduleFacts';
import { modulePathCompletion } from '../../language-server/services/modulePathCompletion';
import { patternHover } from '../../language-server/services/patternHover';
import { caretPosition } from './testUtils/caret';
import { MODEL_SOURCE, TINY_LISTING } from './testUtils/moduleListing';

const URI = 'file:///work/tiny.decomp.yaml';
const FACTS: ModelFacts = { listing: TINY_LISTING, alive: undefined };

function config(modules: string, analysis = ''): string {
  return `method: vpd\ntarget:\n  builtin: tiny_llama\ndata:\n  text:\n    train: [a.txt]\n    tokenizer: t.json\nmodules:\n${modules}${analysis}`;
}

function messageText(message: Diagnostic['message'] | undefined): string {
  return typeof message === 'object' ? message.value : (message ?? '');
}

function documentOf(text: string, uri = URI): TextDocument {
  return TextDocument.create(uri, 'yaml', 1, text);
}

/** The model-aware diagnostics only: code, message, severity and the text the range covers. */
function modelProblems(text: string, facts: ModelFacts | null = FACTS) {
  const document = documentOf(text);
  return configDiagnostics(document, parseYaml(text), { facts: facts ?? undefined, reference: undefined })
    .filter((diagnostic) => diagnostic.code !== 'MISSING_KEY')
    .map((diagnostic) => ({
      code: diagnostic.code,
      severity: diagnostic.severity,
      text: document.getText(diagnostic.range),
      message: diagnostic.message,
    }));
}

describe('module patterns against the listing', () => {
  test('a pattern that matches nothing names the closest paths, at the exact value', () => {
    assert.deepEqual(modelProblems(config('  - pattern: h.*.mlp.fc\n    C: 8\n')), [
      {
        code: 'PATTERN_MATCHES_NOTHING',
        severity: DiagnosticSeverity.Error,
        text: 'h.*.mlp.fc',
        message:
          'modules[0].pattern: `h.*.mlp.fc` matches no module of the target; close: `h.*.mlp.c_fc`, ' +
          '`h.0.mlp.c_fc` or `h.1.mlp.c_fc`.',
      },
    ]);
  });

  test('a quoted pattern is marked with its quotes', () => {
    const [problem] = modelProblems(config("  - pattern: 'nope'\n    C: 8\n"));
    assert.equal(problem?.text, "'nope'");
  });

  test('a module matched by two patterns names both', () => {
    assert.deepEqual(
      modelProblems(config('  - pattern: h.*.mlp.c_fc\n    C: 8\n  - pattern: h.1.mlp.*_*\n    C: 4\n')),
      [
        {
          code: 'MODULE_MATCHED_TWICE',
          severity: DiagnosticSeverity.Error,
          text: 'h.1.mlp.*_*',
          message:
            'modules[1].pattern: `h.1.mlp.c_fc` is matched by both `h.*.mlp.c_fc` (modules[0]) and ' +
            '`h.1.mlp.*_*`; each module takes one pattern.',
        },
      ],
    );
  });

  test('a star crosses dots, so `h.*` takes containers the engine cannot decompose', () => {
    const [problem] = modelProblems(config('  - pattern: h.*\n    C: 8\n'));
    assert.equal(problem?.code, 'PATTERN_MATCHES_UNDECOMPOSABLE');
    assert.match(
      messageText(problem?.message),
      /`h\.0` \(Block\), `h\.0\.attn` \(CausalSelfAttention\), .* and 2 more/,
    );
  });

  test('without a listing, patterns are not checked', () => {
    assert.deepEqual(modelProblems(config('  - pattern: nope\n    C: 8\n'), null), []);
  });
});

describe('subcomponent IDs of the analysis section', () => {
  const modules = '  - pattern: h.*.mlp.down_proj\n    C: 16\n  - pattern: h.*.attn.q_proj\n    C: 8\n';

  test('unknown modules, undecomposed modules and indices past C', () => {
    const analysis =
      'analysis:\n  components:\n    - h.1.mlp.down_proj:16\n    - h.7.mlp.down_proj:1\n    - h.0.mlp.c_fc:1\n' +
      '    - h.0.mlp.down_proj:15\n';
    assert.deepEqual(modelProblems(config(modules, analysis)), [
      {
        code: 'INDEX_OUT_OF_RANGE',
        severity: DiagnosticSeverity.Error,
        text: 'h.1.mlp.down_proj:16',
        message:
          'analysis.components[0]: index 16 is out of range: `h.*.mlp.down_proj` gives `h.1.mlp.down_proj` ' +
          'C = 16, so expected an index from 0 to 15.',
      },
      {
        code: 'UNKNOWN_MODULE',
        severity: DiagnosticSeverity.Error,
        text: 'h.7.mlp.down_proj:1',
        message:
          'analysis.components[1]: the target has no decomposable module `h.7.mlp.down_proj`; expected a ' +
          'module path such as `h.0.mlp.down_proj` or `h.1.mlp.down_proj`.',
      },
      {
        code: 'MODULE_NOT_DECOMPOSED',
        severity: DiagnosticSeverity.Error,
        text: 'h.0.mlp.c_fc:1',
        message:
          'analysis.components[2]: module `h.0.mlp.c_fc` is not decomposed: it matches none of ' +
          '`h.*.mlp.down_proj` and `h.*.attn.q_proj`.',
      },
    ]);
  });

  test('IDs in flow lists of keep and ablate, at the start and the end of the line', () => {
    const analysis =
      'analysis:\n  interventions:\n    - prompt: hi\n      keep: [h.0.attn.q_proj:9, h.0.attn.q_proj:1]\n' +
      '    - prompt: hi\n      ablate:\n- h.0.attn.q_proj:8\n';
    const text = config(modules, analysis).replace('\n- h.0', '\n        - h.0');
    const problems = modelProblems(text).map(({ code, text: range }) => [code, range]);
    assert.deepEqual(problems, [
      ['INDEX_OUT_OF_RANGE', 'h.0.attn.q_proj:9'],
      ['INDEX_OUT_OF_RANGE', 'h.0.attn.q_proj:8'],
    ]);
  });

  test('an ID at the very end of the file is found with its exact range', () => {
    const text = `${config(modules)}analysis:\n  components:\n    - h.0.attn.q_proj:8`;
    const document = documentOf(text);
    const diagnostics = configDiagnostics(document, parseYaml(text), { facts: FACTS, reference: undefined });
    const outOfRange = diagnostics.find((diagnostic) => diagnostic.code === 'INDEX_OUT_OF_RANGE');
    const last = document.lineCount - 1;
    assert.deepEqual(outOfRange?.range, {
      start: { line: last, character: 6 },
      end: { line: last, character: 23 },
    });
  });

  test('a short name that is malformed, one that resolves, and one that names no module', () => {
    const analysis = 'analysis:\n  components: [0.attn.qq:1, 1.mlp.down:3, 1.mlp.down:99, 5.attn.q:1]\n';
    const problems = modelProblems(config(modules, analysis)).map(({ code, severity, text }) => [
      code,
      severity,
      text,
    ]);
    assert.deepEqual(problems, [
      ['MALFORMED_ID', DiagnosticSeverity.Error, '0.attn.qq:1'],
      ['INDEX_OUT_OF_RANGE', DiagnosticSeverity.Error, '1.mlp.down:99'],
      ['UNRESOLVED_SHORT_ID', DiagnosticSeverity.Warning, '5.attn.q:1'],
    ]);
  });

  test('a dead subcomponent of the chosen run is a warning', () => {
    const facts: ModelFacts = {
      listing: TINY_LISTING,
      alive: {
        runId: 'tiny-1',
        source: 'harvest',
        perModule: new Map(),
        dead: new Set(['h.1.mlp.down_proj:3']),
      },
    };
    const analysis = 'analysis:\n  components: [h.1.mlp.down_proj:3, h.1.mlp.down_proj:4]\n';
    assert.deepEqual(modelProblems(config(modules, analysis), facts), [
      {
        code: 'DEAD_COMPONENT',
        severity: DiagnosticSeverity.Warning,
        text: 'h.1.mlp.down_proj:3',
        message:
          'analysis.components[0]: `h.1.mlp.down_proj:3` is dead in run `tiny-1`: its mean CI over the ' +
          'harvested tokens is at most 1e-6, so it never takes part; expected an alive subcomponent.',
      },
    ]);
  });

  test('empty and malformed YAML give no model diagnostics and do not throw', () => {
    for (const text of ['', '# only a comment\n', 'modules: [\n', 'analysis:\n  components: {', ': :\n']) {
      const model = modelProblems(text).filter((problem) =>
        ['PATTERN_MATCHES_NOTHING', 'MODULE_MATCHED_TWICE', 'UNKNOWN_MODULE'].includes(String(problem.code)),
      );
      assert.deepEqual(model, [], text);
    }
  });
});

describe('completion of module paths in a pattern', () => {
  function labelsAt(textWithCaret: string): { label: string; detail?: string }[] {
    const { text, position } = caretPosition(textWithCaret);
    return modulePathCompletion(documentOf(text), position, FACTS).map(({ label, detail }) => ({
      label,
      ...(detail === undefined ? {} : { detail }),
    }));
  }

  test('layer patterns first, then every decomposable module, with shapes', () => {
    const items = labelsAt(config('  - pattern: h.|\n'));
    assert.deepEqual(items.slice(0, 4), [
      { label: 'h.*.attn.q_proj', detail: '2 modules · linear 128 → 128' },
      { label: 'h.*.attn.o_proj', detail: '2 modules · linear 128 → 128' },
      { label: 'h.*.mlp.c_fc', detail: '2 modules · linear 128 → 512' },
      { label: 'h.*.mlp.down_proj', detail: '2 modules · linear 512 → 128' },
    ]);
    const paths = items.slice(4).map((item) => item.label);
    assert.deepEqual(paths, [
      'wte',
      'h.0.attn.q_proj',
      'h.0.attn.o_proj',
      'h.0.mlp.c_fc',
      'h.0.mlp.down_proj',
      'h.1.attn.q_proj',
      'h.1.attn.o_proj',
      'h.1.mlp.c_fc',
      'h.1.mlp.down_proj',
      'lm_head',
    ]);
  });

  test('the edit replaces the whole value around the cursor, in a later list item', () => {
    const { text, position } = caretPosition(config('  - pattern: wte\n    C: 4\n  - pattern: h.0|.mlp\n'));
    const [first] = modulePathCompletion(documentOf(text), position, FACTS);
    assert.deepEqual(first?.textEdit, {
      range: { start: { line: 10, character: 13 }, end: { line: 10, character: 20 } },
      newText: 'h.*.attn.q_proj',
    });
  });

  test('nothing outside a pattern value', () => {
    assert.deepEqual(labelsAt(config('  - pattern: wte\n    C: |\n')), []);
    assert.deepEqual(labelsAt('other:\n  pattern: |\n'), []);
    assert.deepEqual(labelsAt('|'), []);
  });
});

describe('hover on a pattern', () => {
  test('the matched modules with shapes, C and alive counts', () => {
    const { text, position } = caretPosition(config('  - pattern: h.*.mlp.c|_fc\n    C: 256\n'));
    const facts: ModelFacts = {
      listing: TINY_LISTING,
      alive: {
        runId: 'tiny-1',
        source: 'evaluation',
        perModule: new Map([['h.0.mlp.c_fc', 200]]),
        dead: undefined,
      },
    };
    const hover = patternHover(documentOf(text), nativeConfig(parseYaml(text)), position, facts);
    assert.equal(
      (hover?.contents as MarkupContent).value,
      '**Pattern `h.*.mlp.c_fc`** · 2 modules · C = 256 each\n\n' +
        '- `h.0.mlp.c_fc` · linear 128 → 512 · 200 of 256 alive\n' +
        '- `h.1.mlp.c_fc` · linear 128 → 512\n\n' +
        'Alive: mean CI above 1e-6 at the latest evaluation of run `tiny-1`.',
    );
    assert.deepEqual(hover?.range, { start: { line: 8, character: 13 }, end: { line: 8, character: 25 } });
  });

  test('a pattern that matches nothing, and no hover off patterns', () => {
    const { text, position } = caretPosition(config('  - pattern: |zzz\n    C: 256\n'));
    const hover = patternHover(documentOf(text), nativeConfig(parseYaml(text)), position, FACTS);
    assert.match((hover?.contents as MarkupContent).value, /Matches no module of the target\./);
    const off = caretPosition(config('  - pattern: zzz\n    |C: 256\n'));
    assert.equal(
      patternHover(documentOf(off.text), nativeConfig(parseYaml(off.text)), off.position, FACTS),
      null,
    );
  });
});

describe('go to definition of a module', () => {
  const sourceUri = `file://${MODEL_SOURCE}`;

  test('a pattern leads to each distinct source line of the modules it matches', () => {
    const { text, position } = caretPosition(config('  - pattern: h.*.attn.*|\n    C: 8\n'));
    const locations = moduleDefinition(
      documentOf(text),
      nativeConfig(parseYaml(text)),
      position,
      TINY_LISTING,
    );
    assert.deepEqual(
      locations.map(({ uri, range }) => [uri, range.start.line]),
      [
        [sourceUri, 70],
        [sourceUri, 73],
      ],
    );
  });

  test('a subcomponent ID in Python, at the start and at the end of a line', () => {
    const document = TextDocument.create(
      'file:///work/probe.py',
      'python',
      1,
      'h.1.mlp.down_proj:3\nx = "1.mlp.up:2"',
    );
    assert.deepEqual(moduleDefinition(document, null, { line: 0, character: 0 }, TINY_LISTING), [
      { uri: sourceUri, range: { start: { line: 96, character: 0 }, end: { line: 96, character: 0 } } },
    ]);
    assert.equal(
      moduleDefinition(document, null, { line: 1, character: 15 }, TINY_LISTING)[0]?.range.start.line,
      95,
    );
    assert.deepEqual(moduleDefinition(document, null, { line: 1, character: 1 }, TINY_LISTING), []);
  });
});

describe('code lenses on a config', () => {
  test('run and latest run at the top, and a graph lens on each prompt with the graph’s id', () => {
    const text = config(
      '  - pattern: wte\n    C: 4\n',
      "analysis:\n  prompts:\n    - prompt: 'The cat sat on the mat'\n    - prompt: x\n      name: My Graph!\n",
    );
    const lenses = configCodeLenses(documentOf(text), nativeConfig(parseYaml(text)), '/work/runs/tiny-1');
    assert.deepEqual(
      lenses.map(({ range, command }) => [range.start.line, command?.title]),
      [
        [0, 'Run decomposition'],
        [0, 'Open latest run'],
        [12, 'Open graph for prompt'],
        [13, 'Open graph for prompt'],
      ],
    );
    assert.equal(lenses[0]?.command?.command, RUN_DECOMPOSITION_COMMAND);
    assert.equal(lenses[2]?.command?.command, OPEN_PROMPT_GRAPH_COMMAND);
    assert.deepEqual(lenses[2]?.command?.arguments, [
      {
        configUri: URI,
        runDir: '/work/runs/tiny-1',
        prompt: 'The cat sat on the mat',
        graphId: 'the-cat-sat-on-the-mat',
      },
    ]);
    assert.equal((lenses[3]?.command?.arguments?.[0] as { graphId: string }).graphId, 'my-graph');
  });

  test('graph ids as `paramlens graph` names the files', () => {
    assert.equal(promptGraphId('The cat sat', 'cat'), 'cat');
    assert.equal(promptGraphId('The cat sat', 'cat.v2'), 'cat.v2');
    assert.equal(promptGraphId('The cat sat', '.hidden'), 'hidden');
    assert.equal(promptGraphId('¿¡!', undefined), 'graph');
    assert.equal(promptGraphId('a'.repeat(47) + ' b', undefined), 'a'.repeat(47));
  });
});

describe('reference-format configs', () => {
  const text = 'module_info:\n  - module_pattern: h.*.mlp\n    C: 0\nsteps: 10\n';

  test('without a server, one note at the top says when they are checked', () => {
    const diagnostics = configDiagnostics(documentOf(text), parseYaml(text), {
      facts: FACTS,
      reference: null,
    });
    assert.deepEqual(
      diagnostics.map(({ severity, code, range }) => [severity, code, range.start.line]),
      [[DiagnosticSeverity.Information, 'REFERENCE_FORMAT', 0]],
    );
    assert.match(
      messageText(diagnostics[0]?.message),
      /checked, through the translation a run uses, when the ParamLens server runs/,
    );
  });

  test('the engine’s problems land on their keys', () => {
    const document = documentOf(text);
    const diagnostics = configDiagnostics(document, parseYaml(text), {
      facts: undefined,
      reference: {
        ok: false,
        format: 'reference',
        errors: [{ path: ['module_info', 0, 'C'], line: 3, column: 5, message: 'must be at least 1' }],
        warnings: [{ path: [], line: 4, column: 1, message: 'no data' }],
        notes: ['`steps` was translated to `training.steps`'],
      },
    });
    assert.deepEqual(
      diagnostics.map((diagnostic) => [
        diagnostic.severity,
        document.getText(diagnostic.range),
        diagnostic.message,
      ]),
      [
        [DiagnosticSeverity.Error, 'C', 'module_info[0].C: must be at least 1'],
        [DiagnosticSeverity.Warning, 'steps: 10', 'no data'],
        [DiagnosticSeverity.Information, 'module_info:', '`steps` was translated to `training.steps`'],
      ],
    );
  });
});
