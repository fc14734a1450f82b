// The ranking as CSV: one record per use case in rank order, same columns every run.
import type { RankReport } from '../core/rank.js';
import { DECIMALS, number, type Table, text } from '../export/table.js';
import { renderTableCsv } from './csv.js';
import { currencyField } from './format.js';

export function renderRankCsv(report: RankReport): string {
  const c = (name: string) => currencyField(name, report.catalogue.currency);
  const table: Table = {
    columns: [
      number('rank', 0),
      text(report.useCaseLabel),
      number(c('cost'), DECIMALS.money),
      number('inferences', DECIMALS.count),
      number(c('cost_per_inference'), DECIMALS.unitMoney),
      number(c('value_per_inference'), DECIMALS.unitMoney),
      number(c('margin_per_inference'), DECIMALS.unitMoney),
      number(c('total_margin'), DECIMALS.money),
      number('cost_share', DECIMALS.ratio),
      number('value_share', DECIMALS.ratio),
      number('cumulative_cost_share', DECIMALS.ratio),
      text('marginal'),
      text('reasons'),
      text('cost_is_lower_bound'),
    ],
    records: report.ranking.rows.map((row, index) => [
      index + 1,
      row.useCase,
      row.cost,
      row.inferences,
      row.costPerInference,
      row.valuePerInference,
      row.marginPerInference,
      row.totalMargin,
      row.costShare,
      row.valueShare,
      row.cumulativeCostShare,
      row.marginal === null ? (row.notJudged ?? null) : String(row.marginal),
      row.reasons.join(' '),
      String(row.costIsLowerBound),
    ]),
  };
  return renderTableCsv(table);
}
