// The gate's JSON for programs; its table and Markdown are the shared renderers' (gate-view.ts).

import type { CheckResult, GateMetric } from '../core/gate.js';
import type { UsageReport } from '../core/report.js';
import { metricField } from './drift-view.js';
import { isoInZone, periodLabel, round } from './format.js';
import type { GateReport } from './gate-view.js';
import {
  catalogueJson,
  costBasisJson,
  JSON_DECIMALS,
  JSON_SCHEMA_VERSION,
  samplingJson,
  windowJson,
} from './usage-json.js';

/** Each measure at the decimals the usage JSON gives it, so the two agree on a figure. */
const DECIMALS: Readonly<Record<GateMetric, number>> = {
  cost: JSON_DECIMALS.money,
  overrun_probability: JSON_DECIMALS.share,
  drift: 4,
  cost_per_inference: JSON_DECIMALS.costPerInference,
  tokens_per_cost: JSON_DECIMALS.tokensPerCost,
  unpriced_share: JSON_DECIMALS.share,
};

/** Rounded once, here; Infinity (tokens at zero cost) has no JSON number: null with unbounded. */
function jsonNumber(value: number | null, metric: GateMetric): number | null {
  return value === null || !Number.isFinite(value) ? null : round(value, DECIMALS[metric]);
}

export function renderGateJson(report: GateReport): string {
  const { result, usage } = report;
  const document = {
    schema_version: JSON_SCHEMA_VERSION,
    kind: 'gate',
    passed: result.passed,
    window: windowJson(usage),
    source: usage.source,
    currency: usage.catalogue.currency,
    ...costBasisJson(usage),
    catalogue: catalogueJson(usage),
    ...samplingJson(usage),
    checks: result.results.map((r) => ({
      check: r.check.metric,
      basis: r.check.metric === 'cost' ? r.check.basis : 'actual',
      ...(r.check.metric === 'cost' && r.check.basis === 'forecast'
        ? { forecast: report.forecastBasis.get(r.check.useCase) ?? null }
        : {}),
      use_case: r.check.useCase ?? null,
      status: r.status,
      measured: jsonNumber(r.measured, r.check.metric),
      // measured is only a bound when part of the GPU time has no rate.
      bound: r.bound ?? null,
      limit: r.check.limit,
      headroom: jsonNumber(r.headroom, r.check.metric),
      ...(r.measured !== null && !Number.isFinite(r.measured) ? { unbounded: true } : {}),
      unmeasured: r.unmeasured ?? null,
      ...detailJson(r, usage),
    })),
    notes: usage.notes.map((note) => note.text),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The overrun probability's budget, confidence and trend; the drift's day, figure and cause. */
function detailJson(result: CheckResult, usage: UsageReport): Record<string, unknown> {
  const { check, detail } = result;
  if (check.metric === 'overrun_probability') {
    const odds = detail && 'probability' in detail ? detail : undefined;
    return {
      budget: check.budget ?? null,
      confidence: check.confidence ?? null,
      trend_total: odds?.total === undefined ? null : round(odds.total, JSON_DECIMALS.money),
      standard_error:
        odds?.standardError === undefined ? null : round(odds.standardError, JSON_DECIMALS.money),
      degrees_of_freedom: odds?.degreesOfFreedom ?? null,
    };
  }
  if (check.metric === 'drift') {
    const drift = detail && 'sigmas' in detail ? detail : undefined;
    const tz = usage.window.tz;
    return {
      day: drift ? periodLabel(drift, tz) : null,
      day_start: drift ? isoInZone(drift.startMs, tz) : null,
      metric: drift ? metricField(drift.metric, usage.catalogue.currency) : null,
      value: drift ? round(drift.value, 10) : null,
      baseline: drift ? round(drift.baseline, 10) : null,
      deviation_share: drift ? round(drift.deviationShare, 6) : null,
      cause: drift?.cause ?? null,
    };
  }
  return {};
}
