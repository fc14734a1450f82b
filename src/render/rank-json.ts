// The ranking as JSON for programs: snake_case fields, money in the reporting currency.
import type { RankReport } from '../core/rank.js';
import { currencyField, round } from './format.js';
import { summarySentence } from './rank-view.js';
import {
  catalogueJson,
  costBasisJson,
  JSON_SCHEMA_VERSION,
  samplingJson,
  windowJson,
} from './usage-json.js';

const MONEY = 6;
const UNIT = 10;
const RATIO = 10;

export function renderRankJson(report: RankReport): string {
  const { currency } = report.catalogue;
  const c = (name: string) => currencyField(name, currency);
  const num = (value: number | null, decimals: number) =>
    value === null ? null : round(value, decimals);
  const { ranking } = report;
  const document = {
    schema_version: JSON_SCHEMA_VERSION,
    kind: 'rank',
    window: windowJson(report),
    source: report.source,
    currency,
    ...costBasisJson(report),
    catalogue: catalogueJson(report),
    ...samplingJson(report),
    partial: report.partial,
    marginal_factor: ranking.factor,
    rows: ranking.rows.map((row, index) => ({
      rank: index + 1,
      [report.useCaseLabel]: row.useCase,
      [c('cost')]: num(row.cost, MONEY),
      cost_is_lower_bound: row.costIsLowerBound,
      inferences: row.inferences,
      [c('cost_per_inference')]: num(row.costPerInference, UNIT),
      [c('value_per_inference')]: row.valuePerInference,
      value_source: report.valueSources[row.useCase] ?? null,
      [c('value')]: num(row.value, MONEY),
      [c('margin_per_inference')]: num(row.marginPerInference, UNIT),
      [c('total_margin')]: num(row.totalMargin, MONEY),
      cost_share: num(row.costShare, RATIO),
      value_share: num(row.valueShare, RATIO),
      cumulative_cost_share: num(row.cumulativeCostShare, RATIO),
      marginal: row.marginal,
      reasons: row.reasons,
      not_judged: row.notJudged ?? null,
    })),
    summary: {
      use_cases: ranking.summary.useCases,
      judged: ranking.summary.judged,
      marginal: ranking.summary.marginal,
      [c('marginal_cost')]: round(ranking.summary.marginalCost, MONEY),
      marginal_cost_share: num(ranking.summary.marginalCostShare, RATIO),
      [c('total_cost')]: round(ranking.summary.totalCost, MONEY),
      [c('total_value')]: round(ranking.summary.totalValue, MONEY),
      // Nothing judged has no margin: null, as the table's dash, not 0.
      [c('total_margin')]:
        ranking.summary.judged === 0 ? null : round(ranking.summary.totalMargin, MONEY),
      without_value: ranking.summary.withoutValue,
      unpriced: ranking.summary.unpriced,
      without_gpu_time: ranking.summary.withoutGpuTime,
      text: summarySentence(ranking, currency),
    },
    notes: report.notes.map((note) => note.text),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
