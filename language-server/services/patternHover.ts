// Hover on a module pattern in a config: the modules it matches, with their shapes, C and, when the config's
// run has been evaluated or harvested, how many of each module's subcomponents are alive.
import type { YAMLMap } from 'yaml';
import type { Hover, Position, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { code, joinWords } from '../schema/wording';
import { modulePatterns } from './configSections';
import { closestPaths, modulesMatching, shapeOf, type ModelFacts } from './moduleFacts';
import { scalarAtOffset } from './scalarAtOffset';

const LISTED = 24;

/** The hover of the `modules[*].pattern` value under the cursor; null anywhere else. */
export function patternHover(
  document: TextDocument,
  config: YAMLMap.Parsed | null,
  position: Position,
  facts: ModelFacts,
): Hover | null {
  const target = scalarAtOffset(config, document.offsetAt(position));
  const [section, index, key] = target?.path ?? [];
  if (target === undefined || target.isKey || section !== 'modules' || key !== 'pattern') return null;
  const entry = modulePatterns(config).find((candidate) => candidate.index === index);
  if (entry === undefined) return null;
  const matched = modulesMatching(entry.pattern, facts.listing);
  const title = `**Pattern ${code(entry.pattern)}**`;
  const [start, end] = entry.node.range;
  const range = { start: document.positionAt(start), end: document.positionAt(end) };
  if (matched.length === 0) {
    const close = closestPaths(entry.pattern, facts.listing).map((path) => code(path));
    const hint = close.length > 0 ? ` Close: ${joinWords(close, 'or')}.` : '';
    return markdown(`${title}\n\nMatches no module of the target.${hint}`, range);
  }
  const C = entry.C === undefined ? '' : ` · C = ${entry.C} each`;
  const alive = facts.alive;
  const lines = matched.slice(0, LISTED).map((module) => {
    const count = alive?.perModule.get(module.path);
    const aliveText =
      count === undefined || module.kind === null
        ? ''
        : ` · ${count}${entry.C === undefined ? '' : ` of ${entry.C}`} alive`;
    return `- ${code(module.path)} · ${shapeOf(module)}${aliveText}`;
  });
  if (matched.length > LISTED) lines.push(`- … and ${matched.length - LISTED} more`);
  const paragraphs = [
    `${title} · ${matched.length} module${matched.length === 1 ? '' : 's'}${C}`,
    lines.join('\n'),
  ];
  if (alive !== undefined) {
    paragraphs.push(
      alive.source === 'harvest'
        ? `Alive: mean CI above 1e-6 over the harvested tokens of run ${code(alive.runId)}.`
        : `Alive: mean CI above 1e-6 at the latest evaluation of run ${code(alive.runId)}.`,
    );
  }
  return markdown(paragraphs.join('\n\n'), range);
}

function markdown(value: string, range: Range): Hover {
  return { contents: { kind: 'markdown', value }, range };
}
