// The forecast as CSV: one record for the total, then one per group, same columns every run.
import type { ForecastReport, ForecastResult } from '../core/forecast.js';
import { forecastFigures, isUnpriced } from '../core/forecast-figures.js';
import type { Figure } from '../core/unit-costs.js';
import { basisCells, basisColumns, convertsCurrency, versionsCell } from '../export/rows.js';
import { type Cell, DECIMALS, number, type Table, text } from '../export/table.js';
import { type CsvStyle, renderTableCsv, STANDARD_CSV } from './csv.js';
import { localDate } from './forecast-view.js';
import { currencyField } from './format.js';

export function renderForecastCsv(report: ForecastReport, style: CsvStyle = STANDARD_CSV): string {
  const c = (name: string) => currencyField(name, report.catalogue.currency);
  const money = (name: string) => number(c(name), DECIMALS.money);
  const fx = convertsCurrency(report);
  const table: Table = {
    columns: [
      text('scope'),
      ...report.by.map(text),
      text('month'),
      text('status'),
      money('month_to_date'),
      number('elapsed_hours', 0),
      number('month_hours', 0),
      money('run_rate_forecast'),
      money('trend_forecast'),
      money('trend_lower'),
      money('trend_upper'),
      number('trend_r_squared', DECIMALS.ratio),
      number('trend_days', 0),
      money('trend_slope_per_day'),
      money('budget'),
      money('run_rate_over_budget'),
      money('trend_over_budget'),
      text('run_rate_budget_crossed_on'),
      text('trend_budget_crossed_on'),
      // A month that has ended is judged on its actual cost, in columns of their own.
      money('actual_over_budget'),
      text('actual_budget_crossed_on'),
      number('unpriced_gpu_hours', DECIMALS.gpuHours),
      // What each forecast figure is: exact, lower_bound (part of its GPU time has no rate, the
      // figure is the priced part) or unpriced (empty); and the projected GPU-hours without a rate.
      text('month_to_date_kind'),
      text('run_rate_kind'),
      text('trend_kind'),
      number('run_rate_unpriced_gpu_hours', DECIMALS.gpuHours),
      number('trend_unpriced_gpu_hours', DECIMALS.gpuHours),
      ...basisColumns(report),
      // Which prices made the figures: those to date and those the remaining hours are priced at.
      text('catalogue_versions'),
      text('remaining_versions'),
      ...(fx ? [text('fx_versions'), text('remaining_fx_versions')] : []),
      text('catalogue_hash'),
    ],
    records: [
      record(report, 'total', {}, report.total),
      ...report.groups.map(({ group, result }) => record(report, 'group', group, result)),
    ],
  };
  return renderTableCsv(table, style, { partial: report.partial });
}

function record(
  report: ForecastReport,
  scope: string,
  group: Readonly<Record<string, string>>,
  result: ForecastResult,
): Cell[] {
  const trend = result.trend?.available ? result.trend : null;
  const date = (ms: number | null | undefined) =>
    ms === null || ms === undefined ? null : localDate(ms, report.tz);
  const { budget } = result;
  const figures = forecastFigures(result);
  // No price for any of it: the costs are unknown, written as empty cells, never as 0.
  const unpriced = isUnpriced(figures);
  const cost = (value: number | null | undefined) => (unpriced ? null : (value ?? null));
  const amountOf = (figure: Figure | undefined) =>
    figure === undefined || figure.kind === 'undefined' ? null : figure.value;
  const kindOf = (figure: Figure | undefined) =>
    figure === undefined ? null : figure.kind === 'undefined' ? figure.reason : figure.kind;
  const exactTrend = figures.trend?.total.kind === 'exact';
  return [
    scope,
    ...report.by.map((label) => group[label] ?? null),
    report.month,
    result.status,
    amountOf(figures.toDate),
    result.elapsedHours,
    result.monthHours,
    amountOf(figures.runRate?.total),
    amountOf(figures.trend?.total),
    // An interval of the priced part alone would look like the whole range: left empty.
    exactTrend ? cost(trend?.interval.lower) : null,
    exactTrend ? cost(trend?.interval.upper) : null,
    trend?.rSquared ?? null,
    trend?.daysUsed ?? null,
    cost(trend?.slope),
    budget?.amount ?? null,
    budget?.runRate?.difference ?? null,
    budget?.trend?.difference ?? null,
    date(budget?.runRate?.crossedOnMs),
    date(budget?.trend?.crossedOnMs),
    budget?.actual?.difference ?? null,
    date(budget?.actual?.crossedOnMs),
    result.actual.unpricedGpuHours,
    kindOf(figures.toDate),
    kindOf(figures.runRate?.total),
    kindOf(figures.trend?.total),
    result.runRate?.projectedUnpricedGpuHours ?? null,
    trend?.projectedUnpricedGpuHours ?? null,
    ...basisCells(report),
    versionsCell(report.catalogue.versions),
    versionsCell(result.remainingVersions),
    ...(convertsCurrency(report)
      ? [
          versionsCell(report.catalogue.fxVersions ?? []),
          versionsCell(result.remainingFxVersions ?? []),
        ]
      : []),
    report.catalogue.hash,
  ];
}
