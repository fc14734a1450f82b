// The ranking as CSV: one record per use case in rank order, same columns every run.
import type { RankReport } from '../core/rank.js';
import { basisCells, basisColumns, convertsCurrency, versionsCell } from '../export/rows.js';
import { DECIMALS, number, type Table, text } from '../export/table.js';
import { type CsvStyle, renderTableCsv, STANDARD_CSV } from './csv.js';
import { currencyField, isoInZone } from './format.js';

export function renderRankCsv(report: RankReport, style: CsvStyle = STANDARD_CSV): string {
  const c = (name: string) => currencyField(name, report.catalogue.currency);
  const fx = convertsCurrency(report);
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
      // Every record says which window and which prices made it, as report CSV rows do.
      text('window_start'),
      text('window_end'),
      ...basisColumns(report),
      text('catalogue_versions'),
      ...(fx ? [text('fx_versions')] : []),
      text('catalogue_hash'),
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
      isoInZone(report.window.fromMs, report.window.tz),
      isoInZone(report.window.toMs, report.window.tz),
      ...basisCells(report),
      versionsCell(report.catalogue.versions),
      ...(fx ? [versionsCell(report.catalogue.fxVersions ?? [])] : []),
      report.catalogue.hash,
    ]),
  };
  return renderTableCsv(table, style, { partial: report.partial });
}
