import { describe, expect, it } from 'vitest';
import { addInto, CellStore } from '../../src/core/cell-store.js';
import { Ledger } from '../../src/core/ledger.js';
import { CELL_LAYOUT } from '../../src/core/measures.js';
import { summarise } from '../../src/core/summarise.js';
import type { PriceVersion } from '../../src/core/types.js';

const version: PriceVersion = {
  version: 'v1',
  effectiveFromMs: 0,
  currency: 'EUR',
  gpuHour: { H100: 4.1 },
};

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('a column chunk', () => {
  it('stays single precision while its sums are exact in it, then widens without losing any', () => {
    const store = new CellStore(4, 1);
    store.addGroup();
    let sums = store.write(0, 0);
    sums = addInto(store, 0, 0, sums, 0, 1000);
    sums = addInto(store, 0, 0, sums, 1, 2 ** 24);
    expect(sums).toBeInstanceOf(Float32Array);
    // 2^24 + 1 has no single-precision form.
    sums = addInto(store, 0, 0, sums, 1, 1);
    expect(sums).toBeInstanceOf(Float64Array);
    expect(store.read(0, 0)).toBe(sums);
    expect([sums[0], sums[1]]).toEqual([1000, 2 ** 24 + 1]);
    sums = addInto(store, 0, 0, sums, 2, 0.1);
    expect(sums[2]).toBe(0.1);
  });
});

describe('ledger sums', () => {
  it('equal sums in double precision, added in the order the values came (30 seeds)', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const next = random(seed);
      const hours = 1 + Math.floor(next() * 30);
      const buckets = {
        edges: Float64Array.from({ length: hours + 1 }, (_, i) => i * 3_600_000),
        period: Int32Array.from({ length: hours }, (_, i) => i),
        version: new Int32Array(hours),
      };
      const ledger = new Ledger({ buckets, by: ['g'], gpuTypeLabel: 't', versions: [version] });
      const expected = new Map<string, number[]>();
      const groups = 1 + Math.floor(next() * 300);
      for (let n = 0; n < 3 * groups; n++) {
        const g = `g${Math.floor(next() * groups)}`;
        const kind = next();
        // Whole counts, counts past 2^24, fractions, and missing points.
        const values = Float64Array.from({ length: hours }, () =>
          kind < 0.4
            ? Math.floor(next() * 1000)
            : kind < 0.6
              ? Math.floor(next() * 2 ** 30)
              : kind < 0.9
                ? next() * 3600
                : Number.NaN,
        );
        ledger.add({ metric: 'tokens', labels: { g }, offset: 0, values });
        const sums = expected.get(g) ?? Array.from({ length: hours }, () => Number.NaN);
        values.forEach((value, hour) => {
          if (Number.isNaN(value)) return;
          sums[hour] = (Number.isNaN(sums[hour] as number) ? 0 : (sums[hour] as number)) + value;
        });
        expected.set(g, sums);
      }
      const periods = Array.from({ length: hours }, (_, i) => ({
        startMs: i * 3_600_000,
        endMs: (i + 1) * 3_600_000,
      }));
      const summary = summarise(ledger, { periods, versions: [version], splitVersions: false });
      const got = new Map<string, number[]>();
      for (const row of summary.rows) {
        const sums = got.get(row.group.g as string) ?? Array.from({ length: hours }, () => NaN);
        sums[(row.period?.startMs ?? 0) / 3_600_000] = row.tokens;
        got.set(row.group.g as string, sums);
      }
      // A group whose every point was missing has no row.
      for (const [g, sums] of expected) if (sums.every(Number.isNaN)) expected.delete(g);
      expect(got).toEqual(expected);
    }
  });
});

describe('report rows', () => {
  const buckets = {
    edges: Float64Array.from([0, 1, 2, 3].map((h) => h * 3_600_000)),
    period: Int32Array.from([0, 1, 2]),
    version: new Int32Array(3),
  };
  const periods = [0, 1, 2].map((h) => ({ startMs: h * 3_600_000, endMs: (h + 1) * 3_600_000 }));
  const ledger = new Ledger({ buckets, by: ['g'], gpuTypeLabel: 't', versions: [version] });
  const add = (g: string, values: number[]) =>
    ledger.add({
      metric: 'gpu_seconds',
      labels: { g, t: 'H100' },
      offset: 0,
      values: Float64Array.from(values),
    });
  add('cheap', [3600, 0, Number.NaN]);
  add('dear', [7200, Number.NaN, Number.NaN]);
  add('late', [Number.NaN, Number.NaN, 1800]);
  const summary = summarise(ledger, { periods, versions: [version], splitVersions: false });

  it('come period by period, dearest first, and a point of 0 makes a row where no point makes none', () => {
    const rows = [...summary.rows];
    expect(rows.map((row) => [row.period?.startMs, row.group.g, row.gpuHours])).toEqual([
      [0, 'dear', 2],
      [0, 'cheap', 1],
      [3_600_000, 'cheap', 0],
      [7_200_000, 'late', 0.5],
    ]);
    expect(summary.rows.length).toBe(4);
  });

  it('are made the same each time they are read, with shares of the total computed first', () => {
    expect([...summary.rows]).toEqual([...summary.rows]);
    // 3.5 GPU-hours at 4.1: the dear hour is 2 of them.
    expect(summary.totals.cost).toBeCloseTo(3.5 * 4.1, 12);
    expect([...summary.rows][0]?.costShare).toBeCloseTo(2 / 3.5, 12);
    expect(summary.groups.map((group) => group.g)).toEqual(['cheap', 'dear', 'late']);
  });

  it('leave the sums of measures nobody read out of the store', () => {
    expect(ledger.store.read(CELL_LAYOUT.quantity.tokens, 0)).toBeUndefined();
    expect(ledger.store.read(CELL_LAYOUT.unpriced.gpu_seconds, 0)).toBeUndefined();
  });
});
