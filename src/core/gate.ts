// Gate checks: limits on cost, unit cost and unpriced usage, evaluated against measured usage.
// Pure: the command measures, this module decides by the unit-cost rule (unit-costs.ts). A
// check it cannot decide fails: no usage, nothing priced, or only a bound on the wrong side.
import type { ForecastResult } from './forecast.js';
import {
  type DriftMeasure,
  type DriftUnmeasured,
  type OverrunOdds,
  overrunOdds,
} from './gate-odds.js';
import { costGpuHours, type UsageReport, type UsageRow } from './report.js';
import {
  costPerInference,
  type Figure,
  type GroupMeasures,
  groupCost,
  holdLimit,
  tokensPerCost,
  type UndefinedReason,
} from './unit-costs.js';

export type GateMetric =
  | 'cost'
  | 'overrun_probability'
  | 'cost_per_inference'
  | 'tokens_per_cost'
  | 'drift'
  | 'unpriced_share';

/** Whether the budget is held against what was spent or against the end-of-period forecast. */
export type GateBasis = 'actual' | 'forecast';

export interface GateCheck {
  readonly metric: GateMetric;
  /**
   * cost and cost_per_inference in the reporting currency; tokens_per_cost in tokens per
   * currency unit; unpriced_share as a fraction 0..1; overrun_probability the most probability
   * of ending the month over budget allowed, 1 - confidence; drift in robust sigmas.
   */
  readonly limit: number;
  /** overrun_probability: the budget, and the confidence asked for. */
  readonly budget?: number;
  readonly confidence?: number;
  /** Only this use case; undefined for all usage in the window. */
  readonly useCase?: string;
  /**
   * Used by the cost check only: unit costs and shares are always measured on actuals (the
   * overrun probability always on the forecast, drift on the last complete day).
   */
  readonly basis: GateBasis;
}

/** Usage of one scope (everything, or one use case) over the gate's window. */
export interface ScopeUsage extends GroupMeasures {
  /** False when the window holds no usage at all for the scope. */
  readonly found: boolean;
  /** End-of-month forecast of the cost, by the same rule as actual costs; absent when none. */
  readonly forecastCost?: Figure;
  /** The forecast itself, for the overrun probability. */
  readonly forecast?: ForecastResult;
  /** The worst drift of the last complete day, or why there is none. */
  readonly drift?: DriftMeasure | DriftUnmeasured;
}

/** Why a check could not be decided: each one fails the check. */
export type Unmeasured =
  | 'no_usage'
  | 'no_gpu_usage'
  | 'unpriced'
  | 'partly_unpriced'
  | 'no_inferences'
  | 'no_tokens'
  | 'no_forecast'
  | 'no_history'
  | 'no_value'
  | 'no_day_usage'
  | 'unpriced_day'
  | 'no_complete_day';

export type CheckStatus = 'pass' | 'fail';

export interface CheckResult {
  readonly check: GateCheck;
  readonly status: CheckStatus;
  /**
   * The figure held against the limit (a bound when `bound` is set); null when there is none.
   * Infinity for tokens per cost when tokens came at zero cost.
   */
  readonly measured: number | null;
  /** Set when measured is only a bound: part of the GPU time has no rate. */
  readonly bound?: 'lower_bound' | 'upper_bound';
  /**
   * Distance from the limit on the allowed side, negative when breached; null when the check
   * could not be decided.
   */
  readonly headroom: number | null;
  readonly unmeasured?: Unmeasured;
  /** What made an overrun probability or a drift figure. */
  readonly detail?: OverrunOdds | DriftMeasure;
}

export interface GateResult {
  readonly results: readonly CheckResult[];
  readonly passed: boolean;
}

/** Max checks pass at or below the limit; min checks at or above it. */
export function isMinimum(metric: GateMetric): boolean {
  return metric === 'tokens_per_cost';
}

const UNDEFINED_AS_UNMEASURED: Readonly<Record<UndefinedReason, Unmeasured>> = {
  unpriced: 'unpriced',
  no_gpu_time: 'no_gpu_usage',
  no_inferences: 'no_inferences',
  no_tokens: 'no_tokens',
};

/**
 * Why a drift check has no figure. A day is 'unpriced' for drift when any of its GPU time has no
 * rate: not the 'unpriced' of a cost (no GPU-hour priced at all), so it is named apart.
 */
const DRIFT_UNMEASURED: Readonly<Record<DriftUnmeasured, Unmeasured>> = {
  no_usage: 'no_day_usage',
  unpriced: 'unpriced_day',
  no_history: 'no_history',
  no_value: 'no_value',
};

type Measured = Figure | Unmeasured | { figure: Figure; detail: OverrunOdds | DriftMeasure };

function measure(check: GateCheck, usage: ScopeUsage | undefined): Measured {
  if (usage === undefined || !usage.found) return 'no_usage';
  if (check.metric === 'unpriced_share') {
    const share = usage.gpuHours > 0 ? usage.unpricedGpuHours / usage.gpuHours : 0;
    return { kind: 'exact', value: share };
  }
  // A cost check on a scope without GPU time cannot tell a free month from a misnamed
  // GPU-seconds metric, so it does not pass.
  if (usage.gpuHours <= 0) return 'no_gpu_usage';
  switch (check.metric) {
    case 'cost':
      if (check.basis === 'forecast') return usage.forecastCost ?? 'no_forecast';
      return groupCost(usage);
    case 'overrun_probability': {
      if (!usage.forecast || check.budget === undefined) return 'no_forecast';
      const odds = overrunOdds(usage.forecast, check.budget);
      return typeof odds === 'string' ? odds : { figure: odds.probability, detail: odds };
    }
    case 'cost_per_inference':
      return costPerInference(usage);
    case 'tokens_per_cost':
      // As with GPU time: no tokens at all is more likely a misnamed metric than a ratio of 0.
      return usage.tokens > 0 ? tokensPerCost(usage) : 'no_tokens';
    case 'drift': {
      const drift = usage.drift;
      if (drift === undefined) return 'no_complete_day';
      if (typeof drift === 'string') return DRIFT_UNMEASURED[drift];
      return { figure: { kind: 'exact', value: drift.sigmas }, detail: drift };
    }
  }
}

export function evaluateCheck(check: GateCheck, usage: ScopeUsage | undefined): CheckResult {
  const outcome0 = measure(check, usage);
  const detail =
    typeof outcome0 === 'object' && 'detail' in outcome0 ? { detail: outcome0.detail } : {};
  const figure = typeof outcome0 === 'object' && 'figure' in outcome0 ? outcome0.figure : outcome0;
  const fail = (unmeasured: Unmeasured): CheckResult => ({
    check,
    status: 'fail',
    measured: null,
    headroom: null,
    unmeasured,
  });
  if (typeof figure === 'string') return { ...fail(figure), ...detail };
  if (figure.kind === 'undefined') {
    return { ...fail(UNDEFINED_AS_UNMEASURED[figure.reason]), ...detail };
  }
  const measured = figure.value;
  const outcome = holdLimit(figure, check.limit, isMinimum(check.metric) ? 'min' : 'max');
  const bound = figure.kind === 'exact' ? {} : { bound: figure.kind };
  if (outcome === 'undecided') {
    // Only a bound, on the wrong side to decide: what could not be priced might go either way.
    return { ...fail('partly_unpriced'), measured, ...bound, ...detail };
  }
  const headroom = isMinimum(check.metric) ? measured - check.limit : check.limit - measured;
  const status = outcome === 'pass' ? 'pass' : 'fail';
  return { check, status, measured, ...bound, headroom, ...detail };
}

/** Evaluates every check against its scope's usage; the gate passes only if all of them do. */
export function evaluateGate(
  checks: readonly GateCheck[],
  usageOf: (useCase: string | undefined) => ScopeUsage | undefined,
): GateResult {
  const results = checks.map((check) => evaluateCheck(check, usageOf(check.useCase)));
  return { results, passed: results.length > 0 && results.every((r) => r.status === 'pass') };
}

function hasUsage(row: Pick<UsageRow, 'gpuHours' | 'inferences' | 'tokens'>): boolean {
  return row.gpuHours > 0 || row.inferences > 0 || row.tokens > 0;
}

/**
 * Sums report rows into one scope. Cost adds the priced part of each row; it is null only
 * when GPU usage exists and not one GPU-hour of it was priced.
 */
export function sumScope(rows: readonly UsageRow[]): ScopeUsage {
  let gpuHours = 0;
  let unpricedGpuHours = 0;
  let inferences = 0;
  let tokens = 0;
  let cost = 0;
  for (const row of rows) {
    // The basis' GPU time, which the cost and its unpriced hours are of.
    gpuHours += costGpuHours(row);
    unpricedGpuHours += row.unpricedGpuHours;
    inferences += row.inferences;
    tokens += row.tokens;
    cost += row.cost ?? 0;
  }
  const nothingPriced = gpuHours > 0 && unpricedGpuHours >= gpuHours;
  return {
    found: rows.some(hasUsage),
    gpuHours,
    unpricedGpuHours,
    inferences,
    tokens,
    cost: nothingPriced ? null : cost,
  };
}

/**
 * The usage of one scope in a report grouped by the use-case label: every row for the
 * whole window, or the rows of one use case.
 */
export function scopeUsage(
  report: UsageReport,
  useCaseLabel: string,
  useCase: string | undefined,
): ScopeUsage {
  const rows =
    useCase === undefined
      ? report.rows
      : report.rows.filter((row) => row.group[useCaseLabel] === useCase);
  return sumScope(rows);
}
