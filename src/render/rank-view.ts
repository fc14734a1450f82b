// The ranking laid out for people (table and Markdown), with a summary line to paste.

import type { Ranking, RankReport, RankRow } from '../core/rank.js';
import { fixed, percent, roundToTotal, safeText, unitCost } from './format.js';
import type { Column, View } from './usage-view.js';
import { contextLines } from './usage-view.js';

const DASH = '–';

export function rankView(report: RankReport): View {
  const { currency } = report.catalogue;
  const { ranking } = report;
  const columns: Column[] = [
    { title: report.useCaseLabel, numeric: false },
    { title: `cost ${currency}`, numeric: true },
    { title: 'inferences', numeric: true },
    { title: `cost/inf`, numeric: true },
    { title: `value/inf`, numeric: true },
    { title: `margin/inf`, numeric: true },
    { title: `margin ${currency}`, numeric: true },
    { title: 'cost share', numeric: true },
    { title: 'value share', numeric: true },
    { title: 'cum. cost', numeric: true },
    { title: 'verdict', numeric: false },
  ];
  const { summary } = ranking;
  // Money columns as shown add up to the totals row as shown, to the cent.
  const costs = roundToTotal(
    ranking.rows.map((row) => row.cost ?? 0),
    2,
    summary.totalCost,
  );
  const margins = roundToTotal(
    ranking.rows.map((row) => row.totalMargin ?? 0),
    2,
    summary.totalMargin,
  );
  // Unpriced usage makes the total cost a lower bound, as it does each row's.
  const costBound = ranking.rows.some((row) => row.costIsLowerBound || row.cost === null);
  return {
    title: 'ml-cost rank',
    context: [
      ...contextLines(report),
      `rule    marginal when margin < 0 or cost share > ${fixed(ranking.factor, 2)} × value share`,
    ],
    columns,
    rows: ranking.rows.map((row, i) => rowCells(row, costs[i] ?? 0, margins[i] ?? 0)),
    totals: [
      'total',
      // The priced cost of every use case: a lower bound when any of them is only partly priced.
      `${costBound ? '≥ ' : ''}${fixed(summary.totalCost, 2)}`,
      fixed(sumInferences(ranking), 0),
      '',
      '',
      '',
      // A margin of nothing judged is no margin, not 0.00.
      summary.judged === 0 ? DASH : fixed(summary.totalMargin, 2),
      summary.totalCost > 0 ? '100.0%' : DASH,
      summary.totalValue > 0 ? '100.0%' : DASH,
      '',
      '',
    ],
    footnotes: [summarySentence(ranking, currency)],
  };
}

function rowCells(row: RankRow, shownCost: number, shownMargin: number): string[] {
  const unit = (value: number | null) => (value === null ? DASH : unitCost(value));
  const share = (value: number | null) => (value === null ? DASH : percent(value));
  return [
    safeText(row.useCase || '(none)'),
    row.cost === null ? 'unpriced' : `${row.costIsLowerBound ? '≥ ' : ''}${fixed(shownCost, 2)}`,
    fixed(row.inferences, 0),
    `${row.costIsLowerBound && row.costPerInference !== null ? '≥ ' : ''}${unit(row.costPerInference)}`,
    row.valuePerInference === null ? 'not set' : unit(row.valuePerInference),
    unit(row.marginPerInference),
    row.totalMargin === null ? DASH : fixed(shownMargin, 2),
    share(row.costShare),
    share(row.valueShare),
    share(row.cumulativeCostShare),
    verdict(row),
  ];
}

function verdict(row: RankRow): string {
  if (row.notJudged === 'no-value') return 'no value set';
  if (row.notJudged === 'unpriced') return 'unpriced';
  if (row.notJudged === 'no-gpu-time') return 'no GPU time';
  if (!row.marginal) return 'ok';
  return row.reasons.includes('negative-margin') ? 'MARGINAL (loss)' : 'MARGINAL (share)';
}

function sumInferences(ranking: Ranking): number {
  return ranking.rows.reduce((sum, row) => sum + row.inferences, 0);
}

/** e.g. "2 marginal use cases consume 35.2% of GPU cost (EUR 1,234.00 of EUR 3,505.68)." */
export function summarySentence(ranking: Ranking, currency: string): string {
  const { summary } = ranking;
  if (summary.useCases > 0 && summary.withoutValue.length === summary.useCases) {
    return `No use case has a value per inference, so none is judged: set use_cases.<name>.value_per_inference in ml-cost.config.json or pass --value name=AMOUNT.${lowerBoundText(ranking)}`;
  }
  const n = summary.marginal;
  const share = summary.marginalCostShare === null ? DASH : percent(summary.marginalCostShare);
  let sentence = `${n} marginal use case${n === 1 ? '' : 's'} consume${n === 1 ? 's' : ''} ${share} of GPU cost (${currency} ${fixed(summary.marginalCost, 2)} of ${currency} ${fixed(summary.totalCost, 2)}).`;
  if (summary.withoutValue.length > 0) {
    sentence += ` Not judged, no value per inference set: ${summary.withoutValue.map((name) => safeText(name || '(none)')).join(', ')}.`;
  }
  if (summary.unpriced.length > 0) {
    sentence += ` Not judged, unpriced GPU usage: ${summary.unpriced.map((name) => safeText(name || '(none)')).join(', ')}.`;
  }
  if (summary.withoutGpuTime.length > 0) {
    sentence += ` Not judged, inferences without GPU time: ${summary.withoutGpuTime.map((name) => safeText(name || '(none)')).join(', ')}.`;
  }
  return sentence + lowerBoundText(ranking);
}

function lowerBoundText(ranking: Ranking): string {
  return ranking.rows.some((row) => row.costIsLowerBound || row.cost === null)
    ? ' ≥: part of the GPU time has no rate in the catalogue; the cost shown is what could be priced.'
    : '';
}
