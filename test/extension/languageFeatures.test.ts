import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { ANALYSIS_FILE } from '../support/harvestedRun';
import { waitFor } from '../support/poll';
import { harvestedRun, paramLensApi, workspaceFolder } from './paramLens';

const CONFIG = 'tiny_llama.decomp.yaml';
/** The same config under another name: no run in runs/ is one of it, so the extension lists its modules. */
const UNRUN_CONFIG = 'unrun_llama.decomp.yaml';
/** A layer pattern of the example config; completion is asked for with its value replaced by `h.0.mlp.`. */
const PATTERN_LINE = '  - pattern: h.*.mlp.c_fc';
const TYPED = '  - pattern: h.0.mlp.';
const LISTING_TIMEOUT_MS = 60_000;

async function open(name: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder(), name));
  await vscode.window.showTextDocument(document);
  return document;
}

/** The markdown of every hover at the middle of `text`'s first occurrence in the document. */
async function hoverMarkdown(document: vscode.TextDocument, text: string): Promise<string> {
  const offset = document.getText().indexOf(text);
  assert.ok(offset >= 0, `${text} is not in ${document.uri.path}`);
  const position = document.positionAt(offset + Math.floor(text.length / 2));
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    document.uri,
    position,
  );
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

/**
 * Module-path completions on a `pattern:` line edited to `h.0.mlp.`, in an open document of `name`, polled
 * until the language server has the listing. The edit is reverted afterwards.
 */
async function modulePathCompletions(name: string): Promise<vscode.CompletionItem[]> {
  const document = await open(name);
  const line = document.getText().split('\n').indexOf(PATTERN_LINE);
  assert.ok(line >= 0, `${name} has no line "${PATTERN_LINE}"`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, document.lineAt(line).range, TYPED);
  assert.ok(await vscode.workspace.applyEdit(edit));
  try {
    return await waitFor(
      `module paths completed in ${name}`,
      async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          document.uri,
          new vscode.Position(line, TYPED.length),
        );
        const items = list.items.filter((item) => labelOf(item).startsWith('h.0.mlp.'));
        return items.length > 0 ? items : undefined;
      },
      { timeoutMs: LISTING_TIMEOUT_MS, intervalMs: 500 },
    );
  } finally {
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

function assertBlockZeroMlp(items: vscode.CompletionItem[]): void {
  const details = new Map(items.map((item) => [labelOf(item), item.detail]));
  assert.equal(details.get('h.0.mlp.c_fc'), 'linear 128 → 512', JSON.stringify([...details]));
  assert.equal(details.get('h.0.mlp.down_proj'), 'linear 512 → 128', JSON.stringify([...details]));
}

describe('language features with a harvested run', () => {
  before(async () => {
    await (await paramLensApi()).languageClientReady();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(vscode.Uri.joinPath(workspaceFolder(), UNRUN_CONFIG).fsPath, { force: true });
  });

  it('shows a subcomponent card on hover in a Python file', async () => {
    const { runId, component } = harvestedRun();
    const document = await open(ANALYSIS_FILE);
    assert.equal(document.languageId, 'python');
    const markdown = await waitFor(
      'a card on the ID in the Python file',
      async () => {
        const shown = await hoverMarkdown(document, `"${component.id}"`);
        return shown.includes('Top examples') ? shown : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.match(
      markdown,
      new RegExp(`Density ${Number((component.density * 100).toPrecision(3))}% of tokens`),
    );
    assert.ok(markdown.includes(`run \`${runId}\``), markdown);
    assert.ok(markdown.includes(`⟦**${component.markedToken}**⟧`), markdown);
  });

  it('puts the run, latest-run and prompt-graph lenses on a config', async () => {
    const document = await open(CONFIG);
    const lenses = await waitFor(
      'code lenses on the config',
      async () => {
        const found = await vscode.commands.executeCommand<vscode.CodeLens[]>(
          'vscode.executeCodeLensProvider',
          document.uri,
        );
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const titles = lenses.map((lens) => lens.command?.title);
    assert.deepEqual(
      new Set(titles),
      new Set(['Run decomposition', 'Open latest run', 'Open graph for prompt']),
    );
    const latest = lenses.find((lens) => lens.command?.title === 'Open latest run');
    const [args] = (latest?.command?.arguments ?? []) as { runDir: string | null }[];
    assert.ok(args?.runDir?.endsWith(`/runs/${harvestedRun().runId}`), JSON.stringify(args));
  });

  it("completes module paths with shapes from the run's modules.json", async () => {
    assertBlockZeroMlp(await modulePathCompletions(CONFIG));
  });

  it('completes module paths of a config with no run from the decomposition server', async () => {
    const folder = workspaceFolder();
    fs.copyFileSync(
      vscode.Uri.joinPath(folder, CONFIG).fsPath,
      vscode.Uri.joinPath(folder, UNRUN_CONFIG).fsPath,
    );
    // The language server asks the decomposition server it was told of (POST /modules) for the listing.
    assert.equal((await (await paramLensApi()).serverHealth()).status, 'ok');
    assertBlockZeroMlp(await modulePathCompletions(UNRUN_CONFIG));
  });
});
