import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

/** Config files stay in the `yaml` language, so other YAML tools still work; the pattern selects ours. */
export const DECOMP_CONFIG_SELECTOR = [
  { language: 'yaml', pattern: '**/*.decomp.{yaml,yml}' },
  { language: 'yaml', scheme: 'untitled' as const, pattern: '**/*.decomp.{yaml,yml}' },
];

/** Starts the language server (`dist/languageServer.js`) as a Node child over ipc. */
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
    documentSelector: DECOMP_CONFIG_SELECTOR,
    outputChannel: log,
  };
  const client = new LanguageClient('paramlens', 'ParamLens Language Server', serverOptions, clientOptions);
  await client.start();
  return client;
}
