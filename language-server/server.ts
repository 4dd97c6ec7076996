// Entry point of the ParamLens language server, bundled to `dist/languageServer.js`. Only wiring lives
// here: features are pure functions in `services/`, connected to LSP events in `handlers/`.
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ServerConnectionNotification, type LanguageServerOptions } from '../protocol/lspRequests';
import { ParsedYamlCache } from './documents';
import { registerCodeActions } from './handlers/codeActions';
import { registerCodeLens } from './handlers/codeLens';
import { COMPLETION_TRIGGER_CHARACTERS, registerCompletion } from './handlers/completion';
import { registerComponentCards } from './handlers/componentCards';
import { registerDefinition } from './handlers/definition';
import { registerDiagnostics } from './handlers/diagnostics';
import { registerHover } from './handlers/hover';
import { registerInference } from './handlers/inference';
import { InferenceSessions } from './inference/inferenceSessions';
import { reportUncaughtErrors, routeConsoleToConnection } from './logging';
import { HarvestCards } from './runs/harvestCards';
import { HarvestHandles } from './runs/harvestHandles';
import { EngineServer } from './runs/engineServer';
import { ModelFactsSource } from './runs/modelFactsSource';
import { RunLookup } from './runs/runLookup';
import { ServerCards } from './runs/serverCards';

// The transport comes from argv: `--node-ipc` when the extension starts the server, `--stdio` in tests.
const connection = createConnection(ProposedFeatures.all);
routeConsoleToConnection(connection);
reportUncaughtErrors(connection);

const documents = new TextDocuments(TextDocument);
const parsedYaml = new ParsedYamlCache();
documents.onDidClose(({ document }) => parsedYaml.evict(document.uri));
const runs = new RunLookup();
const harvests = new HarvestHandles();
const engine = new EngineServer((message) => connection.console.info(message));
const cards = new HarvestCards(runs, harvests, new ServerCards(engine));
const models = new ModelFactsSource(runs, harvests, (question) => engine.moduleListing(question));
connection.onNotification(ServerConnectionNotification, ({ server }) => engine.setConnection(server));
connection.onShutdown(() => harvests.dispose());
// Also on an exit without shutdown (the client died): closing removes each database's lock directory.
process.on('exit', () => harvests.dispose());

connection.onInitialize(({ workspaceFolders, initializationOptions }) => {
  engine.configure(initializationOptions as Partial<LanguageServerOptions> | undefined);
  const folders = (workspaceFolders ?? []).filter((folder) => folder.uri.startsWith('file:'));
  runs.setWorkspaceFolders(folders.map((folder) => fileURLToPath(folder.uri)));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: COMPLETION_TRIGGER_CHARACTERS },
      hoverProvider: true,
      definitionProvider: true,
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'ParamLens' },
  };
});

registerDiagnostics(connection, documents, parsedYaml, models, engine);
registerCompletion(connection, documents, parsedYaml, models, runs, harvests);
registerHover(connection, documents, parsedYaml, cards, models);
registerDefinition(connection, documents, parsedYaml, models);
registerCodeLens(connection, documents, parsedYaml, runs);
registerCodeActions(connection);
registerInference(connection, new InferenceSessions());
registerComponentCards(connection, cards, runs);

documents.listen(connection);
connection.listen();
