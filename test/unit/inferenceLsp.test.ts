// The inference requests over LSP stdio, against the bundled server, as the extension sends them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  InitializedNotification,
  InitializeRequest,
  LSPErrorCodes,
  ResponseError,
  type MessageConnection,
} from 'vscode-languageserver/node';
import {
  CiForTextRequest,
  InterveneRequest,
  type CiForTextParams,
  type InterveneParams,
} from '../../protocol/lspRequests';
import { EXPORTED_RUN_TIMEOUT_MS, exportedShortLlamaRun } from '../support/onnxFixture';
import { startLanguageServer, type LanguageServerProcess } from './testUtils/languageServerProcess';

describe('inference requests over stdio', { timeout: EXPORTED_RUN_TIMEOUT_MS }, () => {
  let languageServer: LanguageServerProcess;
  let connection: MessageConnection;
  let runDir: string;

  before(async () => {
    runDir = exportedShortLlamaRun();
    languageServer = await startLanguageServer();
    connection = languageServer.connection;
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
    });
    await connection.sendNotification(InitializedNotification.type, {});
  });

  after(() => languageServer.dispose());

  test('paramlens/ciForText answers tokens, modules and active subcomponents', async () => {
    const params: CiForTextParams = { runDir, text: 'The cat sat' };
    const result = await connection.sendRequest(CiForTextRequest, params);
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
    const result = await connection.sendRequest(InterveneRequest, params);
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
    await assert.rejects(connection.sendRequest(InterveneRequest, params), (error: unknown) => {
      assert.ok(error instanceof ResponseError);
      assert.equal(error.code, LSPErrorCodes.RequestFailed);
      assert.match(
        error.message,
        /^h\.7\.mlp\.c_fc:1: the run has no module h\.7\.mlp\.c_fc; its modules are h\.0\.attn\.k_proj, /,
      );
      return true;
    });
    const again = await connection.sendRequest(CiForTextRequest, { runDir, text: 'cat' });
    assert.ok(again.tokens.length > 0);
  });

  test('shuts down and exits cleanly', async () => {
    assert.equal(await languageServer.shutdown(), 0, `server stderr:\n${languageServer.stderr()}`);
  });
});
