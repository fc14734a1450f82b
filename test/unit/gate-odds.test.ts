// The overrun probability of a forecast budget gate against independent calculations: the trend
// refitted here by hand, and Student's t CDF in closed form (3 degrees of freedom) and by
// numeric integration of its density (10), not by the incomplete beta function ml-cost uses.
import { describe, expect, it } from 'vitest';
import type { DriftDayResult } from '../../src/core/drift-types.js';
import { type ForecastDay, forecastMonth } from '../../src/core/forecast.js';
import { evaluateCheck, type GateCheck, type ScopeUsage } from '../../src/core/gate.js';
import { driftMeasure, overrunOdds } from '../../src/core/gate-odds.js';
import type { PriceVersion } from '../../src/core/types.js';
import { tCdf3, tCdfByIntegration } from '../helpers/student-t.js';

const H = 3_600_000;
const D = 24 * H;
const APRIL = Date.UTC(2026, 3, 1);
const MAY = Date.UTC(2026, 4, 1);
const A100_AT_2: PriceVersion[] = [
  { version: 'v1', effectiveFromMs: Date.UTC(2026, 0, 1), currency: 'EUR', gpuHour: { A100: 2 } },
];

function april(hours: readonly number[], closedDays: number) {
  const days: ForecastDay[] = [];
  for (let i = 0; i < 30; i++) {
    const h = i < closedDays ? (hours[i] ?? 0) : 0;
    days.push({
      startMs: APRIL + i * D,
      endMs: APRIL + (i + 1) * D,
      usage: i < closedDays ? [{ gpuType: 'A100', gpuHours: h }] : [],
      cost: 2 * h,
      unpricedGpuHours: 0,
    });
  }
  return forecastMonth({
    monthStartMs: APRIL,
    monthEndMs: MAY,
    closedUntilMs: APRIL + closedDays * D,
    days,
    versions: A100_AT_2,
  });
}

/** The trend refitted by hand: OLS through the daily costs, the textbook se of a sum of days. */
function byHand(costs: readonly number[]) {
  const n = costs.length;
  const xs = costs.map((_, i) => i + 1);
  const xMean = xs.reduce((a, b) => a + b, 0) / n;
  const yMean = costs.reduce((a, b) => a + b, 0) / n;
  const sxx = xs.reduce((a, x) => a + (x - xMean) ** 2, 0);
  const slope = xs.reduce((a, x, i) => a + (x - xMean) * ((costs[i] ?? 0) - yMean), 0) / sxx;
  const intercept = yMean - slope * xMean;
  const sse = xs.reduce((a, x, i) => a + ((costs[i] ?? 0) - intercept - slope * x) ** 2, 0);
  const future = Array.from({ length: 30 - n }, (_, i) => n + 1 + i);
  const m = future.length;
  const offsets = future.reduce((a, x) => a + (x - xMean), 0);
  const se = Math.sqrt((sse / (n - 2)) * (m + (m * m) / n + (offsets * offsets) / sxx));
  const total = yMean * n + future.reduce((a, x) => a + intercept + slope * x, 0);
  return { total, se, df: n - 2 };
}

const usage = (forecast: ReturnType<typeof forecastMonth>): ScopeUsage => ({
  found: true,
  gpuHours: 1,
  unpricedGpuHours: 0,
  inferences: 0,
  tokens: 0,
  cost: 1,
  forecast,
});

const oddsCheck = (budget: number, confidence: number): GateCheck => ({
  metric: 'overrun_probability',
  limit: 1 - confidence,
  budget,
  confidence,
  basis: 'forecast',
});

describe('overrun probability', () => {
  // Five closed days of 10, 12, 11, 15, 14 A100-hours at EUR 2: costs 20, 24, 22, 30, 28.
  // By hand: slope 2.2, intercept 18.2, SSE 20.4, s² 6.8; 25 days to go (x 6..30), Σ(x - 3) 375:
  // se = √(6.8 × (25 + 625/5 + 375²/10)) = √96 645 = 310.878; total 124 + 25 × 18.2 + 2.2 × 450
  // = 1569; with a budget of 1800, t = 231 / 310.878 = 0.74306 on 3 df: P(over) 25.57 %.
  const five = april([10, 12, 11, 15, 14], 5);

  it('is 1 - F_t((budget - total) / se, n - 2), F_3 in closed form', () => {
    const hand = byHand([20, 24, 22, 30, 28]);
    expect(hand.total).toBeCloseTo(1569, 9);
    expect(hand.se).toBeCloseTo(310.878, 3);
    const expected = 1 - tCdf3((1800 - 1569) / hand.se);
    expect(expected).toBeCloseTo(0.2557, 4);
    const odds = overrunOdds(five, 1800);
    if (odds === 'no_forecast') throw new Error('expected odds');
    expect(odds.probability).toEqual({ kind: 'exact', value: expect.closeTo(expected, 10) });
    expect(odds.total).toBeCloseTo(1569, 9);
    expect(odds.standardError).toBeCloseTo(hand.se, 9);
    expect(odds.degreesOfFreedom).toBe(3);
  });

  it('breaches when the probability exceeds 1 - confidence, and says the probability', () => {
    const expected = 1 - tCdf3((1800 - 1569) / byHand([20, 24, 22, 30, 28]).se);
    const at90 = evaluateCheck(oddsCheck(1800, 0.9), usage(five));
    expect(at90).toMatchObject({ status: 'fail', measured: expect.closeTo(expected, 10) });
    expect(at90.headroom).toBeCloseTo(0.1 - expected, 10);
    // At 70 % confidence up to 30 % is allowed: 25.6 % passes.
    expect(evaluateCheck(oddsCheck(1800, 0.7), usage(five)).status).toBe('pass');
    // Below the forecast itself, overrun is more likely than not.
    expect(evaluateCheck(oddsCheck(1500, 0.5), usage(five)).measured).toBeGreaterThan(0.5);
  });

  it('matches numeric integration of the t density on 10 degrees of freedom', () => {
    const hours = [20, 22, 21, 25, 24, 23, 27, 26, 30, 28, 29, 31];
    const result = april(hours, 12);
    const hand = byHand(hours.map((h) => 2 * h));
    expect(hand.df).toBe(10);
    for (const budget of [1500, 1800, 2000, 2200]) {
      const t = (budget - hand.total) / hand.se;
      const cdf = tCdfByIntegration(t, 10);
      const odds = overrunOdds(result, budget);
      if (odds === 'no_forecast') throw new Error('expected odds');
      expect(odds.probability.kind).toBe('exact');
      expect((odds.probability as { value: number }).value).toBeCloseTo(1 - cdf, 8);
    }
  });

  it('has no odds without a trend, and an ended month is its actual', () => {
    expect(overrunOdds(april([10, 12], 2), 100)).toBe('no_forecast');
    expect(evaluateCheck(oddsCheck(100, 0.9), usage(april([10, 12], 2)))).toMatchObject({
      status: 'fail',
      unmeasured: 'no_forecast',
    });
    const ended = april(Array(30).fill(10), 30);
    // 30 days × 10 h × EUR 2 = 600.
    expect(overrunOdds(ended, 599)).toEqual({ probability: { kind: 'exact', value: 1 } });
    expect(overrunOdds(ended, 600)).toEqual({ probability: { kind: 'exact', value: 0 } });
  });
});

describe('driftMeasure', () => {
  const day = (deviations: Record<string, number>): DriftDayResult => ({
    startMs: APRIL,
    endMs: APRIL + D,
    weekend: false,
    status: 'ok',
    inferences: 1,
    gpuHours: 1,
    unpricedGpuHours: 0,
    versions: [],
    metrics: Object.entries(deviations).map(([metric, deviation]) => ({
      metric: metric as 'cost_per_inference',
      status: 'ok',
      value: 1,
      baseline: { kind: 'all', days: 30, median: 1, sigma: 0.01, lower: 0.9, upper: 1.1 },
      deviation,
      deviationShare: 0,
    })),
  });

  it('takes the worst deviation the costly way: tokens per currency unit counts downwards', () => {
    const measure = driftMeasure(
      day({ cost_per_inference: -5, tokens_per_cost: -4.5, gpu_seconds_per_inference: 2 }),
    );
    expect(measure).toMatchObject({ sigmas: 4.5, metric: 'tokens_per_cost' });
    // Cheaper on every count drifts by a negative amount: it passes any limit.
    expect(driftMeasure(day({ cost_per_inference: -6, tokens_per_cost: 6 }))).toMatchObject({
      sigmas: -6,
    });
    expect(driftMeasure({ ...day({}), status: 'insufficient_history' })).toBe('no_history');
    expect(driftMeasure(undefined)).toBe('no_usage');
  });
});
