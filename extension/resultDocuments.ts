// Analysis results as Markdown documents, opened beside the editor. An intervention: what was kept or ablated,
// then, for a language model, the next-token predictions at the last position beside the unmasked model's, and
// for a toy its outputs. An evaluation: every metric of `paramlens eval`, grouped as it nests.
import type { InterventionResult } from '../protocol/serverApi';

/** `paramlens eval --json`: the run, the weights it read, and its metrics (numbers, nested by module). */
export interface Evaluation {
  run_id: string;
  step: number;
  weights: string;
  [metric: string]: unknown;
}

export function evaluationMarkdown(evaluation: Evaluation): string {
  const { run_id: runId, step, weights, ...metrics } = evaluation;
  const lines = [
    `# Evaluation of ${runId}`,
    '',
    `Step ${step}, weights \`${weights}\`, on the config's evaluation batches.`,
    '',
    '| metric | value |',
    '| --- | ---: |',
  ];
  for (const [name, value] of flatten(metrics)) lines.push(`| ${name} | ${shown(value)} |`);
  return `${lines.join('\n')}\n`;
}

function flatten(metrics: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(metrics).flatMap(([key, value]): [string, unknown][] =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? flatten(value as Record<string, unknown>, `${prefix}${key} · `)
      : [[`${prefix}${key}`, value]],
  );
}

function shown(value: unknown): string {
  if (typeof value !== 'number') return Array.isArray(value) ? value.join(', ') : String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e4 || Math.abs(value) < 1e-3 ? value.toExponential(3) : value.toPrecision(4);
}

export function interventionMarkdown(result: InterventionResult): string {
  const verb = result.mode === 'keep' ? 'Keeping only' : 'Ablating';
  const lines = [
    `# Intervention on ${result.run_id}`,
    '',
    `${verb} ${result.ids.map((id) => `\`${id}\``).join(', ')} on ${quote(result.prompt)} ` +
      `(weights of step ${result.weights_step}, ${result.engine}).`,
    '',
  ];
  const last = result.positions.at(-1);
  if (last !== undefined) {
    lines.push(
      `Next token after ${quote(last.token.text)} (position ${last.position}); ` +
        `KL(unmasked ‖ intervened) = ${last.kl_to_unmasked.toPrecision(3)} nats.`,
      '',
      '| rank | intervened | p | unmasked | p |',
      '| ---: | --- | ---: | --- | ---: |',
    );
    const rows = Math.max(last.predictions.length, last.baseline.length);
    for (let rank = 0; rank < rows; rank++) {
      const mine = last.predictions[rank];
      const theirs = last.baseline[rank];
      lines.push(
        `| ${rank + 1} | ${mine ? quote(mine.token) : ''} | ${mine ? percent(mine.probability) : ''} ` +
          `| ${theirs ? quote(theirs.token) : ''} | ${theirs ? percent(theirs.probability) : ''} |`,
      );
    }
    if (result.target !== null && last.target_probability !== null)
      lines.push(
        '',
        `Target ${quote(result.target.text)}: ${percent(last.target_probability)} ` +
          `(unmasked ${percent(last.baseline_target_probability ?? 0)}).`,
      );
  }
  const outputs = result.outputs;
  if (outputs !== null && outputs !== undefined) {
    lines.push(
      `Outputs; mean squared difference from the unmasked model ${outputs.mse_to_unmasked.toPrecision(3)}.`,
      '',
      '| output | intervened | unmasked |',
      '| ---: | ---: | ---: |',
      ...outputs.values.map(
        (value, index) =>
          `| ${index} | ${value.toFixed(4)} | ${(outputs.baseline[index] ?? NaN).toFixed(4)} |`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

function quote(token: string): string {
  return `\`${JSON.stringify(token).slice(1, -1).replaceAll('`', '\\`')}\``;
}

function percent(probability: number): string {
  return `${(100 * probability).toPrecision(3)}%`;
}
