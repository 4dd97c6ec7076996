import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  OPEN_COMPONENT_IN_GRAPH_COMMAND,
  SHOW_COMPONENT_EXAMPLES_COMMAND,
  type LanguageServerOptions,
} from '../protocol/lspRequests';

/** Config files stay in the `yaml` language, so other YAML tools still work; the pattern selects ours. */
export const DECOMP_CONFIG_SELECTOR = [
  { language: 'yaml', pattern: '**/*.decomp.{yaml,yml}' },
  { language: 'yaml', scheme: 'untitled' as const, pattern: '**/*.decomp.{yaml,yml}' },
];

/**
 * Documents where a subcomponent ID gets a card on hover, and nothing else: circuit files, Python and
 * Markdown files, and the Python and Markdown cells of notebooks.
 */
export const ID_HOVER_SELECTOR = [
  { language: 'yaml', pattern: '**/*.circuit.{yaml,yml}' },
  { language: 'python', scheme: 'file' },
  { language: 'markdown', scheme: 'file' },
  { notebook: '*', language: 'python' },
  { language: 'python', scheme: 'vscode-notebook-cell' },
  { language: 'markdown', scheme: 'vscode-notebook-cell' },
];

/**
 * Starts the language server (`dist/languageServer.js`) as a Node child over ipc. It caches module listings
 * in the workspace storage, and waits for `paramlens/serverConnection` before it asks the engine anything.
 */
export async function startLanguageClient(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): Promise<LanguageClient> {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'languageServer.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [...DECOMP_CONFIG_SELECTOR, ...ID_HOVER_SELECTOR],
    outputChannel: log,
    // A run that starts, finishes or is harvested changes the lenses and cards of configs near it.
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher(
        '**/runs/*/{run.json,modules.json,harvest.sqlite}',
      ),
    },
    initializationOptions: {
      moduleListingCache:
        context.storageUri === undefined
          ? null
          : vscode.Uri.joinPath(context.storageUri, 'module-listings').fsPath,
      serverConnection: true,
    } satisfies LanguageServerOptions,
    // Cards link to these commands; hover markdown may run no other.
    markdown: {
      isTrusted: { enabledCommands: [OPEN_COMPONENT_IN_GRAPH_COMMAND, SHOW_COMPONENT_EXAMPLES_COMMAND] },
    },
  };
  const client = new LanguageClient('paramlens', 'ParamLens Language Server', serverOptions, clientOptions);
  await client.start();
  return client;
}
