// The curves and the table a run dashboard draws, from metrics.jsonl's lines: pure functions, so that what
// the page shows is tested without a browser.
import type { MetricsLine } from '../../protocol/runFiles';

/** One chart: x values (steps) and one named series of y values per curve; null where a line lacks it. */
export interface Chart {
  title: string;
  /** Plotted on a log axis: losses span orders of magnitude. */
  log: boolean;
  steps: number[];
  series: { name: string; values: (number | null)[] }[];
}

/** The loss terms, in the order a reader meets them in the method: faithfulness, reconstructions, sparsity. */
const LOSS_ORDER = [
  'faithfulness',
  'stochastic_recon',
  'stochastic_recon_layerwise',
  'ppgd_recon',
  'importance_minimality',
  'total',
];
const LOSS_NAMES: Record<string, string> = {
  faithfulness: 'faithfulness',
  stochastic_recon: 'stochastic recon',
  stochastic_recon_layerwise: 'stochastic recon (layerwise)',
  ppgd_recon: 'adversarial recon (PPGD)',
  importance_minimality: 'importance minimality',
  total: 'total',
};
/** Evaluation curves: the output loss unmasked, under random ablation, at CI, and under a fresh PGD adversary. */
const EVAL_KINDS = ['unmasked', 'stoch_masked', 'ci_masked', 'rounded_masked'];

export function charts(lines: readonly MetricsLine[]): Chart[] {
  const trained = lines.filter((line) => line.loss !== undefined);
  const evaluated = lines.filter((line) => line.eval !== undefined);
  const result: Chart[] = [];
  const terms = ordered(new Set(trained.flatMap((line) => Object.keys(line.loss ?? {}))), LOSS_ORDER);
  if (terms.length > 0) {
    result.push({
      title: 'Training losses',
      log: true,
      steps: trained.map((line) => line.step),
      series: terms.map((term) => ({
        name: LOSS_NAMES[term] ?? term,
        values: trained.map((line) => line.loss?.[term] ?? null),
      })),
    });
  }
  const modules = [...new Set(trained.flatMap((line) => Object.keys(line.l0 ?? {})))].sort();
  if (modules.length > 0) {
    result.push({
      title: 'L0: important subcomponents per position',
      log: false,
      steps: trained.map((line) => line.step),
      series: [
        { name: 'all modules', values: trained.map((line) => line.l0_total ?? null) },
        ...modules.map((module) => ({
          name: module,
          values: trained.map((line) => line.l0?.[module] ?? null),
        })),
      ],
    });
  }
  const measure = evaluated.some((line) => typeof line.eval?.kl_unmasked === 'number') ? 'kl' : 'mse';
  if (evaluated.length > 0) {
    const numberAt = (line: MetricsLine, key: string): number | null => {
      const value = line.eval?.[key];
      return typeof value === 'number' ? value : null;
    };
    result.push({
      title: `Evaluation: output ${measure.toUpperCase()} against the target`,
      log: true,
      steps: evaluated.map((line) => line.step),
      series: [
        ...EVAL_KINDS.map((kind) => ({
          name: kind.replace('_masked', '').replace('stoch', 'stochastic'),
          values: evaluated.map((line) => numberAt(line, `${measure}_${kind}`)),
        })),
        { name: 'fresh PGD adversary', values: evaluated.map((line) => numberAt(line, `pgd_${measure}`)) },
      ].filter((series) => series.values.some((value) => value !== null)),
    });
  }
  return result;
}

/** The latest evaluation as rows of (metric, value): scalars first, then per-module values. */
export function evalTable(
  lines: readonly MetricsLine[],
): { step: number; rows: [string, string][] } | undefined {
  const latest = [...lines].reverse().find((line) => line.eval !== undefined);
  if (latest?.eval === undefined) return undefined;
  const scalars: [string, string][] = [];
  const perModule: [string, string][] = [];
  for (const [key, value] of Object.entries(latest.eval)) {
    if (typeof value === 'number') scalars.push([key, format(value)]);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [module, entry] of Object.entries(value as Record<string, unknown>)) {
        if (typeof entry === 'number') perModule.push([`${key} · ${module}`, format(entry)]);
      }
    }
  }
  return { step: latest.step, rows: [...scalars, ...perModule] };
}

export function format(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e4 || Math.abs(value) < 1e-3 ? value.toExponential(3) : value.toPrecision(4);
}

/**
 * An axis tick: short, and never a small value rounded to `0` (log axes span many decades). uPlot passes
 * null for a tick it draws without a label.
 */
export function tickLabel(value: number | null): string {
  if (value === null) return '';
  if (value === 0) return '0';
  if (Math.abs(value) >= 1e4 || Math.abs(value) < 1e-2) return value.toExponential(0).replace('e+', 'e');
  return String(Number(value.toPrecision(3)));
}

function ordered(names: Set<string>, order: string[]): string[] {
  const known = order.filter((name) => names.has(name));
  return [...known, ...[...names].filter((name) => !order.includes(name)).sort()];
}
