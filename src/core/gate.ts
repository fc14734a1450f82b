// Gate checks: limits on cost, unit cost and unpriced usage, evaluated against measured usage.
// Pure: the command measures, this module decides. A check it cannot measure fails.
import type { UsageReport, UsageRow } from './report.js';

export type GateMetric = 'cost' | 'cost_per_inference' | 'tokens_per_cost' | 'unpriced_share';

/** Whether the budget is held against what was spent or against the end-of-period forecast. */
export type GateBasis = 'actual' | 'forecast';

export interface GateCheck {
  readonly metric: GateMetric;
  /**
   * cost and cost_per_inference in the catalogue currency; tokens_per_cost in tokens per
   * currency unit; unpriced_share as a fraction 0..1.
   */
  readonly limit: number;
  /** Only this use case; undefined for all usage in the window. */
  readonly useCase?: string;
  /** Used by the cost check only: unit costs and shares are always measured on actuals. */
  readonly basis: GateBasis;
}

/** Usage of one scope (everything, or one use case) over the gate's window. */
export interface ScopeUsage {
  /** False when the window holds no usage at all for the scope. */
  readonly found: boolean;
  readonly gpuHours: number;
  readonly unpricedGpuHours: number;
  readonly inferences: number;
  readonly tokens: number;
  /** Cost of the priced GPU-hours; null when there was GPU usage and none of it was priced. */
  readonly cost: number | null;
  /** End-of-month forecast of the priced cost; null or absent when there is none. */
  readonly forecastCost?: number | null;
}

/** Why a check could not be measured: each one fails the check. */
export type Unmeasured =
  | 'no_usage'
  | 'no_gpu_usage'
  | 'unpriced'
  | 'no_inferences'
  | 'no_tokens'
  | 'no_forecast';

export type CheckStatus = 'pass' | 'fail';

export interface CheckResult {
  readonly check: GateCheck;
  readonly status: CheckStatus;
  /** null when unmeasured; Infinity for tokens per cost when tokens came at zero cost. */
  readonly measured: number | null;
  /** Distance from the limit on the allowed side, negative when breached; null when unmeasured. */
  readonly headroom: number | null;
  readonly unmeasured?: Unmeasured;
}

export interface GateResult {
  readonly results: readonly CheckResult[];
  readonly passed: boolean;
}

/** Max checks pass at or below the limit; min checks at or above it. */
export function isMinimum(metric: GateMetric): boolean {
  return metric === 'tokens_per_cost';
}

type Measurement = { value: number } | { unmeasured: Unmeasured };

function measure(check: GateCheck, usage: ScopeUsage | undefined): Measurement {
  if (usage === undefined || !usage.found) return { unmeasured: 'no_usage' };
  if (check.metric === 'unpriced_share') {
    return { value: usage.gpuHours > 0 ? usage.unpricedGpuHours / usage.gpuHours : 0 };
  }
  // A cost check on a scope without GPU time cannot tell a free month from a misnamed
  // GPU-seconds metric, so it does not pass.
  if (usage.gpuHours <= 0) return { unmeasured: 'no_gpu_usage' };
  switch (check.metric) {
    case 'cost': {
      if (check.basis === 'forecast') {
        if (usage.forecastCost == null) return { unmeasured: 'no_forecast' };
        return { value: usage.forecastCost };
      }
      return usage.cost === null ? { unmeasured: 'unpriced' } : { value: usage.cost };
    }
    case 'cost_per_inference':
      if (usage.cost === null) return { unmeasured: 'unpriced' };
      if (usage.inferences <= 0) return { unmeasured: 'no_inferences' };
      return { value: usage.cost / usage.inferences };
    case 'tokens_per_cost':
      if (usage.cost === null) return { unmeasured: 'unpriced' };
      if (usage.tokens <= 0) return { unmeasured: 'no_tokens' };
      // Tokens that cost nothing meet any minimum: the ratio is unbounded, not unknown.
      return { value: usage.cost > 0 ? usage.tokens / usage.cost : Number.POSITIVE_INFINITY };
  }
}

export function evaluateCheck(check: GateCheck, usage: ScopeUsage | undefined): CheckResult {
  const measurement = measure(check, usage);
  if ('unmeasured' in measurement) {
    return {
      check,
      status: 'fail',
      measured: null,
      headroom: null,
      unmeasured: measurement.unmeasured,
    };
  }
  const measured = measurement.value;
  const headroom = isMinimum(check.metric) ? measured - check.limit : check.limit - measured;
  return { check, status: headroom >= 0 ? 'pass' : 'fail', measured, headroom };
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
    gpuHours += row.gpuHours;
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
