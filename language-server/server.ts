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
import { COMPLETION_TRIGGER_CHARACTERS, registerCompletion } from './handlers/completion';
import { registerDiagnostics } from './handlers/diagnostics';
import { registerHover } from './handlers/hover';
import { reportUncaughtErrors, routeConsoleToConnection } from './logging';
import { idOnlyCards } from './services/componentCards';

// The transport comes from argv: `--node-ipc` when the extension starts the server, `--stdio` in tests.
const connection = createConnection(ProposedFeatures.all);
routeConsoleToConnection(connection);
reportUncaughtErrors(connection);

const documents = new TextDocuments(TextDocument);
const parsedYaml = new ParsedYamlCache();
documents.onDidClose(({ document }) => parsedYaml.evict(document.uri));

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    completionProvider: { triggerCharacters: COMPLETION_TRIGGER_CHARACTERS },
    hoverProvider: true,
  },
  serverInfo: { name: 'ParamLens' },
}));

registerDiagnostics(connection, documents, parsedYaml);
registerCompletion(connection, documents, parsedYaml);
registerHover(connection, documents, parsedYaml, idOnlyCards);

documents.listen(connection);
connection.listen();
