import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MetricsLine } from '../../protocol/runFiles';
import { charts, evalTable, format, tickLabel } from '../../webview/dashboard/series';

// Lines shaped as a TMS run writes them: training lines every step logged, an evaluation line at step 100.
const LINES: MetricsLine[] = [
  {
    step: 1,
    lr: 0.01,
    p: 1,
    loss: { total: 0.02, importance_minimality: 6.8, faithfulness: 1.2e-7, stochastic_recon: 0.012 },
    l0: { linear1: 13.2, linear2: 4.3 },
    l0_total: 17.5,
    it_per_s: 15.7,
    elapsed_s: 0.06,
  },
  {
    step: 100,
    lr: 0.0099,
    p: 1,
    loss: { total: 0.004, importance_minimality: 9.05, faithfulness: 2.2e-5, stochastic_recon: 0.00097 },
    l0: { linear1: 2.1, linear2: 2.0 },
    l0_total: 4.1,
    it_per_s: 40.2,
    elapsed_s: 2.5,
  },
  {
    step: 100,
    eval: {
      mse_unmasked: 2.1e-5,
      mse_ci_masked: 0.0031,
      mse_stoch_masked: 0.0042,
      pgd_mse: 0.0105,
      alive: { linear1: 41, linear2: 40 },
    },
  },
];

describe('run dashboard series', () => {
  test('draws the loss terms in the method’s order, then L0 per module, then the evaluations', () => {
    const drawn = charts(LINES);
    assert.deepEqual(
      drawn.map((chart) => [chart.title, chart.log]),
      [
        ['Training losses', true],
        ['L0: important subcomponents per position', false],
        ['Evaluation: output MSE against the target', true],
      ],
    );
    const [losses, l0, evaluation] = drawn;
    assert.deepEqual(losses?.steps, [1, 100]);
    assert.deepEqual(
      losses?.series.map((series) => series.name),
      ['faithfulness', 'stochastic recon', 'importance minimality', 'total'],
    );
    assert.deepEqual(losses?.series[3]?.values, [0.02, 0.004]);
    assert.deepEqual(
      l0?.series.map((series) => [series.name, series.values]),
      [
        ['all modules', [17.5, 4.1]],
        ['linear1', [13.2, 2.1]],
        ['linear2', [4.3, 2.0]],
      ],
    );
    // Evaluation kinds the run never logged (rounded masks) are left out rather than drawn empty.
    assert.deepEqual(evaluation?.steps, [100]);
    assert.deepEqual(
      evaluation?.series.map((series) => [series.name, series.values]),
      [
        ['unmasked', [2.1e-5]],
        ['stochastic', [0.0042]],
        ['ci', [0.0031]],
        ['fresh PGD adversary', [0.0105]],
      ],
    );
  });

  test('measures a language model’s evaluations in KL and keeps a gap where a line lacks a term', () => {
    const lines: MetricsLine[] = [
      { step: 10, loss: { total: 1, ppgd_recon: 0.5 } },
      { step: 20, loss: { total: 0.8 } },
      { step: 20, eval: { kl_unmasked: 0.01, kl_ci_masked: 0.2, ce_unmasked: 3.1 } },
    ];
    const [losses, evaluation] = charts(lines);
    assert.deepEqual(
      losses?.series.map((series) => [series.name, series.values]),
      [
        ['adversarial recon (PPGD)', [0.5, null]],
        ['total', [1, 0.8]],
      ],
    );
    assert.equal(evaluation?.title, 'Evaluation: output KL against the target');
    assert.deepEqual(
      evaluation?.series.map((series) => series.name),
      ['unmasked', 'ci'],
    );
  });

  test('draws nothing before the first line', () => {
    assert.deepEqual(charts([]), []);
    assert.equal(evalTable([]), undefined);
  });

  test('tabulates the latest evaluation: scalars first, then one row per module', () => {
    const table = evalTable(LINES);
    assert.equal(table?.step, 100);
    assert.deepEqual(table?.rows, [
      ['mse_unmasked', '2.100e-5'],
      ['mse_ci_masked', '0.003100'],
      ['mse_stoch_masked', '0.004200'],
      ['pgd_mse', '0.01050'],
      ['alive · linear1', '41'],
      ['alive · linear2', '40'],
    ]);
  });

  test('formats numbers to four significant figures, switching to exponents outside 1e-3..1e4', () => {
    assert.equal(format(3), '3');
    assert.equal(format(0.123456), '0.1235');
    assert.equal(format(123456.7), '1.235e+5');
    assert.equal(format(0.0001234), '1.234e-4');
  });

  test('labels axis ticks briefly, and a log axis’s small decades as powers of ten rather than 0', () => {
    assert.deepEqual([10, 1, 0.1, 0.01, 0.001, 1e-4, 1e-10].map(tickLabel), [
      '10',
      '1',
      '0.1',
      '0.01',
      '1e-3',
      '1e-4',
      '1e-10',
    ]);
    assert.deepEqual([0, 0.5, 2.5, 4000, 20000, null].map(tickLabel), ['0', '0.5', '2.5', '4000', '2e4', '']);
  });
});
