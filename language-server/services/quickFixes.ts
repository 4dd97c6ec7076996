// Quick fixes for the "did you mean" diagnostics: a misspelt key, an enum value, a module pattern that
// matches nothing. The diagnostic carries its replacements in `data`, so the fix needs no second look at
// the config; each becomes one edit of the marked text, the closest first and preferred.
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';

/** What a diagnostic with quick fixes carries in `data`. */
export interface QuickFixData {
  replacements: string[];
}

const SOURCE = 'paramlens';

export function quickFixes(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  return diagnostics.flatMap((diagnostic) => {
    const replacements = diagnostic.source === SOURCE ? replacementsOf(diagnostic.data) : [];
    return replacements.map((replacement, rank): CodeAction => ({
      title: `Change to ${replacement}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: rank === 0,
      edit: { changes: { [uri]: [{ range: diagnostic.range, newText: yamlScalar(replacement) }] } },
    }));
  });
}

function replacementsOf(data: unknown): string[] {
  const replacements = (data as Partial<QuickFixData> | undefined)?.replacements;
  return Array.isArray(replacements) ? replacements.filter((item) => typeof item === 'string') : [];
}

/** As a plain YAML scalar where it reads back the same, else quoted: `*` starts an alias, `#` a comment. */
function yamlScalar(text: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_.*[\]/-]*$/.test(text) ? text : JSON.stringify(text);
}
