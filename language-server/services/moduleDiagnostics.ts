// Checks of `modules` against the target's module listing, as the engine makes them when a run builds the
// model: every pattern matches a module, matches only modules it can decompose, and no module takes two.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { code, joinWords } from '../schema/wording';
import type { PatternEntry } from './configSections';
import { closestPaths, modulesMatching, type ModelFacts } from './moduleFacts';
import type { QuickFixData } from './quickFixes';

const SOURCE = 'paramlens';
const LISTED = 4;

export function moduleDiagnostics(
  document: TextDocument,
  patterns: readonly PatternEntry[],
  facts: ModelFacts,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const owner = new Map<string, PatternEntry>();
  for (const entry of patterns) {
    const matched = modulesMatching(entry.pattern, facts.listing);
    if (matched.length === 0) {
      const close = closestPaths(entry.pattern, facts.listing);
      const problem = error(
        document,
        entry,
        'PATTERN_MATCHES_NOTHING',
        `${code(entry.pattern)} matches no module of the target` +
          (close.length > 0
            ? `; close: ${joinWords(
                close.map((path) => code(path)),
                'or',
              )}.`
            : '.'),
      );
      if (close.length > 0) problem.data = { replacements: close } satisfies QuickFixData;
      diagnostics.push(problem);
      continue;
    }
    const containers = matched.filter((module) => module.kind === null);
    if (containers.length > 0) {
      const named = containers.slice(0, LISTED).map((module) => `${code(module.path)} (${module.type})`);
      const more = containers.length > LISTED ? ` and ${containers.length - LISTED} more` : '';
      diagnostics.push(
        error(
          document,
          entry,
          'PATTERN_MATCHES_UNDECOMPOSABLE',
          `${code(entry.pattern)} matches modules that cannot be decomposed: ${named.join(', ')}${more}; ` +
            'expected only linear, conv1d or embedding modules.',
        ),
      );
    }
    const shared = matched.filter((module) => owner.has(module.path));
    const first = shared[0] === undefined ? undefined : owner.get(shared[0].path);
    if (first !== undefined) {
      const paths = shared.slice(0, LISTED).map((module) => code(module.path));
      const more = shared.length > LISTED ? ` and ${shared.length - LISTED} more` : '';
      diagnostics.push(
        error(
          document,
          entry,
          'MODULE_MATCHED_TWICE',
          `${joinWords(paths, 'and')}${more} ${shared.length === 1 ? 'is' : 'are'} matched by both ` +
            `${code(first.pattern)} (modules[${first.index}]) and ${code(entry.pattern)}; ` +
            'each module takes one pattern.',
        ),
      );
    }
    for (const module of matched) if (!owner.has(module.path)) owner.set(module.path, entry);
  }
  return diagnostics;
}

function error(document: TextDocument, entry: PatternEntry, codeName: string, message: string): Diagnostic {
  const [start, end] = entry.node.range;
  return {
    range: { start: document.positionAt(start), end: document.positionAt(end) },
    severity: DiagnosticSeverity.Error,
    source: SOURCE,
    code: codeName,
    message: `modules[${entry.index}].pattern: ${message}`,
  };
}
