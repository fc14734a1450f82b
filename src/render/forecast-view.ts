// The forecast laid out for people (table and Markdown): one line per group and the total,
// then how each figure was made, the budget, and a daily chart with the projection.

import type {
  BudgetCheck,
  DayOutlook,
  ForecastReport,
  ForecastResult,
  TrendForecast,
} from '../core/forecast.js';
import { type ForecastFigures, forecastFigures, isUnpriced } from '../core/forecast-figures.js';
import type { Figure } from '../core/unit-costs.js';
import { fixed, isoInZone, percent, roundToTotal, safeText } from './format.js';
import { sparkMark } from './sparkline.js';
import type { Column, View } from './usage-view.js';
import { costBasisLines, fxLines, MAX_TABLE_ROWS, samplingLines } from './usage-view.js';

const DASH = '–';

/** The local calendar date of an instant, YYYY-MM-DD. */
export function localDate(ms: number, tz: string): string {
  return isoInZone(ms, tz).slice(0, 10);
}

export interface ForecastViewOptions {
  /** Draw the daily sparkline (a terminal only: it is decoration, not data). */
  readonly chart: boolean;
}

export function forecastView(report: ForecastReport, options: ForecastViewOptions): View {
  const { currency } = report.catalogue;
  const groupColumns = report.by.length > 0 ? report.by : ['month'];
  const columns: Column[] = [
    ...groupColumns.map((title) => ({ title, numeric: false })),
    { title: `to date ${currency}`, numeric: true },
    { title: `run-rate ${currency}`, numeric: true },
    { title: `trend ${currency}`, numeric: true },
    { title: `trend ${percent(trendConfidence(report), 0)} range`, numeric: true },
    { title: 'R²', numeric: true },
  ];
  // As in the usage table: more rows than this are unreadable and slow to lay out.
  const byCost = [...report.groups].sort((a, b) => b.result.actual.cost - a.result.actual.cost);
  const shown = new Set(byCost.slice(0, MAX_TABLE_ROWS));
  const rest = byCost.slice(MAX_TABLE_ROWS);
  const shownGroups = report.groups.filter((group) => shown.has(group));
  // Point forecasts add up; intervals and R² do not. Each money column as shown adds up to
  // the totals row as shown, to the cent, the folded row included.
  const results = shownGroups.map(({ result }) => result);
  const points = POINTS.map((pick) => {
    const values = [...results.map(pick), ...(rest.length > 0 ? [foldedPoint(rest, pick)] : [])];
    const total = pick(report.total);
    if (total === null || values.some((value) => value === null)) return values;
    // Only figures that add up to the total (as per-group forecasts do) can be made to show it.
    const sum = (values as number[]).reduce((acc, value) => acc + value, 0);
    if (Math.abs(sum - total) > 0.005) return values;
    return roundToTotal(values as number[], 2, total);
  });
  const shownPoint = (column: number, row: number) => points[column]?.[row] ?? null;
  const rows = shownGroups.map(({ group, result }, row) => [
    ...report.by.map((label) => safeText(group[label] || '(none)')),
    ...figureCells(result, (column) => shownPoint(column, row)),
  ]);
  if (rest.length > 0) {
    const row = results.length;
    const cell = (column: number) => {
      const value = shownPoint(column, row);
      return value === null ? DASH : fixed(value, 2);
    };
    rows.push([
      `(${fixed(rest.length, 0)} smaller groups)`,
      ...report.by.slice(1).map(() => ''),
      cell(0),
      cell(1),
      cell(2),
      DASH,
      DASH,
    ]);
  }
  const totals = [
    report.by.length > 0 ? 'total' : report.month,
    ...Array.from({ length: groupColumns.length - 1 }, () => ''),
    ...figureCells(report.total),
  ];
  return {
    title: 'ml-cost forecast',
    context: contextLines(report),
    columns,
    rows,
    totals,
    footnotes: [
      ...methodLines(report.total, currency, report.tz),
      ...budgetLines(report, currency),
      ...(options.chart ? chartLines(report.total) : []),
      ...unpricedLines(report.total),
    ],
  };
}

function trendConfidence(report: ForecastReport): number {
  const trend = report.total.trend;
  return trend?.available ? trend.confidence : 0.8;
}

/** The point figures of a result: cost to date, run-rate and trend forecasts (null: none). */
const POINTS: readonly ((result: ForecastResult) => number | null)[] = [
  (result) => result.actual.cost,
  (result) => result.runRate?.total ?? null,
  (result) => (result.trend?.available ? result.trend.total : null),
];

/** The sum of a point figure over folded groups; null when one of them has none. */
function foldedPoint(
  folded: readonly { readonly result: ForecastResult }[],
  pick: (result: ForecastResult) => number | null,
): number | null {
  let total = 0;
  for (const { result } of folded) {
    const value = pick(result);
    if (value === null) return null;
    total += value;
  }
  return total;
}

/** The figures behind POINTS, by the unit-cost rule. */
const POINT_FIGURES: readonly ((figures: ForecastFigures) => Figure | undefined)[] = [
  (figures) => figures.toDate,
  (figures) => figures.runRate?.total,
  (figures) => figures.trend?.total,
];

/** '≥ ' before a money figure that is only a lower bound. */
export const LOWER_BOUND = '≥ ';

/** A money figure as shown: '≥ ' before a lower bound, unpriced when nothing of it is priced. */
function moneyText(figure: Figure | undefined, shown: number | null): string {
  if (figure?.kind === 'undefined') return 'unpriced';
  if (shown === null) return DASH;
  return `${figure?.kind === 'lower_bound' ? LOWER_BOUND : ''}${fixed(shown, 2)}`;
}

/** A result's cells; `shown(i)` is POINTS[i] as rounded to reconcile with the totals row. */
function figureCells(
  result: ForecastResult,
  shown: (point: number) => number | null = (point) => POINTS[point]?.(result) ?? null,
): string[] {
  const trend = result.trend?.available ? result.trend : null;
  const figures = forecastFigures(result);
  if (isUnpriced(figures)) return ['unpriced', 'unpriced', trend ? 'unpriced' : DASH, DASH, DASH];
  const point = (index: number) => moneyText(POINT_FIGURES[index]?.(figures), shown(index));
  // An interval of the priced part alone would look like the whole range: left out.
  const exactTrend = figures.trend?.total.kind === 'exact';
  return [
    point(0),
    point(1),
    point(2),
    trend && exactTrend
      ? `${fixed(trend.interval.lower, 2)} – ${fixed(trend.interval.upper, 2)}`
      : DASH,
    trend?.rSquared != null ? fixed(trend.rSquared, 3) : DASH,
  ];
}

function contextLines(report: ForecastReport): string[] {
  const { total, catalogue, tz } = report;
  const versions = catalogue.forcedVersion
    ? `${catalogue.forcedVersion} (forced over the whole month)`
    : [...new Set([...catalogue.versions, ...total.remainingVersions])].join(', ') ||
      'none in force';
  const status =
    total.status === 'ended'
      ? 'month ended: actual only'
      : `${fixed(total.elapsedHours, 0)} of ${fixed(total.monthHours, 0)} hours closed`;
  return [
    `month   ${report.month} (${tz})  ${isoInZone(total.monthStartMs, tz)} → ${isoInZone(total.monthEndMs, tz)}`,
    `as of   ${isoInZone(report.asOfMs, tz)}; closed through ${isoInZone(total.closedUntilMs, tz)} (${status})`,
    `source  ${report.source}${report.partial ? '  [PARTIAL DATA]' : ''}`,
    `prices  catalogue ${versions} · ${catalogue.currency} · hash ${catalogue.hash}`,
    ...fxLines(
      {
        ...catalogue,
        fxVersions: [
          ...new Set([...(catalogue.fxVersions ?? []), ...(total.remainingFxVersions ?? [])]),
        ],
      },
      'month',
    ),
    ...samplingLines(report.sampling),
    ...costBasisLines(catalogue),
  ];
}

/** How each figure of the total was made, in words and numbers an analyst can check. */
function methodLines(result: ForecastResult, currency: string, tz: string): string[] {
  if (result.status === 'ended') {
    return [`actual: ${currency} ${fixed(result.actual.cost, 2)} for the whole month`];
  }
  const lines: string[] = [];
  const figures = forecastFigures(result);
  const runRate = result.runRate;
  if (runRate) {
    const priceNote =
      result.remainingVersions.length > 1
        ? ` (remaining hours priced by version: ${result.remainingVersions.join(' → ')})`
        : '';
    lines.push(
      `run-rate: ${currency} ${moneyText(figures.toDate, runRate.monthToDate)} to date / ${fixed(runRate.elapsedHours, 0)} h elapsed × ${fixed(runRate.monthHours, 0)} h = ${currency} ${moneyText(figures.runRate?.total, runRate.total)}${priceNote}`,
    );
  }
  const trend = result.trend;
  if (trend && !trend.available) {
    lines.push(
      `trend: not enough data — ${trend.daysAvailable} closed day(s), ${trend.daysNeeded} needed; run-rate only`,
    );
  } else if (trend) {
    lines.push(trendLine(trend, figures, currency, tz));
  }
  return lines;
}

function trendLine(
  trend: TrendForecast,
  figures: ForecastFigures,
  currency: string,
  tz: string,
): string {
  const first = trend.points[0];
  const last = trend.points[trend.points.length - 1];
  const span =
    first && last ? `${localDate(first.startMs, tz)} … ${localDate(last.startMs, tz)}` : '';
  const r2 = trend.rSquared === null ? 'n/a (flat)' : fixed(trend.rSquared, 3);
  const fitUnpriced = trend.points.reduce((sum, point) => sum + point.unpricedGpuHours, 0);
  // The line in money covers the priced GPU-hours of the fit days only: say what it leaves out.
  const unpricedFit =
    fitUnpriced > 0
      ? ` (priced part only: ${fixed(fitUnpriced, 2)} GPU-hours of the fit days have no rate in ${trend.referenceVersion ?? 'any version'})`
      : '';
  const interval =
    figures.trend?.total.kind === 'exact'
      ? `; ${percent(trend.confidence, 0)} interval ±${fixed(trend.interval.halfWidth, 2)} (t ${fixed(trend.tQuantile, 4)}, df ${trend.degreesOfFreedom}, s ${fixed(trend.residualStdError, 2)})`
      : '; no interval: part of the projection has no rate';
  return (
    `trend: least squares over ${trend.daysUsed} closed days (${span}): ${currency} ${fixed(trend.intercept, 2)} ${trend.slope < 0 ? '−' : '+'} ${fixed(Math.abs(trend.slope), 2)} × day of month${unpricedFit}, R² ${r2}; ` +
    `${remainingDays(trend.remainingDays)} add ${currency} ${moneyText(figures.trend?.remaining, trend.projectedRemaining)} → ${moneyText(figures.trend?.total, trend.total)}` +
    interval
  );
}

/** "12 remaining days", "1 remaining day", "11.5 remaining days" (as-of inside a day). */
function remainingDays(days: number): string {
  const count = Number.isInteger(days) ? fixed(days, 0) : fixed(days, 1);
  return `${count} remaining ${days === 1 ? 'day' : 'days'}`;
}

function budgetLines(report: ForecastReport, currency: string): string[] {
  const budget = report.total.budget;
  if (!budget) return [];
  const figures = forecastFigures(report.total);
  const describe = (name: string, check: BudgetCheck | undefined, figure?: Figure) => {
    if (!check) return null;
    // A lower bound can prove a budget crossed, never kept: the unpriced part is not in it.
    if (figure?.kind === 'undefined') return `${name} unknown (unpriced)`;
    if (figure?.kind === 'lower_bound') {
      const over =
        check.difference > 0 ? `${LOWER_BOUND}${fixed(check.difference, 2)} over` : 'not decided';
      return `${name} ${over} (priced part only)`;
    }
    const side =
      check.difference > 0
        ? `${fixed(check.difference, 2)} over`
        : `${fixed(-check.difference, 2)} under`;
    const crossed =
      check.crossedOnMs === null
        ? 'not crossed'
        : `crossed on ${localDate(check.crossedOnMs, report.tz)}`;
    return `${name} ${side}, ${crossed}`;
  };
  const parts = [
    describe('actual', budget.actual, figures.toDate),
    describe('run-rate', budget.runRate, figures.runRate?.total),
    describe('trend', budget.trend, figures.trend?.total),
  ].filter((part): part is string => part !== null);
  return [`budget ${currency} ${fixed(budget.amount, 2)}: ${parts.join('; ')}`];
}

function unpricedLines(result: ForecastResult): string[] {
  const projected = Math.max(
    result.runRate?.projectedUnpricedGpuHours ?? 0,
    result.trend?.available ? result.trend.projectedUnpricedGpuHours : 0,
  );
  if (result.actual.unpricedGpuHours <= 0 && projected <= 0) return [];
  // A month that has ended projects nothing: "about 0.00 projected" would read as a forecast.
  if (!result.runRate && !result.trend?.available) {
    return [
      `unpriced: ${fixed(result.actual.unpricedGpuHours, 2)} GPU-hours have no rate in the catalogue and are not in the figures`,
    ];
  }
  return [
    `unpriced: ${fixed(result.actual.unpricedGpuHours, 2)} GPU-hours to date and about ${fixed(projected, 2)} projected have no rate in the catalogue and are not in the figures (${LOWER_BOUND.trim()}: the priced part, a lower bound)`,
  ];
}

/** Daily cost, actual then projected (trend, else run-rate), on one scale. */
export function chartLines(result: ForecastResult): string[] {
  if (result.days.length === 0) return [];
  const useTrend = result.trend?.available === true;
  const projected = (day: DayOutlook) => (useTrend ? (day.trend ?? 0) : (day.runRate ?? 0));
  const values = result.days.map((day) => (day.actual ?? 0) + projected(day));
  const max = Math.max(...values, 0);
  const bar = (value: number) => sparkMark(value, max);
  const closed = result.days.filter((day) => day.endMs <= result.closedUntilMs);
  const actualBars = closed.map((day) => bar(day.actual ?? 0)).join('');
  const projectedBars = values.slice(closed.length).map(bar).join('');
  const label =
    result.status === 'ended' ? 'actual' : `actual │ ${useTrend ? 'trend' : 'run-rate'}`;
  return [`daily   ${actualBars}${projectedBars ? `│${projectedBars}` : ''}   (${label})`];
}
