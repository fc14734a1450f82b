// The trend projection: least-squares lines through daily GPU-hours per GPU type, priced hour
// by hour, with a prediction interval. Pure; the definitions are in forecast.ts.

import type {
  ForecastDay,
  ForecastInput,
  TrendForecast,
  TrendPoint,
  TrendUnavailable,
} from './forecast.js';
import { type ProjectedUsage, type RemainingPrices, usageOf } from './forecast-projection.js';
import { splitPriceKey } from './mig.js';
import { rateOf } from './prices.js';
import { leastSquares, rSquared, studentTQuantile, sum } from './stats.js';

const MIN_TREND_DAYS = 3;
const DEFAULT_CONFIDENCE = 0.8;

export type TrendOutcome =
  | {
      available: true;
      forecast: TrendForecast;
      perDay: number[];
      perDayUsage: ProjectedUsage[];
    }
  | { available: false; unavailable: TrendUnavailable };

export function trendForecast(
  input: ForecastInput,
  monthDays: readonly ForecastDay[],
  gpuTypes: readonly string[],
  remaining: RemainingPrices,
  monthToDate: number,
  closedUntilMs: number,
): TrendOutcome {
  const firstOfMonth = input.days.findIndex((d) => d.startMs === input.monthStartMs);
  const dayX = (index: number) => index - firstOfMonth + 1;
  const complete = input.days
    .map((day, index) => ({ day, x: dayX(index) }))
    .filter(({ day }) => day.endMs <= closedUntilMs)
    .filter(({ day }) => input.lookbackDays !== undefined || day.startMs >= input.monthStartMs);
  const fitDays =
    input.lookbackDays === undefined ? complete : complete.slice(-Math.max(input.lookbackDays, 0));
  if (fitDays.length < MIN_TREND_DAYS) {
    return {
      available: false,
      unavailable: {
        available: false,
        reason: 'too-few-days',
        daysAvailable: fitDays.length,
        daysNeeded: MIN_TREND_DAYS,
      },
    };
  }

  const xs = fitDays.map((f) => f.x);
  const n = xs.length;
  const lines = gpuTypes.map((gpuType) =>
    leastSquares(
      xs,
      fitDays.map((f) => usageOf(f.day, gpuType)),
    ),
  );
  const { xMean, sxx } =
    lines[0] ??
    leastSquares(
      xs,
      xs.map(() => 0),
    );

  // W[g][d]: the line's daily GPU-hours become money for the share of day d still to come.
  const monthX = monthDays.map((_, d) => d + 1);
  const weights = gpuTypes.map((gpuType) => {
    const prices = remaining.priceHours.get(gpuType);
    return monthDays.map((_, d) => (prices?.[d] ?? 0) / (remaining.dayHours[d] ?? 1));
  });
  const perDay = monthDays.map((_, d) =>
    sum(
      lines.map(
        (line, g) => (weights[g]?.[d] ?? 0) * (line.intercept + line.slope * (monthX[d] ?? 0)),
      ),
    ),
  );
  const perDayUsage = monthDays.map(() => ({ gpuHours: 0, unpricedGpuHours: 0 }));
  lines.forEach((line, g) => {
    const gaps = remaining.unpricedHours.get(gpuTypes[g] ?? '');
    monthDays.forEach((_, d) => {
      const dayHours = remaining.dayHours[d] ?? 1;
      const daily = line.intercept + line.slope * (monthX[d] ?? 0);
      const usage = perDayUsage[d];
      if (!usage) return;
      usage.unpricedGpuHours += ((gaps?.[d] ?? 0) / dayHours) * daily;
      usage.gpuHours += ((remaining.remainingHoursPerDay[d] ?? 0) / dayHours) * daily;
    });
  });
  const projectedUnpriced = sum(perDayUsage.map((usage) => usage.unpricedGpuHours));
  const projectedGpuHours = sum(perDayUsage.map((usage) => usage.gpuHours));

  const df = n - 2;
  const a = weights.map((w) => sum(w));
  const b = weights.map((w) => sum(w.map((wd, d) => wd * ((monthX[d] ?? 0) - xMean))));
  let variance = 0;
  lines.forEach((line, g) => {
    lines.forEach((other, h) => {
      const covariance = sum(line.residuals.map((r, i) => r * (other.residuals[i] ?? 0))) / df;
      if (covariance === 0) return;
      const wg = weights[g] ?? [];
      const wh = weights[h] ?? [];
      const future = sum(wg.map((w, d) => w * (wh[d] ?? 0)));
      const estimate = ((a[g] ?? 0) * (a[h] ?? 0)) / n + ((b[g] ?? 0) * (b[h] ?? 0)) / sxx;
      variance += covariance * (future + estimate);
    });
  });
  const confidence = input.confidence ?? DEFAULT_CONFIDENCE;
  const tQuantile = studentTQuantile(1 - (1 - confidence) / 2, df);
  const halfWidth = tQuantile * Math.sqrt(Math.max(variance, 0));

  const reference = remaining.reference;
  // A type the reference version has no rate for stays visible as unpriced GPU-hours of the
  // day, never as a cost of 0.
  const points = fitDays.map((f): TrendPoint => {
    let cost = 0;
    let unpricedGpuHours = 0;
    for (const gpuType of gpuTypes) {
      const rate = rateOf(reference, ...splitPriceKey(gpuType));
      const hours = usageOf(f.day, gpuType);
      if (rate === undefined) unpricedGpuHours += hours;
      else cost += rate * hours;
    }
    const gpuHours = sum(gpuTypes.map((g) => usageOf(f.day, g)));
    return { startMs: f.day.startMs, x: f.x, cost, gpuHours, unpricedGpuHours };
  });
  const costLine = leastSquares(
    xs,
    points.map((p) => p.cost),
  );
  const projectedRemaining = sum(perDay);
  const total = monthToDate + projectedRemaining;
  return {
    available: true,
    perDay,
    perDayUsage,
    forecast: {
      available: true,
      monthToDate,
      points,
      daysUsed: n,
      ...(input.lookbackDays !== undefined ? { lookbackDays: input.lookbackDays } : {}),
      slope: costLine.slope,
      intercept: costLine.intercept,
      rSquared: rSquared(costLine),
      residualStdError: Math.sqrt(costLine.sse / df),
      degreesOfFreedom: df,
      tQuantile,
      confidence,
      remainingDays: sum(
        [...remaining.remainingHoursPerDay].map((h, d) => h / (remaining.dayHours[d] ?? 1)),
      ),
      projectedRemaining,
      total,
      interval: { lower: total - halfWidth, upper: total + halfWidth, halfWidth },
      referenceVersion: reference?.version ?? null,
      projectedGpuHours,
      projectedUnpricedGpuHours: projectedUnpriced,
    },
  };
}
