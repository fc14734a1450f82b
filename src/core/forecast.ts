// The end-of-month forecast: month-to-date actuals plus a run-rate and a trend projection of the
// remaining hours, each remaining hour priced by the catalogue version in force at its start. Pure.
//
// Definitions (the contract `ml-cost forecast` documents):
// - The month is [monthStartMs, monthEndMs) in the report's time zone; its length is counted in
//   hours, so a month with a 23- or 25-hour DST day is 743 or 745 hours long.
// - Closed hours are those ending at or before closedUntilMs (the settled --as-of floored to the
//   hour grid). Month-to-date actual = cost of the closed hours of the month; elapsed = the number
//   of closed hours. A day still in progress contributes its closed hours only.
// - Usage is projected per GPU type, then priced: every remaining hour of a type is priced by the
//   version in force at the hour's start. When one version prices the whole month (and the trend's
//   fit days), this is exactly the literal definition (price × usage is linear):
//     run-rate = month-to-date cost / elapsed hours × month hours;
//     trend    = month-to-date cost + Σ over remaining days of the OLS line through daily costs.
// - run-rate: each GPU type keeps its month-to-date GPU-hours per elapsed hour for every remaining
//   hour.
// - trend: per GPU type, an OLS line through the GPU-hours of the fit days (x = day of month, days
//   before the month 0, -1, ...). Fit days are the month's complete closed days, or the last
//   `lookbackDays` complete days. A remaining day gets the line's value for that day, spread
//   evenly over its hours; the in-progress day gets the share of its hours still to come.
//   DST days are taken as they come: a 23-hour day is one point, and a remaining 23-hour day gets
//   the line's full daily value. The line may be negative; it is not clipped (that would bend the
//   literal definition).
// - The trend's slope, intercept, R² and fit points are reported in money at the prices in force at
//   the first remaining hour (the reference version). A fit day's GPU-hours of a type that version
//   has no rate for are reported as unpriced beside the day's priced cost, never costed at 0.
// - Interval: the prediction interval of the sum of the remaining days, with day-to-day noise
//   independent between days and correlated between GPU types (covariance estimated from the
//   per-type residuals with n - 2 degrees of freedom). For W[g][d] = price-weighted share of day d
//   still to come for type g, A_g = Σ_d W, B_g = Σ_d W (x_d - x̄):
//     var = Σ_{g,g'} Cov(g,g') × (Σ_d W[g][d] W[g'][d] + A_g A_g' / n + B_g B_g' / Sxx)
//     half-width = t(1 - (1 - confidence) / 2, n - 2) × √var
//   With one price throughout, this is the textbook interval for a sum of m future days:
//     t × s × √(m + m²/n + (Σ_d (x_d - x̄))² / Sxx), s² = SSE / (n - 2).
// - Fewer than 3 fit days: no trend (reason 'too-few-days'); run-rate is still given.
// - Unpriced usage (a GPU type without a rate in the version in force) is never costed as zero:
//   its GPU-hours, actual and projected, are reported beside the priced cost, and each money
//   figure is exact, a lower bound or undefined by the unit-cost rule (forecast-figures.ts).
// - Budget: projected total - budget (positive = over), and the first day whose cumulative actual
//   plus projected cost exceeds the budget. A month that has ended is judged on its actual.

import { type ProjectedUsage, remainingPrices, runRateForecast } from './forecast-projection.js';
import { trendForecast } from './forecast-trend.js';
import type { CatalogueUse, MeasureSampling, Note } from './report.js';
import { sum } from './stats.js';
import { HOUR_MS, type Labels, type PriceVersion } from './types.js';

export interface GpuUsage {
  /** What prices the hours: a GPU type, or a GPU type and MIG profile (mig.ts priceKey). */
  readonly gpuType: string;
  readonly gpuHours: number;
}

/** One local day. Usage and cost cover only its closed hours (none for a day still to come). */
export interface ForecastDay {
  readonly startMs: number;
  readonly endMs: number;
  readonly usage: readonly GpuUsage[];
  /** Actual cost of the priced part of the closed hours, each hour priced by its own version. */
  readonly cost: number;
  readonly unpricedGpuHours: number;
}

export interface ForecastInput {
  readonly monthStartMs: number;
  readonly monthEndMs: number;
  /** End of the last closed hour. */
  readonly closedUntilMs: number;
  /**
   * Consecutive whole local days: any lookback days before the month, then every day of the
   * month, in order.
   */
  readonly days: readonly ForecastDay[];
  /** Fit the trend on the last N complete days instead of the month's complete days. */
  readonly lookbackDays?: number;
  /** Versions sorted by effectiveFromMs; to force one version, pass it alone with -Infinity. */
  readonly versions: readonly PriceVersion[];
  readonly budget?: number;
  /** Coverage of the trend's prediction interval, default 0.8. */
  readonly confidence?: number;
}

export type ForecastStatus = 'in-progress' | 'ended' | 'not-started';

export interface RunRateForecast {
  readonly monthToDate: number;
  readonly elapsedHours: number;
  readonly monthHours: number;
  /** Month-to-date cost per elapsed hour. */
  readonly hourlyCost: number;
  readonly projectedRemaining: number;
  readonly total: number;
  /** GPU-hours projected for the remaining hours, and those of them without a rate. */
  readonly projectedGpuHours: number;
  readonly projectedUnpricedGpuHours: number;
}

export interface TrendPoint {
  readonly startMs: number;
  readonly x: number;
  /** The day's priced GPU-hours at the reference version's rates. */
  readonly cost: number;
  readonly gpuHours: number;
  /** GPU-hours of types the reference version has no rate for: not in cost. */
  readonly unpricedGpuHours: number;
}

export interface TrendForecast {
  readonly available: true;
  readonly monthToDate: number;
  readonly points: readonly TrendPoint[];
  readonly daysUsed: number;
  readonly lookbackDays?: number;
  /** Money per day, at the reference version. */
  readonly slope: number;
  /** The line's value at x = 0 (the day before the 1st). */
  readonly intercept: number;
  readonly rSquared: number | null;
  readonly residualStdError: number;
  readonly degreesOfFreedom: number;
  readonly tQuantile: number;
  readonly confidence: number;
  readonly remainingDays: number;
  readonly projectedRemaining: number;
  readonly total: number;
  readonly interval: { readonly lower: number; readonly upper: number; readonly halfWidth: number };
  readonly referenceVersion: string | null;
  readonly projectedGpuHours: number;
  readonly projectedUnpricedGpuHours: number;
}

export interface TrendUnavailable {
  readonly available: false;
  readonly reason: 'too-few-days';
  readonly daysAvailable: number;
  readonly daysNeeded: number;
}

export interface DayOutlook {
  readonly startMs: number;
  readonly endMs: number;
  /** Cost of the day's closed hours; null for a day with none yet. */
  readonly actual: number | null;
  /** Projected cost of the priced part of the day's hours still to come (0 for a closed day). */
  readonly runRate: number | null;
  readonly trend: number | null;
  /** GPU-hours each projection puts on those hours, and those without a rate; null: none. */
  readonly runRateUsage?: ProjectedUsage | null;
  readonly trendUsage?: ProjectedUsage | null;
}

const NO_PROJECTED_USAGE: ProjectedUsage = Object.freeze({ gpuHours: 0, unpricedGpuHours: 0 });

export interface BudgetCheck {
  readonly total: number;
  /** total - budget: positive is over budget, negative under. */
  readonly difference: number;
  /** Start of the first day whose cumulative cost exceeds the budget, or null. */
  readonly crossedOnMs: number | null;
}

export interface BudgetOutcome {
  readonly amount: number;
  readonly actual?: BudgetCheck;
  readonly runRate?: BudgetCheck;
  readonly trend?: BudgetCheck;
}

export interface ForecastResult {
  readonly status: ForecastStatus;
  readonly monthStartMs: number;
  readonly monthEndMs: number;
  readonly closedUntilMs: number;
  readonly monthHours: number;
  readonly elapsedHours: number;
  readonly remainingHours: number;
  readonly actual: {
    readonly cost: number;
    readonly gpuHours: number;
    readonly unpricedGpuHours: number;
  };
  readonly runRate: RunRateForecast | null;
  readonly trend: TrendForecast | TrendUnavailable | null;
  /** Versions pricing the remaining hours, in order. */
  readonly remainingVersions: readonly string[];
  /** Exchange-rate versions converting the remaining hours, in order; absent when none do. */
  readonly remainingFxVersions?: readonly string[];
  readonly days: readonly DayOutlook[];
  readonly budget?: BudgetOutcome;
}

export function forecastMonth(input: ForecastInput): ForecastResult {
  const { monthStartMs, monthEndMs } = input;
  const closedUntilMs = Math.min(Math.max(input.closedUntilMs, monthStartMs), monthEndMs);
  const monthHours = (monthEndMs - monthStartMs) / HOUR_MS;
  const elapsedHours = (closedUntilMs - monthStartMs) / HOUR_MS;
  const monthDays = input.days.filter((d) => d.startMs >= monthStartMs && d.endMs <= monthEndMs);
  const actual = {
    cost: sum(monthDays.map((d) => d.cost)),
    gpuHours: sum(monthDays.map((d) => sum(d.usage.map((u) => u.gpuHours)))),
    unpricedGpuHours: sum(monthDays.map((d) => d.unpricedGpuHours)),
  };
  const status: ForecastStatus =
    closedUntilMs >= monthEndMs ? 'ended' : elapsedHours <= 0 ? 'not-started' : 'in-progress';
  const base = { monthStartMs, monthEndMs, closedUntilMs, monthHours, elapsedHours, actual };

  if (status !== 'in-progress') {
    const days = monthDays.map((d) => ({
      startMs: d.startMs,
      endMs: d.endMs,
      actual: d.startMs < closedUntilMs ? d.cost : null,
      runRate: null,
      trend: null,
    }));
    const budget =
      input.budget === undefined
        ? undefined
        : status === 'ended'
          ? { amount: input.budget, actual: budgetCheck(input.budget, days, () => 0) }
          : { amount: input.budget };
    return {
      status,
      ...base,
      remainingHours: monthHours - elapsedHours,
      runRate: null,
      trend: null,
      remainingVersions: [],
      days,
      ...(budget ? { budget } : {}),
    };
  }

  const gpuTypes = [...new Set(input.days.flatMap((d) => d.usage.map((u) => u.gpuType)))].sort();
  const remaining = remainingPrices(monthDays, closedUntilMs, gpuTypes, input.versions);

  const runRate = runRateForecast(monthDays, gpuTypes, remaining, actual.cost, elapsedHours);
  const trend = trendForecast(input, monthDays, gpuTypes, remaining, actual.cost, closedUntilMs);

  const days: DayOutlook[] = monthDays.map((d, i) => ({
    startMs: d.startMs,
    endMs: d.endMs,
    actual: d.startMs < closedUntilMs ? d.cost : null,
    runRate: runRate.perDay[i] ?? 0,
    trend: trend.available ? (trend.perDay[i] ?? 0) : null,
    runRateUsage: runRate.perDayUsage[i] ?? NO_PROJECTED_USAGE,
    trendUsage: trend.available ? (trend.perDayUsage[i] ?? NO_PROJECTED_USAGE) : null,
  }));

  let budget: BudgetOutcome | undefined;
  if (input.budget !== undefined) {
    budget = {
      amount: input.budget,
      runRate: budgetCheck(input.budget, days, (d) => d.runRate ?? 0),
      ...(trend.available ? { trend: budgetCheck(input.budget, days, (d) => d.trend ?? 0) } : {}),
    };
  }

  return {
    status,
    ...base,
    remainingHours: monthHours - elapsedHours,
    runRate: runRate.forecast,
    trend: trend.available ? trend.forecast : trend.unavailable,
    remainingVersions: remaining.versions,
    days,
    ...(budget ? { budget } : {}),
  };
}

function budgetCheck(
  amount: number,
  days: readonly DayOutlook[],
  projected: (day: DayOutlook) => number,
): BudgetCheck {
  let cumulative = 0;
  let crossedOnMs: number | null = null;
  for (const day of days) {
    cumulative += (day.actual ?? 0) + projected(day);
    if (crossedOnMs === null && cumulative > amount) crossedOnMs = day.startMs;
  }
  return { total: cumulative, difference: cumulative - amount, crossedOnMs };
}

/** Everything `ml-cost forecast` prints: the total and, with --by, one forecast per group. */
export interface ForecastReport {
  /** The month as asked for, YYYY-MM. */
  readonly month: string;
  readonly tz: string;
  readonly asOfMs: number;
  /** Set when --as-of reached past the settled point and was cut back to it. */
  readonly settledCutMs?: number;
  readonly lookbackDays?: number;
  readonly by: readonly string[];
  readonly source: string;
  readonly catalogue: CatalogueUse;
  readonly partial: boolean;
  /** How each gauge or presence was read (UsageReport.sampling). */
  readonly sampling?: readonly MeasureSampling[];
  readonly notes: readonly Note[];
  readonly total: ForecastResult;
  readonly groups: readonly { readonly group: Labels; readonly result: ForecastResult }[];
}
