// Entry point of the ParamLens language server, bundled to `dist/languageServer.js`. Only wiring lives
// here: features are pure functions in `services/`, connected to LSP events in `handlers/`.
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ParsedYamlCache } from './documents';
import { registerDiagnostics } from './handlers/diagnostics';
import { reportUncaughtErrors, routeConsoleToConnection } from './logging';

// The transport comes from argv: `--node-ipc` when the extension starts the server, `--stdio` in tests.
const connection = createConnection(ProposedFeatures.all);
routeConsoleToConnection(connection);
reportUncaughtErrors(connection);

const documents = new TextDocuments(TextDocument);
const parsedYaml = new ParsedYamlCache();
documents.onDidClose(({ document }) => parsedYaml.evict(document.uri));

connection.onInitialize(() => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
  serverInfo: { name: 'ParamLens' },
}));

registerDiagnostics(connection, documents, parsedYaml);

documents.listen(connection);
connection.listen();
