// The odds that a month ends over budget, from the trend forecast's prediction distribution, and
// the drift a gate holds against its limit. Pure.
//
// Overrun probability: the trend's month total T̂ has the prediction interval T̂ ± t(q, df) × se
// (forecast.ts); its distribution is T̂ + se × Student t with df = n - 2 degrees of freedom, so
//   P(month total > budget) = 1 - F_t((budget - T̂) / se, df).
// With se = 0 (a perfect fit) the total is certain: 1 when T̂ > budget, else 0. A month that has
// ended is its actual: 1 when over budget, else 0. By the unit-cost rule, a trend total that is
// only a lower bound (GPU time without a rate) gives a lower bound on the probability; no price at
// all, no trend (fewer than 3 closed days) or no closed hour: no probability.
import {
  ADVERSE_DIRECTION,
  DRIFT_METRICS,
  type DriftCause,
  type DriftDayResult,
  type DriftMetric,
} from './drift-types.js';
import type { ForecastResult } from './forecast.js';
import { forecastFigures } from './forecast-figures.js';
import { studentTCdf } from './stats.js';
import type { Figure } from './unit-costs.js';

export interface OverrunOdds {
  readonly probability: Figure;
  /** The trend's total, its standard error and degrees of freedom; absent for an ended month. */
  readonly total?: number;
  readonly standardError?: number;
  readonly degreesOfFreedom?: number;
}

export function overrunOdds(result: ForecastResult, budget: number): OverrunOdds | 'no_forecast' {
  const figures = forecastFigures(result);
  if (result.status === 'ended') {
    const actual = figures.toDate;
    if (actual.kind === 'undefined') return { probability: actual };
    const over = actual.value > budget ? 1 : 0;
    // A lower bound over the budget is over for sure; under it, it may still be over.
    const kind = actual.kind === 'exact' || over === 1 ? 'exact' : 'lower_bound';
    return { probability: { kind, value: over } };
  }
  const trend = result.trend;
  const total = figures.trend?.total;
  if (!trend?.available || total === undefined) return 'no_forecast';
  if (total.kind === 'undefined') return { probability: total };
  const standardError = trend.tQuantile > 0 ? trend.interval.halfWidth / trend.tQuantile : 0;
  const df = trend.degreesOfFreedom;
  const value =
    standardError > 0
      ? 1 - studentTCdf((budget - total.value) / standardError, df)
      : total.value > budget
        ? 1
        : 0;
  return {
    probability: { kind: total.kind === 'exact' ? 'exact' : 'lower_bound', value },
    total: total.value,
    standardError,
    degreesOfFreedom: df,
  };
}

/** The worst drift of a day the gate checks, in robust sigmas the costly way. */
export interface DriftMeasure {
  /** Largest deviation in the adverse direction (more cost per unit of work); exact. */
  readonly sigmas: number;
  readonly metric: DriftMetric;
  readonly startMs: number;
  readonly endMs: number;
  readonly value: number;
  readonly baseline: number;
  readonly deviationShare: number;
  readonly cause: DriftCause | null;
}

export type DriftUnmeasured = 'no_usage' | 'unpriced' | 'no_history' | 'no_value';

/**
 * The day's worst adverse deviation: cost per inference, per 1M tokens or GPU-seconds per
 * inference above the baseline, or tokens per currency unit below it. A day cheaper than its
 * baseline drifts by a negative amount, which passes any limit.
 */
export function driftMeasure(day: DriftDayResult | undefined): DriftMeasure | DriftUnmeasured {
  if (day === undefined || day.status === 'no_usage') return 'no_usage';
  if (day.status === 'unpriced') return 'unpriced';
  if (day.status === 'insufficient_history') return 'no_history';
  let worst: DriftMeasure | undefined;
  for (const metric of DRIFT_METRICS) {
    const check = day.metrics.find((m) => m.metric === metric);
    if (!check || check.deviation === null || check.baseline === null || check.value === null) {
      continue;
    }
    const sigmas = check.deviation * ADVERSE_DIRECTION[metric];
    if (worst === undefined || sigmas > worst.sigmas) {
      worst = {
        sigmas,
        metric,
        startMs: day.startMs,
        endMs: day.endMs,
        value: check.value,
        baseline: check.baseline.median,
        deviationShare: check.deviationShare ?? 0,
        cause: day.explanation?.cause ?? null,
      };
    }
  }
  return worst ?? 'no_value';
}
