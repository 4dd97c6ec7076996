// Runs the bundled language server as a child process and speaks LSP to it over stdio, as a client would.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import {
  createMessageConnection,
  DiagnosticSeverity,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  type MessageConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';

const repositoryRoot = path.resolve(__dirname, '../..');
const uri = 'file:///work/tiny.decomp.yaml';
const brokenText = 'target:\n  model: tiny_mlp\nsteps: 100\nsteps: 200\n';

describe('language server over stdio', { timeout: 60_000 }, () => {
  let buildDirectory: string;
  let server: ChildProcessWithoutNullStreams;
  let connection: MessageConnection;
  let serverStderr = '';

  before(async () => {
    // Inside the repository, so that packages the bundle leaves external resolve from node_modules.
    await mkdir(path.join(repositoryRoot, 'dist-test'), { recursive: true });
    buildDirectory = await mkdtemp(path.join(repositoryRoot, 'dist-test', 'language-server-'));
    const bundle = path.join(buildDirectory, 'languageServer.js');
    await esbuild.build({
      entryPoints: [path.join(repositoryRoot, 'language-server/server.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['onnxruntime-node'],
      logLevel: 'silent',
    });
    server = spawn(process.execPath, [bundle, '--stdio']);
    server.stderr.on('data', (chunk: Buffer) => (serverStderr += chunk.toString()));
    connection = createMessageConnection(
      new StreamMessageReader(server.stdout),
      new StreamMessageWriter(server.stdin),
    );
    connection.listen();
  });

  after(async () => {
    connection.dispose();
    if (server.exitCode === null) server.kill();
    await rm(buildDirectory, { recursive: true, force: true });
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

  test('initializes with incremental document sync', async () => {
    const result = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
    });
    assert.equal(result.capabilities.textDocumentSync, TextDocumentSyncKind.Incremental);
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
          range: { start: { line: 3, character: 0 }, end: { line: 3, character: 5 } },
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
        { range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } }, text: 'lr: 0.001\n' },
      ],
    });
    assert.deepEqual(await diagnostics, { uri, version: 2, diagnostics: [] });
  });

  test('clears diagnostics when the document closes', async () => {
    const diagnostics = nextDiagnostics();
    await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    assert.deepEqual(await diagnostics, { uri, diagnostics: [] });
  });

  test('shuts down and exits cleanly', async () => {
    await connection.sendRequest(ShutdownRequest.type);
    const exited = once(server, 'exit');
    await connection.sendNotification(ExitNotification.type);
    await exited;
    assert.equal(server.exitCode, 0, `server stderr:\n${serverStderr}`);
  });
});
