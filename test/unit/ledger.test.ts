import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/core/ledger.js';
import { dayPeriods, resolveWindow } from '../../src/core/periods.js';
import { versionIndexAt } from '../../src/core/prices.js';
import type { Period } from '../../src/core/report.js';
import { summarise } from '../../src/core/summarise.js';
import {
  type BucketSeries,
  type Buckets,
  type Catalogue,
  HOUR_MS,
  type Metric,
  type PriceVersion,
  type Window,
} from '../../src/core/types.js';

const july: PriceVersion = {
  version: '2026-07',
  effectiveFromMs: Date.parse('2026-07-01T00:00:00Z'),
  currency: 'EUR',
  gpuHour: { H100: 4, L4: 0.5 },
};
// The price change lands in the middle of the test window: 2026-07-02 12:00 UTC.
const julyMid: PriceVersion = {
  version: '2026-07b',
  effectiveFromMs: Date.parse('2026-07-02T12:00:00Z'),
  currency: 'EUR',
  gpuHour: { H100: 3, L4: 0.5 },
};
const catalogue: Catalogue = {
  versions: [july, julyMid],
  currency: 'EUR',
  hash: 'abc',
  origin: 'test',
};

const NOW = Date.parse('2026-11-28T00:00:00Z');

/** One bucket per hour of the window, in the period holding its start, priced at its start. */
function hourlyBuckets(window: Window, periods: readonly Period[] | null): Buckets {
  const hours = (window.toMs - window.fromMs) / HOUR_MS;
  const edges = Float64Array.from({ length: hours + 1 }, (_, i) => window.fromMs + i * HOUR_MS);
  const period = Int32Array.from({ length: hours }, (_, i) => {
    const startMs = edges[i] as number;
    return periods ? periods.findIndex((p) => p.startMs <= startMs && startMs < p.endMs) : 0;
  });
  const version = Int32Array.from({ length: hours }, (_, i) =>
    versionIndexAt(catalogue.versions, edges[i] as number),
  );
  return { edges, period, version };
}

function constantSeries(
  metric: Metric,
  labels: Record<string, string>,
  hours: number,
  perHour: number,
): BucketSeries {
  return { metric, labels, offset: 0, values: new Float64Array(hours).fill(perHour) };
}

function run(
  granularity: 'total' | 'day',
  by: string[],
  series: BucketSeries[],
  splitVersions = false,
  rowUnitCosts = true,
) {
  const window = resolveWindow({ from: '2026-07-01', to: '2026-07-03', tz: 'UTC' }, NOW);
  const periods = granularity === 'day' ? dayPeriods(window) : null;
  const ledger = new Ledger({
    buckets: hourlyBuckets(window, periods),
    by,
    gpuTypeLabel: 'gpu_type',
    versions: catalogue.versions,
  });
  for (const s of series) ledger.add(s);
  return summarise(ledger.entries(), {
    periods,
    versions: catalogue.versions,
    splitVersions,
    rowUnitCosts,
  });
}

describe('pricing hourly usage', () => {
  // 48 hours; chat uses 1 H100 all the time (3600 GPU-seconds per hour).
  const chat = { use_case: 'chat', gpu_type: 'H100' };
  const series = [
    constantSeries('gpu_seconds', chat, 48, 3600),
    constantSeries('inferences', { use_case: 'chat' }, 48, 100),
    constantSeries('tokens', { use_case: 'chat' }, 48, 50_000),
    // An unknown GPU type: 2 GPU-hours over the window, never priced.
    constantSeries('gpu_seconds', { use_case: 'tagging', gpu_type: 'MYSTERY' }, 48, 150),
    constantSeries('inferences', { use_case: 'tagging' }, 48, 10),
  ];

  it('prices each hour with the version in force at its start', () => {
    const summary = run('total', ['use_case'], series);
    const chatRow = summary.rows.find((row) => row.group.use_case === 'chat');
    // 36 hours at 4 EUR (July 1 00:00 to July 2 12:00), then 12 hours at 3 EUR.
    expect(chatRow?.cost).toBeCloseTo(36 * 4 + 12 * 3, 9);
    expect(chatRow?.gpuHours).toBe(48);
    expect(chatRow?.inferences).toBe(4800);
    expect(chatRow?.costPerInference).toBeCloseTo(180 / 4800, 12);
    expect(chatRow?.tokensPerCost).toBeCloseTo(2_400_000 / 180, 9);
    expect(chatRow?.versions).toEqual(['2026-07', '2026-07b']);
  });

  it('shows unpriced GPU types as unpriced, never as zero cost', () => {
    const summary = run('total', ['use_case'], series);
    const tagging = summary.rows.find((row) => row.group.use_case === 'tagging');
    expect(tagging?.cost).toBeNull();
    expect(tagging?.unpricedGpuHours).toBeCloseTo(2, 12);
    expect(tagging?.unpricedGpuTypes).toEqual(['MYSTERY']);
    expect(tagging?.costPerInference).toBeNull();
    expect(summary.unpricedShare).toBeCloseTo(2 / 50, 12);
    expect(summary.totals.cost).toBeCloseTo(180, 9);
    // The totals' unit costs would silently leave out the unpriced part: not given.
    expect(summary.totals.costPerInference).toBeNull();
  });

  it('reconciles rows with totals, per day as in total', () => {
    const days = run('day', ['use_case'], series);
    const dayCosts = days.rows.map((row) => row.cost ?? 0);
    expect(dayCosts.reduce((a, b) => a + b, 0)).toBeCloseTo(days.totals.cost ?? Number.NaN, 9);
    const chatDays = days.rows.filter((row) => row.group.use_case === 'chat');
    expect(chatDays.map((row) => row.cost)).toEqual([96, 84]); // 24*4; 12*4 + 12*3
    expect(days.rows.reduce((sum, row) => sum + (row.costShare ?? 0), 0)).toBeCloseTo(1, 12);
  });

  it('never calls inferences without GPU time free', () => {
    const noGpu = run(
      'total',
      ['use_case'],
      [constantSeries('inferences', { use_case: 'x' }, 48, 5)],
    );
    expect(noGpu.rows[0]?.cost).toBe(0);
    expect(noGpu.rows[0]?.costPerInference).toBeNull();
  });

  it('leaves per-row unit costs out when rows split by GPU type, shares still add up', () => {
    const search = constantSeries('gpu_seconds', { use_case: 'search', gpu_type: 'L4' }, 48, 3600);
    const byGpu = run('total', ['gpu_type'], [...series, search], false, false);
    expect(
      byGpu.rows.every((row) => row.costPerInference === null && row.tokensPerCost === null),
    ).toBe(true);
    // H100 180 EUR (36 h x 4 + 12 h x 3), L4 48 h x 0.5 = 24 EUR: shares of 204.
    const share = (type: string) =>
      byGpu.rows.find((row) => row.group.gpu_type === type)?.costShare;
    expect(share('H100')).toBeCloseTo(180 / 204, 12);
    expect(share('L4')).toBeCloseTo(24 / 204, 12);
  });

  it('keeps one row per catalogue version when asked to split', () => {
    const split = run('day', ['use_case'], series.slice(0, 1), true);
    expect(split.rows.map((row) => [row.versions, row.cost])).toEqual([
      [['2026-07'], 96],
      [['2026-07'], 48],
      [['2026-07b'], 36],
    ]);
  });

  it('adds up a group delivered in pieces and groups missing labels under ""', () => {
    const pieceA: BucketSeries = {
      metric: 'gpu_seconds',
      labels: { gpu_type: 'L4' },
      offset: 0,
      values: new Float64Array([3600, Number.NaN]),
    };
    const pieceB: BucketSeries = {
      metric: 'gpu_seconds',
      labels: { gpu_type: 'L4' },
      offset: 2,
      values: new Float64Array([7200]),
    };
    const summary = run('total', ['use_case'], [pieceA, pieceB]);
    expect(summary.rows).toHaveLength(1);
    expect(summary.rows[0]?.group).toEqual({ use_case: '' });
    expect(summary.rows[0]?.gpuHours).toBe(3);
    expect(summary.rows[0]?.cost).toBeCloseTo(1.5, 12);
  });

  it('leaves hours before the first catalogue version unpriced', () => {
    const early: BucketSeries = {
      metric: 'gpu_seconds',
      labels: { use_case: 'x', gpu_type: 'L4' },
      offset: 0,
      values: new Float64Array([3600]),
    };
    const window = resolveWindow(
      { from: '2026-06-30T23:00:00Z', to: '2026-07-01T01:00:00Z', tz: 'UTC' },
      NOW,
    );
    const buckets = hourlyBuckets(window, null);
    const ledger = new Ledger({
      buckets,
      by: ['use_case'],
      gpuTypeLabel: 'gpu_type',
      versions: catalogue.versions,
    });
    ledger.add(early);
    ledger.add({ ...early, offset: 1 });
    const summary = summarise(ledger.entries(), {
      periods: null,
      versions: catalogue.versions,
      splitVersions: false,
    });
    expect(summary.totals.unpricedGpuHours).toBe(1);
    expect(summary.totals.cost).toBeCloseTo(0.5, 12);
    expect(buckets.period.length).toBe(2);
  });
});

describe('sums nothing was added to', () => {
  it('are 0, never -0, in rows, totals and the unpriced share', () => {
    const summary = run(
      'day',
      ['use_case'],
      [constantSeries('gpu_seconds', { use_case: 'chat', gpu_type: 'L4' }, 48, 3600)],
    );
    const zeros = [
      ...summary.rows.flatMap((row) => [row.tokens, row.inferences, row.unpricedGpuHours]),
      summary.totals.tokens,
      summary.totals.inferences,
      summary.totals.unpricedGpuHours,
      summary.unpricedShare,
    ];
    expect(zeros).toHaveLength(10);
    for (const zero of zeros) expect(Object.is(zero, 0)).toBe(true);
  });
});

describe('GPU types named like members of every object', () => {
  it('are unpriced, and leave the priced total alone', () => {
    const summary = run(
      'total',
      ['gpu_type'],
      [
        constantSeries('gpu_seconds', { use_case: 'chat', gpu_type: 'L4' }, 48, 3600),
        constantSeries('gpu_seconds', { use_case: 'chat', gpu_type: 'toString' }, 48, 3600),
        constantSeries('gpu_seconds', { use_case: 'chat', gpu_type: 'constructor' }, 48, 3600),
      ],
    );
    // L4 at 0.5 in both versions: 48 GPU-hours x 0.5 = 24 EUR; the other 96 hours unpriced.
    expect(summary.totals.cost).toBe(24);
    expect(summary.totals.unpricedGpuHours).toBe(96);
    expect(summary.totals.unpricedGpuTypes).toEqual(['constructor', 'toString']);
    const named = summary.rows.find((row) => row.group.gpu_type === 'toString');
    expect(named?.cost).toBeNull();
  });
});

describe('a ledger of more cells than its first store holds', () => {
  it('keeps every cell when the store grows, and every measure in its own slot', () => {
    // 1500 groups x 2 days x 2 versions on the second day: well past the 1024 cells first made room for.
    const series = Array.from({ length: 1500 }, (_, g) => [
      constantSeries('gpu_seconds', { use_case: `u${g}`, gpu_type: 'H100' }, 48, 36 * (g + 1)),
      constantSeries('tokens', { use_case: `u${g}` }, 48, g),
      constantSeries('inferences', { use_case: `u${g}` }, 48, 2),
    ]).flat();
    const summary = run('day', ['use_case'], series);
    expect(summary.rows).toHaveLength(3000);
    const last = summary.rows.filter((row) => row.group.use_case === 'u1499');
    // 0.01 GPU-hours x 1500 per hour: 15 GPU-hours an hour, 24 hours a day.
    expect(last.map((row) => row.gpuHours)).toEqual([360, 360]);
    expect(last.map((row) => row.tokens)).toEqual([1499 * 24, 1499 * 24]);
    expect(last.map((row) => row.inferences)).toEqual([48, 48]);
    // Day 1 at 4 EUR; day 2: 12 hours at 4, 12 at 3.
    expect(last[0]?.cost).toBeCloseTo(360 * 4, 6);
    expect(last[1]?.cost).toBeCloseTo(180 * 4 + 180 * 3, 6);
    expect(last[0]?.quantities).toEqual({
      gpu_seconds: 360,
      gpu_busy_seconds: 0,
      tokens: 1499 * 24,
      input_tokens: 0,
      output_tokens: 0,
      inferences: 48,
    });
    expect(summary.totals.gpuHours).toBeCloseTo((36 * 1500 * 1501 * 48) / 2 / 3600, 6);
  });
});
