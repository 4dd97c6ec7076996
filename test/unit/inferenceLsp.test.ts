// The inference requests over LSP stdio, against the bundled server, as the extension sends them.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import {
  createMessageConnection,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LSPErrorCodes,
  ResponseError,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-languageserver/node';
import {
  CI_FOR_TEXT_REQUEST,
  INTERVENE_REQUEST,
  type CiForTextParams,
  type CiForTextResult,
  type InterveneParams,
  type InterveneResult,
} from '../../protocol/lspRequests';
import { EXPORTED_RUN_TIMEOUT_MS, exportedShortLlamaRun } from '../support/onnxFixture';

const repositoryRoot = path.resolve(__dirname, '../..');

describe('inference requests over stdio', { timeout: EXPORTED_RUN_TIMEOUT_MS }, () => {
  let buildDirectory: string;
  let server: ChildProcessWithoutNullStreams;
  let connection: MessageConnection;
  let serverStderr = '';
  let runDir: string;

  before(async () => {
    runDir = exportedShortLlamaRun();
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
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
    });
    await connection.sendNotification(InitializedNotification.type, {});
  });

  after(async () => {
    connection.dispose();
    if (server.exitCode === null) server.kill();
    await rm(buildDirectory, { recursive: true, force: true });
  });

  test('paramlens/ciForText answers tokens, modules and active subcomponents', async () => {
    const params: CiForTextParams = { runDir, text: 'The cat sat' };
    const result = await connection.sendRequest<CiForTextResult>(CI_FOR_TEXT_REQUEST, params);
    assert.deepEqual(
      result.tokens.map((token) => token.text),
      ['The', ' c', 'at', ' sat'],
    );
    assert.equal(result.modules.length, 12);
    assert.ok(result.active.length > 0);
    assert.ok(result.active.every((entry) => entry.ci > 0.1 && entry.position < 4));
  });

  test('paramlens/intervene answers predictions at the last position', async () => {
    const params: InterveneParams = {
      runDir,
      text: 'The cat sat',
      ablate: ['0.mlp.up:3', 'h.1.attn.q_proj:2:1'],
      topK: 5,
    };
    const result = await connection.sendRequest<InterveneResult>(INTERVENE_REQUEST, params);
    assert.equal(result.predictions.length, 5);
    assert.equal(result.baseline.length, 5);
    assert.ok(
      result.predictions.every((prediction) => typeof prediction.token === 'string' && prediction.prob > 0),
    );
    assert.ok(result.klToUnmasked >= 0);
    assert.equal(result.targetProb, null);
  });

  test('a bad ID is an error response with its message, and the server keeps serving', async () => {
    const params: InterveneParams = { runDir, text: 'The cat sat', keep: ['h.7.mlp.c_fc:1'] };
    await assert.rejects(connection.sendRequest(INTERVENE_REQUEST, params), (error: unknown) => {
      assert.ok(error instanceof ResponseError);
      assert.equal(error.code, LSPErrorCodes.RequestFailed);
      assert.match(
        error.message,
        /^h\.7\.mlp\.c_fc:1: the run has no module h\.7\.mlp\.c_fc; its modules are h\.0\.attn\.k_proj, /,
      );
      return true;
    });
    const again = await connection.sendRequest<CiForTextResult>(CI_FOR_TEXT_REQUEST, { runDir, text: 'cat' });
    assert.ok(again.tokens.length > 0);
  });

  test('shuts down and exits cleanly', async () => {
    await connection.sendRequest(ShutdownRequest.type);
    const exited = once(server, 'exit');
    await connection.sendNotification(ExitNotification.type);
    await exited;
    assert.equal(server.exitCode, 0, `server stderr:\n${serverStderr}`);
  });
});
