// An intervention's result as a Markdown document: what was kept or ablated, then, for a language model, the
// next-token predictions at the last position beside the unmasked model's, and for a toy its outputs.
import type { InterventionResult } from '../protocol/serverApi';

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
