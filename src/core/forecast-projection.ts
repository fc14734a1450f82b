// Pricing what is left of the month, and the run-rate projection of it. Pure; the definitions
// are in forecast.ts.
import type { ForecastDay, RunRateForecast } from './forecast.js';
import { splitPriceKey } from './mig.js';
import { rateOf, versionAt, versionIndexAt } from './prices.js';
import { sum } from './stats.js';
import { HOUR_MS, type PriceVersion } from './types.js';

/**
 * For each month day and GPU type, the integral over the day's remaining time of the price in
 * force (money per GPU-hour, times hours), and the remaining hours without a price. Prices take
 * effect at their effective_from, not at the next hour of the day: in Asia/Kolkata a change at
 * 00:00 UTC falls in the middle of a local hour.
 */
export interface RemainingPrices {
  readonly priceHours: ReadonlyMap<string, Float64Array>;
  readonly unpricedHours: ReadonlyMap<string, Float64Array>;
  readonly dayHours: Float64Array;
  readonly remainingHoursPerDay: Float64Array;
  readonly versions: readonly string[];
  readonly reference: PriceVersion | undefined;
}

export function remainingPrices(
  monthDays: readonly ForecastDay[],
  closedUntilMs: number,
  gpuTypes: readonly string[],
  versions: readonly PriceVersion[],
): RemainingPrices {
  const priceHours = new Map(gpuTypes.map((g) => [g, new Float64Array(monthDays.length)]));
  const unpricedHours = new Map(gpuTypes.map((g) => [g, new Float64Array(monthDays.length)]));
  const dayHours = new Float64Array(monthDays.length);
  const remainingHoursPerDay = new Float64Array(monthDays.length);
  const used: string[] = [];
  monthDays.forEach((day, d) => {
    dayHours[d] = (day.endMs - day.startMs) / HOUR_MS;
    for (let from = Math.max(day.startMs, closedUntilMs); from < day.endMs; ) {
      const index = versionIndexAt(versions, from);
      const version = versions[index];
      const to = Math.min(
        day.endMs,
        versions[index + 1]?.effectiveFromMs ?? Number.POSITIVE_INFINITY,
      );
      const hours = (to - from) / HOUR_MS;
      remainingHoursPerDay[d] = (remainingHoursPerDay[d] ?? 0) + hours;
      if (version && used[used.length - 1] !== version.version) used.push(version.version);
      for (const gpuType of gpuTypes) {
        const price = rateOf(version, ...splitPriceKey(gpuType));
        if (price === undefined) add(unpricedHours.get(gpuType), d, hours);
        else add(priceHours.get(gpuType), d, price * hours);
      }
      from = to;
    }
  });
  return {
    priceHours,
    unpricedHours,
    dayHours,
    remainingHoursPerDay,
    versions: used,
    reference: versionAt(versions, closedUntilMs),
  };
}

export function runRateForecast(
  monthDays: readonly ForecastDay[],
  gpuTypes: readonly string[],
  remaining: RemainingPrices,
  monthToDate: number,
  elapsedHours: number,
): { forecast: RunRateForecast; perDay: number[]; perDayUsage: ProjectedUsage[] } {
  const perDay = monthDays.map(() => 0);
  const perDayUsage = monthDays.map(() => ({ gpuHours: 0, unpricedGpuHours: 0 }));
  let unpriced = 0;
  let projectedGpuHours = 0;
  const remainingHours = sum([...remaining.remainingHoursPerDay]);
  for (const gpuType of gpuTypes) {
    const usedHours = sum(monthDays.map((d) => usageOf(d, gpuType)));
    const perHour = usedHours / elapsedHours;
    projectedGpuHours += perHour * remainingHours;
    const prices = remaining.priceHours.get(gpuType);
    const gaps = remaining.unpricedHours.get(gpuType);
    perDay.forEach((_, d) => {
      perDay[d] = (perDay[d] ?? 0) + perHour * (prices?.[d] ?? 0);
      const usage = perDayUsage[d];
      if (usage) {
        usage.gpuHours += perHour * (remaining.remainingHoursPerDay[d] ?? 0);
        usage.unpricedGpuHours += perHour * (gaps?.[d] ?? 0);
      }
      unpriced += perHour * (gaps?.[d] ?? 0);
    });
  }
  const projectedRemaining = sum(perDay);
  const monthHours = sum([...remaining.dayHours]);
  return {
    perDay,
    perDayUsage,
    forecast: {
      monthToDate,
      elapsedHours,
      monthHours,
      hourlyCost: monthToDate / elapsedHours,
      projectedRemaining,
      total: monthToDate + projectedRemaining,
      projectedGpuHours,
      projectedUnpricedGpuHours: unpriced,
    },
  };
}

/** GPU-hours a projection puts on a day's remaining hours, and those of them without a rate. */
export interface ProjectedUsage {
  gpuHours: number;
  unpricedGpuHours: number;
}

/** A day's GPU-hours of one type. */
export function usageOf(day: ForecastDay, gpuType: string): number {
  return sum(day.usage.filter((u) => u.gpuType === gpuType).map((u) => u.gpuHours));
}

function add(values: Float64Array | undefined, index: number, amount: number): void {
  if (values) values[index] = (values[index] ?? 0) + amount;
}
