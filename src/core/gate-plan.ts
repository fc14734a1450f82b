// Which checks a gate runs: from limit flags, else from the configured gates. Pure: the command
// parses flags and config into limits, this module turns limits into checks.
import { UsageError } from '../errors.js';
import type { ForecastResult } from './forecast.js';
import { forecastFigures, isUnpriced } from './forecast-figures.js';
import type { GateBasis, GateCheck, GateMetric } from './gate.js';
import { compareText } from './order.js';
import type { Figure } from './unit-costs.js';

/** The limits of one scope (all usage, or one use case), in the units of their checks. */
export interface ScopeLimits {
  readonly budget?: number;
  readonly maxCostPerInference?: number;
  readonly minTokensPerCost?: number;
  /** Fraction 0..1. */
  readonly maxUnpricedShare?: number;
  /** Robust sigmas the last complete day's unit costs may drift the costly way. */
  readonly maxDrift?: number;
}

/**
 * The limit checks, in the order a gate lists them. A new check is one more line here (and
 * its metric in gate.ts); `followsBasis` marks the one held against actuals or the forecast,
 * `withConfidence` the metric it becomes when held against the forecast with a confidence.
 */
const LIMIT_CHECKS: readonly {
  readonly limit: keyof ScopeLimits;
  readonly metric: GateMetric;
  readonly followsBasis?: true;
  readonly withConfidence?: GateMetric;
}[] = [
  {
    limit: 'budget',
    metric: 'cost',
    followsBasis: true,
    withConfidence: 'overrun_probability',
  },
  { limit: 'maxCostPerInference', metric: 'cost_per_inference' },
  { limit: 'minTokensPerCost', metric: 'tokens_per_cost' },
  { limit: 'maxDrift', metric: 'drift' },
];

/** The limits that pick checks; the unpriced share alone does not (it is always checked). */
const CHECK_LIMITS = [...new Set(LIMIT_CHECKS.map((check) => check.limit))];

export function checksOf(
  limits: ScopeLimits,
  useCase: string | undefined,
  basis: GateBasis,
  confidence?: number,
): GateCheck[] {
  const scope = useCase === undefined ? {} : { useCase };
  const checks: GateCheck[] = [];
  for (const { limit, metric, followsBasis, withConfidence } of LIMIT_CHECKS) {
    const value = limits[limit];
    if (value === undefined) continue;
    if (withConfidence && basis === 'forecast' && confidence !== undefined) {
      // Breach when P(over the limit) > 1 - confidence: the limit becomes that probability.
      checks.push({
        metric: withConfidence,
        limit: 1 - confidence,
        budget: value,
        confidence,
        basis,
        ...scope,
      });
      continue;
    }
    checks.push({ metric, limit: value, basis: followsBasis ? basis : 'actual', ...scope });
  }
  // Always checked, 0 unless raised: unpriced usage would otherwise pass as free.
  checks.push({
    metric: 'unpriced_share',
    limit: limits.maxUnpricedShare ?? 0,
    basis: 'actual',
    ...scope,
  });
  return checks;
}

/** The "gates" section of the config, as limits. */
export interface ConfiguredGates {
  readonly limits: ScopeLimits;
  readonly basis?: GateBasis;
  /** 0 < confidence < 1: forecast budgets become overrun-probability checks. */
  readonly confidence?: number;
  readonly period?: string;
  readonly useCases: Readonly<Record<string, ScopeLimits>>;
}

export interface GateRequest {
  /** Limits given as flags: any of them (but the unpriced share) means the config is not used. */
  readonly flagLimits: ScopeLimits;
  /** --use-case: with limit flags, the scopes to check; without, the config sections to pick. */
  readonly useCases?: readonly string[];
  readonly basis?: GateBasis;
  /** --confidence: with a forecast basis, the budget is held as odds (0 < confidence < 1). */
  readonly confidence?: number;
  readonly configured?: ConfiguredGates;
  /** Names the config file in errors. */
  readonly configName: string;
}

export interface GatePlan {
  readonly checks: readonly GateCheck[];
  readonly period?: string;
  readonly basis: GateBasis;
}

/** Checks from the flags when any limit flag is given, else from the configured gates. */
export function planGate(request: GateRequest): GatePlan {
  const { flagLimits, configured } = request;
  const hasFlagLimits = CHECK_LIMITS.some((limit) => flagLimits[limit] !== undefined);

  if (hasFlagLimits || configured === undefined) {
    if (!hasFlagLimits && flagLimits.maxUnpricedShare === undefined) {
      throw new UsageError(
        'no checks: give --budget, --max-cost-per-inference, --min-tokens-per-eur, --max-drift or --max-unpriced-share, or a "gates" section in ml-cost.config.json',
      );
    }
    const scopes = request.useCases?.length ? request.useCases : [undefined];
    const basis = request.basis ?? 'actual';
    const confidence = confidenceFor(basis, request.confidence, flagLimits, '--confidence');
    return {
      basis,
      checks: scopes.flatMap((useCase) => checksOf(flagLimits, useCase, basis, confidence)),
    };
  }

  const basis: GateBasis = request.basis ?? configured.basis ?? 'actual';
  const confidence = confidenceFor(
    basis,
    request.confidence ?? configured.confidence,
    { budget: configured.limits.budget ?? firstBudget(configured) },
    request.confidence !== undefined ? '--confidence' : `gates.confidence in ${request.configName}`,
  );
  // --max-unpriced-share overrides every section's own.
  const withFlags = (limits: ScopeLimits): ScopeLimits =>
    flagLimits.maxUnpricedShare === undefined
      ? limits
      : { ...limits, maxUnpricedShare: flagLimits.maxUnpricedShare };
  const useCases = Object.entries(configured.useCases).sort(([a], [b]) => compareText(a, b));
  let checks = [
    ...checksOf(withFlags(configured.limits), undefined, basis, confidence),
    ...useCases.flatMap(([useCase, limits]) =>
      checksOf(withFlags(limits), useCase, basis, confidence),
    ),
  ];
  // Without limit flags, --use-case picks those use cases' sections of the config.
  const wanted = request.useCases;
  if (wanted?.length) {
    checks = checks.filter(
      (check) => check.useCase !== undefined && wanted.includes(check.useCase),
    );
    if (checks.length === 0) {
      throw new UsageError(
        `--use-case ${wanted.join(', ')}: no such use case under gates.use_cases in ${request.configName}; give limit flags to check it`,
      );
    }
  }
  return {
    basis,
    checks,
    ...(configured.period !== undefined ? { period: configured.period } : {}),
  };
}

/** A confidence makes sense only for a budget held against the forecast: refused otherwise. */
function confidenceFor(
  basis: GateBasis,
  confidence: number | undefined,
  limits: ScopeLimits,
  source: string,
): number | undefined {
  if (confidence === undefined) return undefined;
  if (basis !== 'forecast') {
    throw new UsageError(
      `${source}: the odds of ending over budget come from the forecast; add --on forecast (or "on": "forecast")`,
    );
  }
  if (limits.budget === undefined) {
    throw new UsageError(`${source}: a confidence needs a budget to hold the forecast against`);
  }
  return confidence;
}

function firstBudget(configured: ConfiguredGates): number | undefined {
  return Object.values(configured.useCases).find((limits) => limits.budget !== undefined)?.budget;
}

/** The scopes whose budget is held against the end-of-month forecast (undefined: all usage). */
export function forecastScopes(checks: readonly GateCheck[]): (string | undefined)[] {
  return checks
    .filter(
      (check) =>
        (check.metric === 'cost' || check.metric === 'overrun_probability') &&
        check.basis === 'forecast',
    )
    .map((check) => check.useCase);
}

/** The scopes whose last complete day is checked for drift (undefined: all usage). */
export function driftScopes(checks: readonly GateCheck[]): (string | undefined)[] {
  return checks.filter((check) => check.metric === 'drift').map((check) => check.useCase);
}

/** The forecast a budget is held against, and which projection it is. */
export interface ScopeForecast {
  /** By the unit-cost rule: a lower bound when part of the GPU time has no rate; undefined: none. */
  readonly cost: Figure | undefined;
  /** The higher of run-rate and trend, or the actual of an ended month; 'unpriced', 'none'. */
  readonly basis: string;
}

/**
 * The higher of the run-rate and the trend projections: a gate that fails closed should not
 * pick the kinder one. When either is only a lower bound, so is the higher of the two (the
 * other could be higher still); when either has no price at all, there is no forecast to hold.
 */
export function forecastToHold(result: ForecastResult): ScopeForecast {
  const figures = forecastFigures(result);
  if (isUnpriced(figures))
    return { cost: { kind: 'undefined', reason: 'unpriced' }, basis: 'unpriced' };
  if (result.status === 'ended') return { cost: figures.toDate, basis: 'actual, month ended' };
  const candidates: [string, Figure][] = [];
  if (figures.runRate) candidates.push(['run-rate', figures.runRate.total]);
  if (figures.trend) candidates.push(['trend', figures.trend.total]);
  const unknown = candidates.find(([, figure]) => figure.kind === 'undefined');
  if (unknown) return { cost: unknown[1], basis: unknown[0] };
  const valued = candidates.flatMap(([basis, figure]) =>
    figure.kind === 'undefined' ? [] : [{ basis, kind: figure.kind, value: figure.value }],
  );
  const [best] = valued.sort((a, b) => b.value - a.value);
  if (!best) return { cost: undefined, basis: 'none' };
  const bounded = valued.some((candidate) => candidate.kind !== 'exact');
  return {
    cost: { kind: bounded ? 'lower_bound' : 'exact', value: best.value },
    basis: best.basis,
  };
}
