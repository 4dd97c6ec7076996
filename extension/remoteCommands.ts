// Connect to a decomposition server on another machine (a GPU box running `paramlens serve`) by URL and
// token, and back. The token lives in SecretStorage, keyed by the URL; the URL in the workspace's state, so
// the workspace reconnects to it next time.
import * as vscode from 'vscode';
import type { ServerConnection } from '../protocol/serverApi';
import type { ServerSupervisor } from './serverSupervisor';

const REMOTE_URL_KEY = 'paramlens.remoteServerUrl';
const tokenKey = (url: string): string => `paramlens.serverToken:${url}`;

/** The remote server this workspace was connected to, with its stored token; undefined if none. */
export async function savedRemote(context: vscode.ExtensionContext): Promise<ServerConnection | undefined> {
  const url = context.workspaceState.get<string>(REMOTE_URL_KEY);
  if (url === undefined) return undefined;
  const token = await context.secrets.get(tokenKey(url));
  return token === undefined ? undefined : { url, token };
}

export function registerRemoteCommands(
  context: vscode.ExtensionContext,
  supervisor: ServerSupervisor,
): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('paramlens.connectToServer', (given?: Partial<ServerConnection>) =>
      connect(context, supervisor, given),
    ),
    vscode.commands.registerCommand('paramlens.disconnectFromServer', async () => {
      const url = supervisor.remoteUrl();
      await context.workspaceState.update(REMOTE_URL_KEY, undefined);
      if (url === undefined) return;
      supervisor.disconnect();
      void vscode.window.showInformationMessage(
        `Disconnected from ${url}: jobs go to a server this editor starts.`,
      );
    }),
  ];
}

/** Asks for what `given` lacks; true once connected. A server that does not answer changes nothing. */
async function connect(
  context: vscode.ExtensionContext,
  supervisor: ServerSupervisor,
  given: Partial<ServerConnection> = {},
): Promise<boolean> {
  const url =
    given.url ??
    (await vscode.window.showInputBox({
      title: 'Connect to a ParamLens Server (1/2)',
      prompt: 'The URL that `paramlens serve` listens on, e.g. http://gpu-box:8765 (or a tunnel to it)',
      value: supervisor.remoteUrl() ?? context.workspaceState.get<string>(REMOTE_URL_KEY) ?? 'http://',
      ignoreFocusOut: true,
      validateInput: urlProblem,
    }));
  if (url === undefined) return false;
  const base = url.trim().replace(/\/+$/, '');
  const token =
    given.token ??
    (await vscode.window.showInputBox({
      title: 'Connect to a ParamLens Server (2/2)',
      prompt: `The bearer token of ${base}: the --token or PARAMLENS_TOKEN it was started with`,
      value: await context.secrets.get(tokenKey(base)),
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === '' ? 'The server always requires a token.' : undefined),
    }));
  if (token === undefined) return false;
  try {
    const health = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `ParamLens: connecting to ${base}…` },
      () => supervisor.connect({ url: base, token: token.trim() }),
    );
    await context.secrets.store(tokenKey(base), token.trim());
    await context.workspaceState.update(REMOTE_URL_KEY, base);
    const devices = health.devices.map((device) => device.name).join(', ');
    void vscode.window.showInformationMessage(
      `Connected to ParamLens ${health.version} at ${base} (${devices}). Jobs now run there.`,
    );
    return true;
  } catch (error) {
    void vscode.window.showErrorMessage(`Could not connect to ${base}: ${(error as Error).message}`);
    return false;
  }
}

function urlProblem(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  } catch {
    // falls through to the message
  }
  return 'An http:// or https:// URL, e.g. http://gpu-box:8765';
}
