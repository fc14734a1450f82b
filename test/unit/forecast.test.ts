import { describe, expect, it } from 'vitest';
import { type ForecastDay, forecastMonth, type TrendForecast } from '../../src/core/forecast.js';
import { fitDayCost, forecastFigures, isUnpriced } from '../../src/core/forecast-figures.js';
import type { PriceVersion } from '../../src/core/types.js';

const H = 3_600_000;
const D = 24 * H;
const APRIL = Date.UTC(2026, 3, 1);
const MAY = Date.UTC(2026, 4, 1);
// t(0.90, df=3) from the t table, to six digits.
const T90_DF3 = 1.637744;

function version(name: string, fromMs: number, gpuHour: Record<string, number>): PriceVersion {
  return { version: name, effectiveFromMs: fromMs, currency: 'EUR', gpuHour };
}

const flat = [version('2026-01', Date.UTC(2026, 0, 1), { A100: 2, L4: 1 })];

/**
 * Whole days from `firstMs`: closed usage per day (GPU-hours by type), priced by hand at `prices`;
 * days beyond the usage list have none, up to `untilMs`.
 */
function days(
  firstMs: number,
  untilMs: number,
  usage: readonly Record<string, number>[],
  prices: Record<string, number> = { A100: 2, L4: 1 },
): ForecastDay[] {
  const out: ForecastDay[] = [];
  for (let start = firstMs, i = 0; start < untilMs; start += D, i++) {
    const day = usage[i] ?? {};
    out.push({
      startMs: start,
      endMs: start + D,
      usage: Object.entries(day).map(([gpuType, gpuHours]) => ({ gpuType, gpuHours })),
      cost: Object.entries(day).reduce(
        (sum, [type, hours]) => sum + (prices[type] ?? 0) * hours,
        0,
      ),
      unpricedGpuHours: 0,
    });
  }
  return out;
}

function trendOf(result: ReturnType<typeof forecastMonth>): TrendForecast {
  if (!result.trend?.available) throw new Error('expected a trend');
  return result.trend;
}

// Five closed April days of A100 at EUR 2: GPU-hours 10, 12, 11, 15, 14 -> EUR 20, 24, 22, 30, 28.
// By hand: x = 1..5, x̄ 3, ȳ 24.8, Sxx 10, Sxy 22 -> slope 2.2, intercept 18.2,
// residuals -0.4, 1.4, -2.8, 3.0, -1.2, SSE 20.4, SST 68.8.
const fiveDays = [{ A100: 10 }, { A100: 12 }, { A100: 11 }, { A100: 15 }, { A100: 14 }];

describe('forecastMonth with one price all month', () => {
  const result = forecastMonth({
    monthStartMs: APRIL,
    monthEndMs: MAY,
    closedUntilMs: APRIL + 5 * D,
    days: days(APRIL, MAY, fiveDays),
    versions: flat,
    budget: 1000,
  });

  it('sums the month to date over closed hours', () => {
    expect(result.status).toBe('in-progress');
    expect(result.actual.cost).toBeCloseTo(124, 10);
    expect(result.elapsedHours).toBe(120);
    expect(result.monthHours).toBe(720);
  });

  it('projects the run-rate as month-to-date / elapsed × month length', () => {
    expect(result.runRate?.total).toBeCloseTo((124 / 120) * 720, 10);
    expect(result.runRate?.hourlyCost).toBeCloseTo(124 / 120, 10);
  });

  it('adds the OLS line over the 25 remaining days to the month to date', () => {
    const trend = trendOf(result);
    expect(trend.slope).toBeCloseTo(2.2, 10);
    expect(trend.intercept).toBeCloseTo(18.2, 10);
    expect(trend.daysUsed).toBe(5);
    expect(trend.rSquared).toBeCloseTo(1 - 20.4 / 68.8, 10);
    // Σ_{x=6..30} (18.2 + 2.2x) = 25·18.2 + 2.2·450 = 1445.
    expect(trend.projectedRemaining).toBeCloseTo(1445, 9);
    expect(trend.total).toBeCloseTo(1569, 9);
  });

  it('gives the 80% prediction interval of the sum of the remaining days', () => {
    const trend = trendOf(result);
    // s² = 20.4/3; m = 25, n = 5, Σ(x_d - x̄) = 450 - 75 = 375.
    const half = T90_DF3 * Math.sqrt((20.4 / 3) * (25 + 625 / 5 + 375 ** 2 / 10));
    expect(trend.degreesOfFreedom).toBe(3);
    expect(trend.interval.halfWidth).toBeCloseTo(half, 2);
    expect(trend.interval.lower).toBeCloseTo(1569 - half, 2);
    expect(trend.interval.upper).toBeCloseTo(1569 + half, 2);
    expect(trend.residualStdError).toBeCloseTo(Math.sqrt(20.4 / 3), 10);
  });

  it('finds the day the budget is crossed, per method', () => {
    // Trend: 124 + Σ_{x=6..22} line = 957, + line(23) = 1025.8 > 1000 -> April 23.
    expect(result.budget?.trend?.crossedOnMs).toBe(Date.UTC(2026, 3, 23));
    expect(result.budget?.trend?.difference).toBeCloseTo(569, 9);
    // Run-rate ends at 744: never crossed, 256 under.
    expect(result.budget?.runRate?.crossedOnMs).toBeNull();
    expect(result.budget?.runRate?.difference).toBeCloseTo(-256, 9);
  });

  it('lays out daily actuals and projections for the chart', () => {
    expect(result.days).toHaveLength(30);
    expect(result.days[0]?.actual).toBe(20);
    expect(result.days[5]?.actual).toBeNull();
    expect(result.days[5]?.trend).toBeCloseTo(18.2 + 2.2 * 6, 10);
    expect(result.days[5]?.runRate).toBeCloseTo(24.8, 10);
  });
});

describe('forecastMonth on a day in progress', () => {
  // As above plus 12 closed hours of April 6 with 6 GPU-hours (EUR 12).
  const result = forecastMonth({
    monthStartMs: APRIL,
    monthEndMs: MAY,
    closedUntilMs: APRIL + 5 * D + 12 * H,
    days: days(APRIL, MAY, [...fiveDays, { A100: 6 }]),
    versions: flat,
  });

  it('counts the closed hours of today in the month to date and the elapsed time', () => {
    expect(result.actual.cost).toBeCloseTo(136, 10);
    expect(result.elapsedHours).toBe(132);
    expect(result.runRate?.total).toBeCloseTo((136 / 132) * 720, 10);
  });

  it('fits complete days only and projects the rest of today pro rata', () => {
    const trend = trendOf(result);
    expect(trend.daysUsed).toBe(5);
    // Half of line(6) = 15.7, plus Σ_{x=7..30} line = 1445 - 31.4.
    expect(trend.total).toBeCloseTo(136 + 15.7 + 1413.6, 9);
    // Weights 0.5 for today, 1 after: Σc² 24.25, Σc 24.5, Σc(x - 3) = 1.5 + 372.
    const half = T90_DF3 * Math.sqrt((20.4 / 3) * (24.25 + 24.5 ** 2 / 5 + 373.5 ** 2 / 10));
    expect(trend.interval.halfWidth).toBeCloseTo(half, 2);
    expect(trend.remainingDays).toBeCloseTo(24.5, 10);
  });
});

describe('forecastMonth with a price change in the remaining days', () => {
  // A100 as before, L4 steady at 20 GPU-hours a day; from April 21 A100 costs 3 instead of 2.
  const versions = [...flat, version('2026-04b', Date.UTC(2026, 3, 21), { A100: 3, L4: 1 })];
  const usage = fiveDays.map((d) => ({ ...d, L4: 20 }));
  const result = forecastMonth({
    monthStartMs: APRIL,
    monthEndMs: MAY,
    closedUntilMs: APRIL + 5 * D,
    days: days(APRIL, MAY, usage),
    versions,
  });

  it('prices each remaining hour of run-rate usage by its version', () => {
    // MTD 224. A100 62/120 GPU-h per hour over 360 h at 2 and 240 h at 3 = 744; L4 100/120 × 600 = 500.
    expect(result.actual.cost).toBeCloseTo(224, 10);
    expect(result.runRate?.total).toBeCloseTo(224 + 744 + 500, 9);
    expect(result.remainingVersions).toEqual(['2026-01', '2026-04b']);
  });

  it('prices each remaining day of the trend by its version', () => {
    const trend = trendOf(result);
    // A100 line 9.1 + 1.1x: Σ_{6..20} = 351 GPU-h at 2, Σ_{21..30} = 371.5 at 3; L4 500 GPU-h at 1.
    expect(trend.total).toBeCloseTo(224 + 702 + 1114.5 + 500, 9);
    // Described at the reference (first remaining hour) prices: EUR 40, 44, 42, 50, 48.
    expect(trend.referenceVersion).toBe('2026-01');
    expect(trend.slope).toBeCloseTo(2.2, 10);
    expect(trend.intercept).toBeCloseTo(38.2, 10);
    expect(trend.rSquared).toBeCloseTo(1 - 20.4 / 68.8, 10);
  });

  it('weights the interval by the prices of the remaining days', () => {
    // Only A100 varies: variance 5.1/3 GPU-h²; W = 2 on 15 days, 3 on 10.
    // ΣW² = 150, ΣW = 60, ΣW(x - 3) = 2·150 + 3·225 = 975.
    const half = T90_DF3 * Math.sqrt((5.1 / 3) * (150 + 60 ** 2 / 5 + 975 ** 2 / 10));
    expect(trendOf(result).interval.halfWidth).toBeCloseTo(half, 2);
  });
});

describe('forecastMonth edge cases', () => {
  it('says plainly when there are fewer than 3 days for a trend, and still gives run-rate', () => {
    const result = forecastMonth({
      monthStartMs: APRIL,
      monthEndMs: MAY,
      closedUntilMs: APRIL + 2 * D + 5 * H,
      days: days(APRIL, MAY, [{ A100: 10 }, { A100: 12 }, { A100: 1 }]),
      versions: flat,
    });
    expect(result.trend).toEqual({
      available: false,
      reason: 'too-few-days',
      daysAvailable: 2,
      daysNeeded: 3,
    });
    expect(result.runRate?.total).toBeCloseTo((46 / 53) * 720, 10);
  });

  it('fits on the last N days, reaching into the previous month, with --lookback', () => {
    // March 29-31 and April 1-2: the same costs as above at x = -2..2, so slope 2.2, intercept 24.8.
    const march29 = Date.UTC(2026, 2, 29);
    const result = forecastMonth({
      monthStartMs: APRIL,
      monthEndMs: MAY,
      closedUntilMs: APRIL + 2 * D,
      days: days(march29, MAY, fiveDays),
      lookbackDays: 5,
      versions: flat,
    });
    const trend = trendOf(result);
    expect(trend.points.map((p) => p.x)).toEqual([-2, -1, 0, 1, 2]);
    expect(result.actual.cost).toBeCloseTo(58, 10);
    // Σ_{x=3..30} (24.8 + 2.2x) = 28·24.8 + 2.2·462 = 1710.8.
    expect(trend.total).toBeCloseTo(58 + 1710.8, 9);
    expect(trend.lookbackDays).toBe(5);
  });

  it('reports the actual of a month that has ended, and judges the budget on it', () => {
    const result = forecastMonth({
      monthStartMs: APRIL,
      monthEndMs: MAY,
      closedUntilMs: MAY + 3 * D,
      days: days(
        APRIL,
        MAY,
        Array.from({ length: 30 }, () => ({ A100: 10 })),
      ),
      versions: flat,
      budget: 500,
    });
    expect(result.status).toBe('ended');
    expect(result.actual.cost).toBeCloseTo(600, 10);
    expect(result.runRate).toBeNull();
    expect(result.trend).toBeNull();
    // 20 a day: 500 is first exceeded on day 26 (520).
    expect(result.budget?.actual?.crossedOnMs).toBe(Date.UTC(2026, 3, 26));
    expect(result.budget?.actual?.difference).toBeCloseTo(100, 10);
  });

  it('counts a DST month in hours and gives a 23-hour remaining day the full line value', () => {
    // March 2026 in Europe/Berlin: 743 hours, the 29th has 23.
    const start = Date.UTC(2026, 1, 28, 23);
    const end = Date.UTC(2026, 2, 31, 22);
    const monthDays: ForecastDay[] = days(start, start + 28 * D, [
      { A100: 10 },
      { A100: 10 },
      { A100: 13 },
    ]);
    const d29 = start + 28 * D;
    monthDays.push({ startMs: d29, endMs: d29 + 23 * H, usage: [], cost: 0, unpricedGpuHours: 0 });
    monthDays.push(...days(d29 + 23 * H, end, []));
    const result = forecastMonth({
      monthStartMs: start,
      monthEndMs: end,
      closedUntilMs: start + 3 * D,
      days: monthDays,
      versions: flat,
    });
    expect(result.monthHours).toBe(743);
    expect(result.runRate?.total).toBeCloseTo((66 / 72) * 743, 9);
    // Costs 20, 20, 26: slope 3, intercept 16 -> Σ_{x=4..31} (16 + 3x) = 448 + 3·490.
    expect(trendOf(result).total).toBeCloseTo(66 + 448 + 1470, 9);
  });

  it('reports unpriced GPU types apart instead of costing them as zero', () => {
    const result = forecastMonth({
      monthStartMs: APRIL,
      monthEndMs: MAY,
      closedUntilMs: APRIL + 5 * D,
      days: days(
        APRIL,
        MAY,
        fiveDays.map((d) => ({ ...d, H200: 24 })),
      ),
      versions: flat,
    });
    expect(result.actual.cost).toBeCloseTo(124, 10);
    expect(result.runRate?.total).toBeCloseTo(744, 9);
    // 24 GPU-h a day of H200 for the 25 remaining days.
    expect(result.runRate?.projectedUnpricedGpuHours).toBeCloseTo(600, 9);
    expect(trendOf(result).projectedUnpricedGpuHours).toBeCloseTo(600, 9);
  });

  it('has nothing to forecast before the month starts', () => {
    const result = forecastMonth({
      monthStartMs: APRIL,
      monthEndMs: MAY,
      closedUntilMs: APRIL - D,
      days: days(APRIL, MAY, []),
      versions: flat,
    });
    expect(result.status).toBe('not-started');
    expect(result.runRate).toBeNull();
  });

  it('keeps a type the remaining hours have no rate for out of the figures, as a lower bound', () => {
    // H200 at 3 in April's first version, dropped by the next from the first remaining hour.
    // Five days of 10 A100 and 4 H200 GPU-hours: to date 5 x (20 + 12) = 160 EUR, exact.
    // Remaining 25 days: A100 250 GPU-hours x 2 = 500 EUR; H200 100 GPU-hours unpriced.
    const versions = [
      version('v1', Date.UTC(2026, 0, 1), { A100: 2, H200: 3 }),
      version('v2', APRIL + 5 * D, { A100: 2 }),
    ];
    const usage = Array.from({ length: 5 }, () => ({ A100: 10, H200: 4 }));
    const result = forecastMonth({
      monthStartMs: APRIL,
      monthEndMs: MAY,
      closedUntilMs: APRIL + 5 * D,
      days: days(APRIL, MAY, usage, { A100: 2, H200: 3 }),
      versions,
    });
    const figures = forecastFigures(result);
    expect(figures.toDate).toEqual({ kind: 'exact', value: expect.closeTo(160, 9) });
    expect(figures.runRate?.remaining).toEqual({
      kind: 'lower_bound',
      value: expect.closeTo(500, 9),
    });
    expect(figures.runRate?.total).toEqual({ kind: 'lower_bound', value: expect.closeTo(660, 9) });
    expect(figures.trend?.total).toEqual({ kind: 'lower_bound', value: expect.closeTo(660, 9) });
    expect(result.runRate?.projectedUnpricedGpuHours).toBeCloseTo(100, 9);
    // Each fit day at v2: 10 x 2 = 20 EUR, beside 4 GPU-hours v2 has no rate for.
    for (const point of trendOf(result).points) {
      expect(point).toMatchObject({ cost: 20, gpuHours: 14, unpricedGpuHours: 4 });
      expect(fitDayCost(point).kind).toBe('lower_bound');
    }
    expect(isUnpriced(figures)).toBe(false);
  });
});
