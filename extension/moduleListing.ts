import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ModuleListingRequest,
  type ModuleListingParams,
  type ModuleListingResult,
} from '../protocol/lspRequests';
import type { ModuleListing } from '../protocol/serverApi';
import type { RunningServer } from './decompositionServer';
import { postConfig } from './serverRequests';

const CACHE_FOLDER = 'module-listings';

/**
 * Answers the language server's `paramlens/moduleListing` for a config with no run yet: a listing cached in
 * the workspace storage under the config's target, else the running decomposition server's `POST /modules`
 * (cached for next time). Never starts a server: in an untrusted workspace only the cache answers.
 */
export function registerModuleListing(
  client: LanguageClient,
  storage: vscode.Uri | undefined,
  runningServer: () => Promise<RunningServer | undefined>,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  return client.onRequest(
    ModuleListingRequest,
    async (params: ModuleListingParams): Promise<ModuleListingResult> => {
      const cacheFile =
        storage === undefined || !/^[0-9a-f]+$/.test(params.targetKey)
          ? undefined
          : vscode.Uri.joinPath(storage, CACHE_FOLDER, `${params.targetKey}.json`);
      const cached = cacheFile === undefined ? undefined : await readCached(cacheFile);
      if (cached !== undefined) return cached;
      if (!vscode.workspace.isTrusted) return null;
      const server = await runningServer();
      if (server === undefined) return null;
      const configUri = vscode.Uri.parse(params.configUri);
      let listing: ModuleListing;
      try {
        listing = await postConfig<ModuleListing>(server, '/modules', {
          text: params.text,
          path: configUri.scheme === 'file' ? configUri.fsPath : null,
        });
      } catch (error) {
        log.info(
          `No module listing for ${vscode.workspace.asRelativePath(configUri)}: ${(error as Error).message}`,
        );
        return null;
      }
      if (cacheFile !== undefined) {
        await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(cacheFile, '..'));
        await vscode.workspace.fs.writeFile(cacheFile, new TextEncoder().encode(JSON.stringify(listing)));
      }
      return listing;
    },
  );
}

async function readCached(file: vscode.Uri): Promise<ModuleListing | undefined> {
  try {
    return JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file))) as ModuleListing;
  } catch {
    return undefined;
  }
}
