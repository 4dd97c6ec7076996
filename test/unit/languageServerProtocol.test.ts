// Runs the bundled language server as a child process and speaks LSP to it over stdio, as a client would.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  CompletionRequest,
  DefinitionRequest,
  DiagnosticSeverity,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  TextDocumentSyncKind,
  type CompletionItem,
  type MarkupContent,
  type MessageConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { writeHarvest, writeRunJson } from '../support/syntheticHarvest';
import { ServerConnectionNotification } from '../../protocol/lspRequests';
import { startLanguageServer, type LanguageServerProcess } from './testUtils/languageServerProcess';
import { MODEL_SOURCE, TINY_LISTING } from './testUtils/moduleListing';

const uri = 'file:///work/tiny.decomp.yaml';
// A valid config but for the repeated `seed` on line 10.
const brokenText = [
  'method: spd',
  'target:',
  '  builtin: tms_5-2',
  'data:',
  '  synthetic:',
  '    feature_probability: 0.05',
  'modules:',
  '  - pattern: linear1',
  '    C: 20',
  'seed: 1',
  'seed: 2',
  '',
].join('\n');

describe('language server over stdio', { timeout: 60_000 }, () => {
  let languageServer: LanguageServerProcess;
  let connection: MessageConnection;
  // A workspace whose only run has a harvest with one labelled subcomponent.
  let workspace: string;

  before(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'paramlens-lsp-'));
    const runDir = path.join(workspace, 'runs', 'tiny-20260101-000000-aaaa');
    writeRunJson(runDir, {
      run_id: 'tiny-20260101-000000-aaaa',
      status: 'done',
      created: '2026-01-01T00:00:00Z',
      config_file: path.join(workspace, 'tiny.decomp.yaml'),
      modules: [{ path: 'h.1.mlp.down_proj', C: 16 }],
    });
    writeHarvest(path.join(runDir, 'harvest.sqlite'), {
      meta: {
        format_version: '1',
        run_id: 'tiny-20260101-000000-aaaa',
        ci_threshold: '0.1',
        input_kind: 'tokens',
        status: 'done',
      },
      modules: [{ module: 'h.1.mlp.down_proj', C: 16 }],
      components: [
        {
          module: 'h.1.mlp.down_proj',
          component: 12,
          density: 0.25,
          meanCi: 0.5,
          alive: true,
          label: 'sitting',
          examples: [
            {
              ci: 0.9,
              activation: 1,
              sequence: 0,
              position: 1,
              marked: 1,
              tokenIds: [0, 1],
              ciValues: [0, 0.9],
            },
          ],
        },
      ],
      vocab: ['cat', ' sat'],
    });
    languageServer = await startLanguageServer();
    connection = languageServer.connection;
  });

  after(async () => {
    await languageServer.dispose();
    await rm(workspace, { recursive: true, force: true });
  });

  /** The next diagnostics the server publishes; subscribe before sending what triggers them. */
  function nextDiagnostics(): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => {
      const subscription = connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
        subscription.dispose();
        resolve(params);
      });
    });
  }

  test('initializes with incremental document sync, completion and hover', async () => {
    const result = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: [{ uri: pathToFileURL(workspace).toString(), name: 'workspace' }],
      capabilities: {},
    });
    assert.equal(result.capabilities.textDocumentSync, TextDocumentSyncKind.Incremental);
    assert.deepEqual(result.capabilities.completionProvider, { triggerCharacters: [' '] });
    assert.equal(result.capabilities.hoverProvider, true);
    await connection.sendNotification(InitializedNotification.type, {});
  });

  test('publishes a syntax error when a broken config opens', async () => {
    const diagnostics = nextDiagnostics();
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'yaml', version: 1, text: brokenText },
    });
    assert.deepEqual(await diagnostics, {
      uri,
      version: 1,
      diagnostics: [
        {
          range: { start: { line: 10, character: 0 }, end: { line: 10, character: 4 } },
          severity: DiagnosticSeverity.Error,
          source: 'paramlens',
          code: 'DUPLICATE_KEY',
          message: 'Map keys must be unique',
        },
      ],
    });
  });

  test('clears the error when an incremental change fixes it', async () => {
    const diagnostics = nextDiagnostics();
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [
        {
          range: { start: { line: 10, character: 0 }, end: { line: 11, character: 0 } },
          text: 'training:\n  steps: 5\n',
        },
      ],
    });
    assert.deepEqual(await diagnostics, { uri, version: 2, diagnostics: [] });
  });

  test('publishes a schema error with the key path and a suggestion', async () => {
    const diagnostics = nextDiagnostics();
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 3 },
      contentChanges: [
        {
          range: { start: { line: 11, character: 0 }, end: { line: 11, character: 0 } },
          text: '  lrr: 0.001\n',
        },
      ],
    });
    assert.deepEqual(await diagnostics, {
      uri,
      version: 3,
      diagnostics: [
        {
          range: { start: { line: 11, character: 2 }, end: { line: 11, character: 5 } },
          severity: DiagnosticSeverity.Error,
          source: 'paramlens',
          code: 'UNKNOWN_KEY',
          message: 'training.lrr: unknown key `lrr`; did you mean `lr`?',
          data: { replacements: ['lr'] },
        },
      ],
    });
  });

  test('answers a hover on a key with its documentation', async () => {
    const hover = await connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 5, character: 8 },
    });
    assert.deepEqual(hover, {
      contents: {
        kind: 'markdown',
        value:
          '**data.synthetic.feature_probability** · a number greater than 0 and at most 1 · required\n\n' +
          'Probability that each feature is active in a sample (TMS 0.05, ResidMLP 0.01)',
      },
      range: { start: { line: 5, character: 4 }, end: { line: 5, character: 23 } },
    });
  });

  test('answers a hover on an ID in a Python file from the run’s harvest', async () => {
    const pythonUri = pathToFileURL(path.join(workspace, 'src', 'probe.py')).toString();
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: {
        uri: pythonUri,
        languageId: 'python',
        version: 1,
        text: 'ids = [0]\nh.1.mlp.down_proj:12',
      },
    });
    const hover = await connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: pythonUri },
      position: { line: 1, character: 20 },
    });
    const markdown = (hover?.contents as MarkupContent).value;
    assert.deepEqual(hover?.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 20 } });
    assert.ok(markdown.startsWith('**Subcomponent `h.1.mlp.down_proj:12`**'), markdown);
    assert.ok(markdown.includes('Density 25% of tokens (CI > 0.1) · mean CI 0.5 · alive'), markdown);
    assert.ok(markdown.includes('1. `0.9` cat ⟦**sat**⟧'), markdown);
    await connection.sendNotification(DidCloseTextDocumentNotification.type, {
      textDocument: { uri: pythonUri },
    });
  });

  test('answers completion with the keys the cursor’s mapping still lacks', async () => {
    const completion = await connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position: { line: 9, character: 0 },
    });
    const labels = (Array.isArray(completion) ? completion : (completion?.items ?? [])).map(
      (item) => item.label,
    );
    assert.deepEqual(labels, [
      'seed',
      'ci_function',
      'losses',
      'output_loss',
      'adversary',
      'logging',
      'analysis',
    ]);
  });

  test('answers module-path completion and definition from a run’s modules.json', async () => {
    const configPath = path.join(workspace, 'models', 'tiny.decomp.yaml');
    const runDir = path.join(workspace, 'models', 'runs', 'tiny-20260102-000000-bbbb');
    writeRunJson(runDir, {
      run_id: 'tiny-20260102-000000-bbbb',
      status: 'running',
      created: '2026-01-02T00:00:00Z',
      config_file: configPath,
      config: { target: { builtin: 'tiny_llama', huggingface: null, custom: null } },
      modules: [],
    });
    await writeFile(path.join(runDir, 'modules.json'), JSON.stringify(TINY_LISTING));
    const configUri = pathToFileURL(configPath).toString();
    const text =
      'method: vpd\ntarget:\n  builtin: tiny_llama\nmodules:\n  - pattern: h.*.mlp.c_fc\n    C: 8\n  - pattern: h.1.\n';
    const diagnostics = nextDiagnostics();
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: configUri, languageId: 'yaml', version: 1, text },
    });
    await diagnostics;
    const completion = await connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: configUri },
      position: { line: 6, character: 16 },
    });
    const items: CompletionItem[] = Array.isArray(completion) ? completion : (completion?.items ?? []);
    const byLabel = new Map(items.map((item) => [item.label, item.detail]));
    assert.equal(byLabel.get('h.*.mlp.down_proj'), '2 modules · linear 512 → 128');
    assert.equal(byLabel.get('h.1.mlp.down_proj'), 'linear 512 → 128');
    const definition = await connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: configUri },
      position: { line: 4, character: 15 },
    });
    assert.deepEqual(definition, [
      {
        uri: pathToFileURL(MODEL_SOURCE).toString(),
        range: { start: { line: 95, character: 0 }, end: { line: 95, character: 0 } },
      },
    ]);
    const cleared = nextDiagnostics();
    await connection.sendNotification(DidCloseTextDocumentNotification.type, {
      textDocument: { uri: configUri },
    });
    await cleared;
  });

  test('answers subcomponent-ID completion in the analysis section from the run’s harvest', async () => {
    const configUri = pathToFileURL(path.join(workspace, 'tiny.decomp.yaml')).toString();
    const diagnostics = nextDiagnostics();
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: {
        uri: configUri,
        languageId: 'yaml',
        version: 1,
        text: 'analysis:\n  components: [h.1.mlp.down_proj:]\n',
      },
    });
    await diagnostics;
    const completion = await connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: configUri },
      position: { line: 1, character: 33 },
    });
    assert.ok(completion !== null && !Array.isArray(completion), 'expected a completion list');
    assert.equal(completion.isIncomplete, true);
    assert.deepEqual(
      completion.items.map(({ label, detail, documentation }) => ({ label, detail, documentation })),
      [{ label: 'h.1.mlp.down_proj:12', detail: 'density 25% · mean CI 0.5', documentation: 'sitting' }],
    );
    const cleared = nextDiagnostics();
    await connection.sendNotification(DidCloseTextDocumentNotification.type, {
      textDocument: { uri: configUri },
    });
    await cleared;
  });

  test('asks the decomposition server it is told of for the listing of a config with no run, and checks patterns with it', async () => {
    const configUri = pathToFileURL(path.join(workspace, 'fresh.decomp.yaml')).toString();
    // The engine's side of `POST /modules`, with its bearer token: enough to see what the server asks.
    const asked: { authorization?: string; body: { text: string; path: string | null } }[] = [];
    const engine = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const question = JSON.parse(body) as { text: string; path: string | null };
        // Only this test's config: the other open documents must keep the diagnostics they have.
        if (request.url !== '/modules' || question.path !== path.join(workspace, 'fresh.decomp.yaml')) {
          response.statusCode = 422;
          response.end('{}');
          return;
        }
        asked.push({ authorization: request.headers.authorization, body: question });
        response.setHeader('Content-Type', 'application/json');
        response.end(JSON.stringify(TINY_LISTING));
      });
    });
    engine.listen(0, '127.0.0.1');
    await once(engine, 'listening');
    const { port } = engine.address() as AddressInfo;
    await connection.sendNotification(ServerConnectionNotification, {
      server: { url: `http://127.0.0.1:${port}`, token: 'engine-token' },
    });
    const text = 'method: vpd\ntarget:\n  builtin: tiny_llama\nmodules:\n  - pattern: h.*.mlp.fc\n    C: 8\n';
    const patternProblem = new Promise<PublishDiagnosticsParams>((resolve) => {
      const subscription = connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
        if (params.uri !== configUri) return;
        if (!params.diagnostics.some((diagnostic) => diagnostic.code === 'PATTERN_MATCHES_NOTHING')) return;
        subscription.dispose();
        resolve(params);
      });
    });
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: configUri, languageId: 'yaml', version: 1, text },
    });
    const published = await patternProblem;
    const problem = published.diagnostics.find((diagnostic) => diagnostic.code === 'PATTERN_MATCHES_NOTHING');
    assert.deepEqual(problem?.range, { start: { line: 4, character: 13 }, end: { line: 4, character: 23 } });
    assert.equal(asked.length, 1);
    assert.equal(asked[0]?.authorization, 'Bearer engine-token');
    assert.equal(asked[0]?.body.path, path.join(workspace, 'fresh.decomp.yaml'));
    assert.match(asked[0]?.body.text ?? '', /builtin: tiny_llama/);
    engine.close();
    await connection.sendNotification(ServerConnectionNotification, { server: null });
    const cleared = nextDiagnostics();
    await connection.sendNotification(DidCloseTextDocumentNotification.type, {
      textDocument: { uri: configUri },
    });
    await cleared;
  });

  test('clears diagnostics when the document closes', async () => {
    const diagnostics = nextDiagnostics();
    await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    assert.deepEqual(await diagnostics, { uri, diagnostics: [] });
  });

  test('shuts down and exits cleanly', async () => {
    assert.equal(await languageServer.shutdown(), 0, `server stderr:\n${languageServer.stderr()}`);
  });
});
