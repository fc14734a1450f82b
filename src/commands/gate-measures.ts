// What a gate measures beyond the window's usage: the end-of-month forecast of each scope whose
// budget is held against it, and the drift of each scope's last complete day.
import type { ForecastResult } from '../core/forecast.js';
import type { GateCheck } from '../core/gate.js';
import type { DriftMeasure, DriftUnmeasured } from '../core/gate-odds.js';
import type { ScopeForecast } from '../core/gate-plan.js';
import type { UsageReport } from '../core/report.js';
import type { Window } from '../core/types.js';
import { SourceError, UsageError } from '../errors.js';
import type { LabelFilter } from '../sources/types.js';
import type { CommandContext } from './options.js';

/**
 * End-of-month forecasts for the whole window and, when a check needs them, for each use case,
 * from the forecast command's pipeline (forecastToHold says which projection counts). A budget on the whole window alone needs no per-use-case days: with 10,000 use cases that
 * made the gate fetch 10,000 times more series (7.7 s instead of under 1 s).
 */
export async function forecastCosts(
  context: CommandContext,
  report: UsageReport,
  filters: readonly LabelFilter[],
  catalogueVersion: string | undefined,
  options: { readonly perUseCase: boolean },
): Promise<Map<string | undefined, ScopeForecast & { result: ForecastResult }>> {
  const [{ buildForecastReport }, { forecastToHold }] = await Promise.all([
    import('./forecast.js'),
    import('../core/gate-plan.js'),
  ]);
  const month = await forecastMonthOf(report.window);
  const forecast = await buildForecastReport(context, {
    month,
    by: options.perUseCase ? [context.labels.useCase] : [],
    filters,
    ...(catalogueVersion !== undefined ? { catalogueVersion } : {}),
  });
  refusePartial(forecast.partial);
  const scopes = new Map<string | undefined, ScopeForecast & { result: ForecastResult }>();
  scopes.set(undefined, { ...forecastToHold(forecast.total), result: forecast.total });
  for (const { group, result } of forecast.groups) {
    const useCase = group[context.labels.useCase];
    if (useCase !== undefined) scopes.set(useCase, { ...forecastToHold(result), result });
  }
  return scopes;
}

/** The month a forecast gate judges: its window must be exactly one calendar month. */
export async function forecastMonthOf(window: Window): Promise<string> {
  const { monthOf, monthRange } = await import('../core/periods.js');
  const month = monthOf(window.fromMs, window.tz);
  const range = monthRange(month, window.tz);
  if (range.startMs !== window.fromMs || range.endMs !== (window.cutFromMs ?? window.toMs)) {
    throw new UsageError(
      `--on forecast: the window must be one calendar month (--period this-month or YYYY-MM), not ${window.label}`,
    );
  }
  return month;
}

export function refusePartial(partial: boolean): void {
  if (partial) {
    throw new SourceError(
      'the source answered with partial data; a gate does not judge on partial data (even with --allow-partial)',
    );
  }
}

/**
 * The drift of each scope's last complete day (undefined: all usage), against the default
 * 30-day baseline. Days are judged at the tightest drift limit, so that a breaching day carries
 * its likely cause.
 */
export async function driftOfScopes(
  context: CommandContext,
  window: Window,
  filters: readonly LabelFilter[],
  catalogueVersion: string | undefined,
  checks: readonly GateCheck[],
): Promise<Map<string | undefined, DriftMeasure | DriftUnmeasured>> {
  const [{ buildDriftReport }, { DEFAULT_BASELINE_DAYS }, { driftMeasure }, periods] =
    await Promise.all([
      import('./drift.js'),
      import('../core/drift-types.js'),
      import('../core/gate-odds.js'),
      import('../core/periods.js'),
    ]);
  const drifts = checks.filter((check) => check.metric === 'drift');
  const measures = new Map<string | undefined, DriftMeasure | DriftUnmeasured>();
  const day = lastCompleteDay(window, periods);
  if (drifts.length === 0 || day === undefined) return measures;
  const options = {
    baselineDays: DEFAULT_BASELINE_DAYS,
    sensitivity: Math.min(...drifts.map((check) => check.limit)),
  };
  const useCaseLabel = context.labels.useCase;
  const wanted = new Set(drifts.map((check) => check.useCase));
  for (const perUseCase of [false, true]) {
    if (![...wanted].some((useCase) => (useCase !== undefined) === perUseCase)) continue;
    const report = await buildDriftReport(context, {
      window: { fromMs: day.startMs, toMs: day.endMs, tz: window.tz, label: day.date },
      by: perUseCase ? [useCaseLabel] : [],
      filters,
      options,
      ...(catalogueVersion !== undefined ? { catalogueVersion } : {}),
    });
    refusePartial(report.partial);
    for (const group of report.groups) {
      const scope = perUseCase ? group.group[useCaseLabel] : undefined;
      if (wanted.has(scope)) measures.set(scope, driftMeasure(group.days[group.days.length - 1]));
    }
    for (const scope of wanted) {
      if ((scope !== undefined) === perUseCase && !measures.has(scope)) {
        measures.set(scope, 'no_usage');
      }
    }
  }
  return measures;
}

/** The window's last whole local day: the one a drift gate checks. */
function lastCompleteDay(
  window: Window,
  periods: typeof import('../core/periods.js'),
): { startMs: number; endMs: number; date: string } | undefined {
  const whole = periods.dayPeriods(window).filter((period) => {
    const day = periods.localDay(period.startMs, window.tz);
    return day.startMs === period.startMs && day.endMs === period.endMs;
  });
  const last = whole[whole.length - 1];
  return last ? periods.localDay(last.startMs, window.tz) : undefined;
}
