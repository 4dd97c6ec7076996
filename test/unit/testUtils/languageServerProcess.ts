// The bundled language server as a child process, spoken to in LSP over stdio as a client would.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import * as esbuild from 'esbuild';
import {
  createMessageConnection,
  ExitNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-languageserver/node';

const repositoryRoot = path.resolve(__dirname, '../../..');

export interface LanguageServerProcess {
  /** Listening; nothing has been sent yet, not even `initialize`. */
  connection: MessageConnection;
  /** Everything the server has written to stderr so far. */
  stderr(): string;
  /** `shutdown` then `exit`, as a client ends a session; resolves with the process's exit code. */
  shutdown(): Promise<number | null>;
  /** Closes the connection, kills the server if it still runs and removes the bundle. */
  dispose(): Promise<void>;
}

/** Bundles language-server/server.ts as scripts/build.mjs does and starts it with `--stdio`. */
export async function startLanguageServer(): Promise<LanguageServerProcess> {
  // Inside the repository, so that packages the bundle leaves external resolve from node_modules.
  await mkdir(path.join(repositoryRoot, 'dist-test'), { recursive: true });
  const buildDirectory = await mkdtemp(path.join(repositoryRoot, 'dist-test', 'language-server-'));
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
  // The SQLite WASM is loaded from beside the bundle, as scripts/build.mjs places it in dist/.
  await copyFile(
    path.join(repositoryRoot, 'node_modules/node-sqlite3-wasm/dist/node-sqlite3-wasm.wasm'),
    path.join(buildDirectory, 'node-sqlite3-wasm.wasm'),
  );
  const server = spawn(process.execPath, [bundle, '--stdio']);
  let stderr = '';
  server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const connection = createMessageConnection(
    new StreamMessageReader(server.stdout),
    new StreamMessageWriter(server.stdin),
  );
  connection.listen();
  return {
    connection,
    stderr: () => stderr,
    async shutdown() {
      await connection.sendRequest(ShutdownRequest.type);
      const exited = once(server, 'exit');
      await connection.sendNotification(ExitNotification.type);
      await exited;
      return server.exitCode;
    },
    async dispose() {
      connection.dispose();
      if (server.exitCode === null) server.kill();
      await rm(buildDirectory, { recursive: true, force: true });
    },
  };
}
