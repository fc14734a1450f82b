// What is left of a month is priced at the instants prices change, whatever the zone.
import { describe, expect, it } from 'vitest';
import { remainingPrices } from '../../src/core/forecast-projection.js';
import { HOUR_MS, type PriceVersion } from '../../src/core/types.js';

const OCTOBER = Date.UTC(2026, 9, 1);
const version = (name: string, effectiveFromMs: number, h100?: number): PriceVersion => ({
  version: name,
  effectiveFromMs,
  currency: 'EUR',
  gpuHour: h100 === undefined ? {} : { H100: h100 },
});

describe('remainingPrices', () => {
  it('prices an Asia/Kolkata day at the 00:00 UTC change, not at the next local hour', () => {
    // The local day 2026-10-01 runs from 18:30 UTC the day before; the change comes 5.5 h in.
    const dayStart = OCTOBER - 5.5 * HOUR_MS;
    const day = {
      startMs: dayStart,
      endMs: dayStart + 24 * HOUR_MS,
      usage: [],
      cost: 0,
      unpricedGpuHours: 0,
    };
    const versions = [version('v1', Date.UTC(2026, 6, 1), 4), version('v2', OCTOBER, 3)];
    const prices = remainingPrices([day], dayStart, ['H100'], versions);
    // 5.5 h at 4 and 18.5 h at 3, by hand.
    expect(prices.priceHours.get('H100')?.[0]).toBeCloseTo(5.5 * 4 + 18.5 * 3, 9);
    expect(prices.remainingHoursPerDay[0]).toBe(24);
    expect(prices.versions).toEqual(['v1', 'v2']);
  });

  it('counts the remaining time without a rate as unpriced hours, fractions included', () => {
    const dayStart = OCTOBER - 5.75 * HOUR_MS; // Asia/Kathmandu
    const day = {
      startMs: dayStart,
      endMs: dayStart + 24 * HOUR_MS,
      usage: [],
      cost: 0,
      unpricedGpuHours: 0,
    };
    const versions = [version('v1', Date.UTC(2026, 6, 1), 4), version('v2', OCTOBER)];
    // Closed until 2 hours into the day: 3.75 h at 4 remain, then 18.25 h without a rate.
    const prices = remainingPrices([day], dayStart + 2 * HOUR_MS, ['H100'], versions);
    expect(prices.priceHours.get('H100')?.[0]).toBeCloseTo(3.75 * 4, 9);
    expect(prices.unpricedHours.get('H100')?.[0]).toBeCloseTo(18.25, 9);
    expect(prices.remainingHoursPerDay[0]).toBe(22);
  });
});
