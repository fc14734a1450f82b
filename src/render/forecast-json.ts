// The forecast as JSON for programs: every figure with the inputs that made it, snake_case.
import type { BudgetCheck, DayOutlook, ForecastReport, ForecastResult } from '../core/forecast.js';
import { dayFigures, fitDayCost, forecastFigures, isUnpriced } from '../core/forecast-figures.js';
import { exactValue, type Figure } from '../core/unit-costs.js';
import { localDate } from './forecast-view.js';
import { currencyField, isoInZone, round } from './format.js';
import { costBasisJson, fxJson, JSON_SCHEMA_VERSION, samplingJson } from './usage-json.js';

const MONEY = 6;
const RATIO = 10;

export function renderForecastJson(report: ForecastReport): string {
  const { currency } = report.catalogue;
  const tz = report.tz;
  const document = {
    schema_version: JSON_SCHEMA_VERSION,
    kind: 'forecast',
    month: report.month,
    tz,
    as_of: isoInZone(report.asOfMs, tz),
    ...(report.settledCutMs !== undefined ? { cut_to_settled: true } : {}),
    by: report.by,
    source: report.source,
    currency,
    ...costBasisJson(report),
    catalogue: {
      versions: report.catalogue.versions,
      remaining_versions: report.total.remainingVersions,
      hash: report.catalogue.hash,
      origin: report.catalogue.origin,
      ...(report.catalogue.forcedVersion ? { forced_version: report.catalogue.forcedVersion } : {}),
      ...fxJson(report.catalogue),
      ...(report.total.remainingFxVersions
        ? { remaining_fx_versions: report.total.remainingFxVersions }
        : {}),
    },
    ...samplingJson(report),
    partial: report.partial,
    ...resultJson(report.total, currency, tz),
    groups: report.groups.map(({ group, result }) => ({
      ...group,
      ...resultJson(result, currency, tz),
    })),
    notes: report.notes.map((note) => note.text),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function resultJson(result: ForecastResult, currency: string, tz: string) {
  const money = (name: string, value: number | null) => ({
    [currencyField(name, currency)]: value === null ? null : round(value, MONEY),
  });
  // A figure's value (null when nothing of it is priced) and what it is: exact, a lower bound
  // (part of its GPU time has no rate), or unpriced.
  const figure = (name: string, value: Figure) => ({
    ...money(name, value.kind === 'undefined' ? null : value.value),
    [`${name}_kind`]: value.kind === 'undefined' ? value.reason : value.kind,
  });
  const date = (ms: number) => localDate(ms, tz);
  const { runRate, trend, budget } = result;
  const figures = forecastFigures(result);
  const unpriced = isUnpriced(figures);
  const figureOrNull = (name: string, value: Figure | undefined) =>
    value === undefined ? { ...money(name, null), [`${name}_kind`]: null } : figure(name, value);
  const exactTrend = figures.trend !== null && exactValue(figures.trend.total) !== null;
  // A day's projections by the same rule: null and unpriced where none of it has a rate.
  const dayProjections = (day: DayOutlook) => {
    const projected = dayFigures(day);
    return {
      ...figureOrNull('projected_run_rate', projected.runRate ?? undefined),
      ...figureOrNull('projected_trend', projected.trend ?? undefined),
    };
  };
  // A budget judged on a lower bound is over by at least over_budget, or not decided.
  const budgetJson = (check: BudgetCheck | undefined, total: Figure | undefined) =>
    check === undefined
      ? undefined
      : {
          ...money('total', check.total),
          ...money('over_budget', check.difference),
          crossed_on: check.crossedOnMs === null ? null : date(check.crossedOnMs),
          total_kind: total === undefined || total.kind === 'undefined' ? 'unpriced' : total.kind,
        };
  return {
    status: result.status,
    month_start: isoInZone(result.monthStartMs, tz),
    month_end: isoInZone(result.monthEndMs, tz),
    closed_until: isoInZone(result.closedUntilMs, tz),
    month_hours: result.monthHours,
    elapsed_hours: result.elapsedHours,
    remaining_hours: result.remainingHours,
    // No price for any of its GPU time: the costs are unknown (null), never 0.
    ...(unpriced ? { priced: false } : {}),
    month_to_date: {
      ...figure('cost', figures.toDate),
      gpu_hours: round(result.actual.gpuHours, MONEY),
      unpriced_gpu_hours: round(result.actual.unpricedGpuHours, MONEY),
    },
    run_rate: runRate
      ? {
          method:
            'month_to_date / elapsed_hours * month_hours; remaining hours priced by the version in force',
          ...money('month_to_date', runRate.monthToDate),
          elapsed_hours: runRate.elapsedHours,
          month_hours: runRate.monthHours,
          ...money('hourly_cost', runRate.hourlyCost),
          ...figureOrNull('projected_remaining', figures.runRate?.remaining),
          ...figureOrNull('forecast', figures.runRate?.total),
          projected_gpu_hours: round(runRate.projectedGpuHours, MONEY),
          projected_unpriced_gpu_hours: round(runRate.projectedUnpricedGpuHours, MONEY),
        }
      : null,
    trend: trend
      ? trend.available
        ? {
            available: true,
            method:
              'month_to_date + sum of the OLS line (daily cost on day of month) over the remaining days',
            ...money('month_to_date', trend.monthToDate),
            days_used: trend.daysUsed,
            ...(trend.lookbackDays !== undefined ? { lookback_days: trend.lookbackDays } : {}),
            // Each fit day in money at the reference version; GPU-hours it has no rate for are
            // unpriced_gpu_hours, not in cost_eur (then a lower bound, or null if nothing is priced).
            fit_days: trend.points.map((p) => ({
              date: date(p.startMs),
              x: p.x,
              ...figure('cost', fitDayCost(p)),
              gpu_hours: round(p.gpuHours, MONEY),
              unpriced_gpu_hours: round(p.unpricedGpuHours, MONEY),
            })),
            reference_version: trend.referenceVersion,
            ...money('slope_per_day', unpriced ? null : trend.slope),
            ...money('intercept', unpriced ? null : trend.intercept),
            r_squared: trend.rSquared === null ? null : round(trend.rSquared, RATIO),
            ...money('residual_std_error', trend.residualStdError),
            degrees_of_freedom: trend.degreesOfFreedom,
            t_quantile: round(trend.tQuantile, RATIO),
            confidence: trend.confidence,
            remaining_days: round(trend.remainingDays, RATIO),
            ...figureOrNull('projected_remaining', figures.trend?.remaining),
            ...figureOrNull('forecast', figures.trend?.total),
            // Of the priced part alone the interval would look like the whole range: null then.
            interval: exactTrend
              ? {
                  ...money('lower', trend.interval.lower),
                  ...money('upper', trend.interval.upper),
                  ...money('half_width', trend.interval.halfWidth),
                }
              : null,
            projected_gpu_hours: round(trend.projectedGpuHours, MONEY),
            projected_unpriced_gpu_hours: round(trend.projectedUnpricedGpuHours, MONEY),
          }
        : {
            available: false,
            reason: trend.reason,
            days_available: trend.daysAvailable,
            days_needed: trend.daysNeeded,
          }
      : null,
    budget: budget
      ? {
          ...money('amount', budget.amount),
          actual: budgetJson(budget.actual, figures.toDate) ?? null,
          run_rate: budgetJson(budget.runRate, figures.runRate?.total) ?? null,
          trend: budgetJson(budget.trend, figures.trend?.total) ?? null,
        }
      : null,
    days: result.days.map((day) => ({
      date: date(day.startMs),
      hours: (day.endMs - day.startMs) / 3_600_000,
      [currencyField('actual', currency)]: day.actual === null ? null : round(day.actual, MONEY),
      ...dayProjections(day),
    })),
  };
}
