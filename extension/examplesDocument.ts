import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ComponentCardRequest,
  type ComponentCardParams,
  type ComponentCommandArgs,
} from '../protocol/lspRequests';

export const EXAMPLES_SCHEME = 'paramlens-examples';
// Every example a harvest keeps (its `top_k`) fits well below this.
const ALL_EXAMPLES = 10_000;

/** The virtual Markdown document listing every example of one subcomponent in one run. */
export function examplesUri(args: ComponentCommandArgs): vscode.Uri {
  return vscode.Uri.from({ scheme: EXAMPLES_SCHEME, path: `/${args.id}.md`, query: JSON.stringify(args) });
}

/**
 * Builds the examples documents from the language server's `paramlens/componentCard` answer, which renders
 * the markdown the same way hover does, so the two never disagree.
 */
export class ExamplesDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly client: () => LanguageClient | undefined) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const args = JSON.parse(uri.query) as ComponentCommandArgs;
    const client = this.client();
    if (client === undefined) return `# \`${args.id}\`\n\nThe ParamLens language server is not running.\n`;
    const params: ComponentCardParams = { id: args.id, runDir: args.runDir, limit: ALL_EXAMPLES };
    const result = await client.sendRequest(ComponentCardRequest, params);
    return result.found ? result.markdown : `# \`${args.id}\`\n\n${result.reason}\n`;
  }
}
