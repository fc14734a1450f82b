// Where a window's buckets are cut: period edges and price changes, in every zone.
import { describe, expect, it } from 'vitest';
import { planBuckets } from '../../src/core/buckets.js';
import { dayPeriods, hourPeriods, resolveWindow } from '../../src/core/periods.js';
import type { Period } from '../../src/core/report.js';
import { HOUR_MS, type PriceVersion, type Window } from '../../src/core/types.js';

const MIN = 60_000;
const NOW = Date.UTC(2027, 5, 1);
const JULY = Date.UTC(2026, 6, 1);
const OCTOBER = Date.UTC(2026, 9, 1);
const JANUARY = Date.UTC(2027, 0, 1);

function version(name: string, effectiveFromMs: number): PriceVersion {
  return { version: name, effectiveFromMs, currency: 'EUR', gpuHour: { H100: 1 } };
}
const versions = [
  version('2026-07', JULY),
  version('2026-10', OCTOBER),
  version('2027-01', JANUARY),
];

const window = (from: string, to: string, tz = 'UTC'): Window =>
  resolveWindow({ from, to, tz }, NOW);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const lengths = (edges: Float64Array) =>
  Array.from(edges.subarray(1), (edge, i) => (edge - (edges[i] as number)) / MIN);

describe('planBuckets', () => {
  it('is one bucket per hour across a price change on the hour', () => {
    const w = window('2026-09-30T20:00:00Z', '2026-10-01T04:00:00Z');
    const {
      edges,
      version: v,
      period,
    } = planBuckets({ window: w, periods: hourPeriods(w), versions });
    expect(edges.length).toBe(9);
    expect(Array.from(v)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(period)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('cuts a total at each price change only', () => {
    const w = window('2026-06-01', '2027-02-01');
    const { edges, version: v, period } = planBuckets({ window: w, periods: null, versions });
    expect(Array.from(edges, iso)).toEqual([
      '2026-06-01T00:00',
      '2026-07-01T00:00',
      '2026-10-01T00:00',
      '2027-01-01T00:00',
      '2027-02-01T00:00',
    ]);
    // June has no version in force: -1, shown as unpriced.
    expect(Array.from(v)).toEqual([-1, 0, 1, 2]);
    expect(Array.from(period)).toEqual([0, 0, 0, 0]);
  });

  it('cuts a half-past hour of Asia/Kolkata at a price change at 00:00 UTC', () => {
    // Local hours run from :30 to :30 UTC; the change falls in the middle of the 05:00 hour.
    const w = window('2026-10-01T04:00', '2026-10-01T07:00', 'Asia/Kolkata');
    const {
      edges,
      version: v,
      period,
    } = planBuckets({ window: w, periods: hourPeriods(w), versions });
    expect(Array.from(edges, iso)).toEqual([
      '2026-09-30T22:30',
      '2026-09-30T23:30',
      '2026-10-01T00:00',
      '2026-10-01T00:30',
      '2026-10-01T01:30',
    ]);
    expect(Array.from(v)).toEqual([0, 0, 1, 1]);
    // Both halves belong to the local hour 05:00-06:00.
    expect(Array.from(period)).toEqual([0, 1, 1, 2]);
  });

  it('cuts Asia/Kathmandu days (18:15 UTC) at a price change at 00:00 UTC', () => {
    const w = window('2026-09-30', '2026-10-02', 'Asia/Kathmandu');
    const {
      edges,
      version: v,
      period,
    } = planBuckets({ window: w, periods: dayPeriods(w), versions });
    expect(Array.from(edges, iso)).toEqual([
      '2026-09-29T18:15',
      '2026-09-30T18:15',
      '2026-10-01T00:00',
      '2026-10-01T18:15',
    ]);
    expect(lengths(edges)).toEqual([24 * 60, 5 * 60 + 45, 18 * 60 + 15]);
    expect(Array.from(v)).toEqual([0, 0, 1]);
    expect(Array.from(period)).toEqual([0, 1, 1]);
  });

  it('keeps days of 23 and 25 hours whole in Europe/Paris', () => {
    const w = window('2026-10-24', '2026-10-27', 'Europe/Paris');
    const { edges } = planBuckets({ window: w, periods: dayPeriods(w), versions });
    expect(lengths(edges).map((m) => m / 60)).toEqual([24, 25, 24]);
  });

  it('does not cut at price changes when one version prices the whole window', () => {
    const w = window('2026-09-30', '2026-10-03');
    const { edges, version: v } = planBuckets({
      window: w,
      periods: dayPeriods(w),
      versions,
      forcedVersion: 2,
    });
    expect(lengths(edges).map((m) => m / 60)).toEqual([24, 24, 24]);
    expect(Array.from(v)).toEqual([2, 2, 2]);
  });

  it('puts every bucket inside one period and one version span, for random windows', () => {
    const zones = ['UTC', 'Asia/Kolkata', 'Asia/Kathmandu', 'Europe/Paris', 'America/Santiago'];
    let seed = 11;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 200; trial++) {
      const tz = zones[trial % zones.length] as string;
      const changes = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) =>
        version(`v${i}`, JULY + Math.floor(random() * 120 * 24) * HOUR_MS),
      ).sort((a, b) => a.effectiveFromMs - b.effectiveFromMs);
      const unique = changes.filter(
        (v, i) => i === 0 || v.effectiveFromMs !== changes[i - 1]?.effectiveFromMs,
      );
      const fromMs = JULY + Math.floor(random() * 100 * 24) * HOUR_MS;
      const w: Window = {
        fromMs,
        toMs: fromMs + (1 + Math.floor(random() * 24 * 20)) * HOUR_MS,
        tz,
        label: 'random',
      };
      const granularity = trial % 3;
      const periods: Period[] | null =
        granularity === 0 ? null : granularity === 1 ? dayPeriods(w) : hourPeriods(w);
      const { edges, period, version: v } = planBuckets({ window: w, periods, versions: unique });
      expect(edges[0]).toBe(w.fromMs);
      expect(edges.at(-1)).toBe(w.toMs);
      for (let b = 0; b < period.length; b++) {
        const start = edges[b] as number;
        const end = edges[b + 1] as number;
        expect(end).toBeGreaterThan(start);
        const p = periods
          ? (periods[period[b] as number] as Period)
          : { startMs: w.fromMs, endMs: w.toMs };
        expect(p.startMs <= start && end <= p.endMs, `bucket ${b} in its period`).toBe(true);
        const index = v[b] as number;
        const from = unique[index]?.effectiveFromMs ?? Number.NEGATIVE_INFINITY;
        const until = unique[index + 1]?.effectiveFromMs ?? Number.POSITIVE_INFINITY;
        expect(from <= start && end <= until, `bucket ${b} in one version`).toBe(true);
      }
    }
  });
});
