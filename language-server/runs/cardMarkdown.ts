// The markdown of a harvested subcomponent: statistics, top examples with the activating token marked,
// and links to the commands that show more. Hover shows a short window per example; the examples
// document shows each whole window.
import {
  OPEN_COMPONENT_IN_GRAPH_COMMAND,
  SHOW_COMPONENT_EXAMPLES_COMMAND,
  type ComponentCommandArgs,
  type HarvestCard,
  type HarvestExample,
} from '../../protocol/lspRequests';

/** Paragraphs that follow a card's title in a hover. */
export function cardParagraphs(card: HarvestCard): string[] {
  const paragraphs = [statistics(card)];
  if (card.label !== null) paragraphs.unshift(`*${escapeMarkdown(card.label)}*`);
  if (card.examples.length > 0) {
    const lines = card.examples.map((example) => exampleLine(example, card));
    paragraphs.push(`Top examples (CI at the marked token):\n\n${lines.join('\n')}`);
  } else {
    paragraphs.push('No examples: this subcomponent never fired in the harvested tokens.');
  }
  const args: ComponentCommandArgs = { runDir: card.runDir, id: `${card.module}:${card.component}` };
  paragraphs.push(
    `[Open in graph](${commandLink(OPEN_COMPONENT_IN_GRAPH_COMMAND, args)}) · ` +
      `[Show all examples](${commandLink(SHOW_COMPONENT_EXAMPLES_COMMAND, args)})`,
  );
  return paragraphs;
}

/** A whole document listing every example the card holds. */
export function examplesDocument(card: HarvestCard): string {
  const title = `# \`${card.module}:${card.component}\`${card.label === null ? '' : ` — ${escapeMarkdown(card.label)}`}`;
  const lines = card.examples.map(
    (example) =>
      `${exampleLine(example, card)} — activation ${formatNumber(example.activation)}, ` +
      `${card.inputKind === 'tokens' ? 'sequence' : 'sample'} ${example.sequence}, position ${example.position}`,
  );
  const shown =
    card.examples.length < card.nExamples
      ? `The strongest ${card.examples.length} of ${card.nExamples} examples`
      : `All ${card.nExamples} examples`;
  return [title, statistics(card), `${shown}, strongest first (CI at the marked token):`, lines.join('\n')]
    .join('\n\n')
    .concat('\n');
}

function statistics(card: HarvestCard): string {
  const firing = card.inputKind === 'tokens' ? 'tokens' : 'samples';
  const parts = [
    `Density ${formatPercent(card.density)} of ${firing} (CI > ${formatNumber(card.ciThreshold)})`,
    `mean CI ${formatNumber(card.meanCi)}`,
    card.alive ? 'alive' : '**dead** (mean CI ≤ 1e-6)',
    `run \`${card.runId}\``,
  ];
  const note = card.harvestDone ? '' : ' · harvest still running';
  return parts.join(' · ') + note;
}

function exampleLine(example: HarvestExample, card: HarvestCard): string {
  const separator = card.inputKind === 'tokens' ? '' : ' · ';
  const pieces = example.tokens.map((token, index) =>
    index === example.marked ? markedToken(token) : plainToken(token),
  );
  // Tokens carry their own leading spaces (` the`), which would widen the gap after the CI.
  const text = pieces.join(separator).trim();
  const before = example.omittedBefore > 0 ? '… ' : '';
  const after = example.omittedAfter > 0 ? ' …' : '';
  return `${example.rank + 1}. \`${formatNumber(example.ci)}\` ${before}${text}${after}`;
}

// Bold needs its `**` next to non-space characters (CommonMark flanking rules), so a token's surrounding
// spaces go outside the brackets; a token that is only whitespace shows as a visible space.
function markedToken(token: string): string {
  const [, leading = '', core = '', trailing = ''] = /^(\s*)(.*?)(\s*)$/s.exec(token) ?? [];
  const shown = core === '' ? '␣' : visibleSpace(escapeMarkdown(core));
  return `${visibleSpace(leading)}⟦**${shown}**⟧${visibleSpace(trailing)}`;
}

function plainToken(token: string): string {
  const [, leading = '', core = '', trailing = ''] = /^(\s*)(.*?)(\s*)$/s.exec(token) ?? [];
  return visibleSpace(leading + escapeMarkdown(core) + trailing);
}

/** Line breaks and tabs inside a token would break the example's line; show them as symbols. */
function visibleSpace(space: string): string {
  return space.replace(/\r?\n/g, '⏎').replace(/\t/g, '⇥');
}

/** Backslash-escapes every ASCII punctuation character, which CommonMark allows for all of them. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&"'=:;,?@$%^/]/g, '\\$&');
}

function commandLink(command: string, args: ComponentCommandArgs): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify([args]))}`;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(3)));
}

function formatPercent(value: number): string {
  return `${formatNumber(value * 100)}%`;
}
