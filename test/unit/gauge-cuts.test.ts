// Any cut of a window adds up to the same gauge (and presence) usage: a sample lands in exactly
// one bucket, whatever the buckets. Generated series of many seeds (scrape intervals, jitter,
// gaps, series starting and stopping anywhere, values in eighths and any doubles), read from an export file
// as a total, by day in a time zone of the seed, by hour, and at random cuts; each must also
// equal Σ value × I over the window's samples, computed here from the raw samples.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { planBuckets } from '../../src/core/buckets.js';
import { dayPeriods, hourPeriods } from '../../src/core/periods.js';
import type { Window } from '../../src/core/types.js';
import { createExportFileSource } from '../../src/sources/export-file.js';
import type { UsageQuery, UsageSource } from '../../src/sources/types.js';
import { tempDir } from '../helpers/temp.js';

const H = 3_600_000;
const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'];
const INTERVALS = [15_000, 30_000, 60_000, 300_000, 20_000];

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  readonly seed: number;
  readonly window: Window;
  readonly lines: { metric: Record<string, string>; values: number[]; timestamps: number[] }[];
}

function generated(seed: number): Case {
  const next = random(seed);
  const tz = ZONES[seed % ZONES.length] as string;
  // Around a DST change for some seeds (late March / late October), whole hours in UTC.
  const fromMs = Date.UTC(2026, seed % 2 ? 2 : 9, 20 + (seed % 5), Math.floor(next() * 24));
  const toMs = fromMs + (24 + Math.floor(next() * 48)) * H;
  const interval = INTERVALS[seed % INTERVALS.length] as number;
  const lines = Array.from({ length: 2 + Math.floor(next() * 4) }, (_, s) => {
    const start = fromMs - 6 * H + Math.floor(next() * (toMs - fromMs));
    const stop = start + Math.floor(next() * (toMs - fromMs));
    const gapFrom = start + Math.floor(next() * (stop - start));
    const gapTo = gapFrom + Math.floor(next() * 4 * H);
    const jitter = next() < 0.5 ? 0 : 2000;
    let value = Math.round(next() * 64) / 8;
    const values: number[] = [];
    const timestamps: number[] = [];
    for (let t = start; t <= stop; t += interval) {
      const at = t + Math.floor(next() * jitter);
      if (at >= gapFrom && at < gapTo) continue;
      if (next() < 0.03) value = next() < 0.2 ? 0 : next() * 8; // any double now and then
      values.push(value);
      timestamps.push(at);
    }
    return {
      metric: { __name__: 'gpus_requested', pod: `p${s}`, gpu_type: s % 2 ? 'H100' : 'L4' },
      values,
      timestamps,
    };
  });
  return { seed, window: { fromMs, toMs, tz, label: `seed ${seed}` }, lines };
}

function cuts(c: Case): Record<string, Float64Array> {
  const { window } = c;
  const next = random(c.seed * 7 + 1);
  const extra = Array.from(
    { length: 5 },
    () => window.fromMs + Math.floor(next() * (window.toMs - window.fromMs)),
  );
  return {
    total: Float64Array.of(window.fromMs, window.toMs),
    days: planBuckets({ window, periods: dayPeriods(window), versions: [] }).edges,
    hours: planBuckets({ window, periods: hourPeriods(window), versions: [] }).edges,
    random: Float64Array.from(new Set([window.fromMs, ...extra, window.toMs])).sort(),
  };
}

/** Per pod: the usage of every bucket, added up. */
async function totals(
  source: UsageSource,
  edges: Float64Array,
  kind: 'gauge' | 'presence',
): Promise<{ byPod: Map<string, number>; intervalMs: number | undefined }> {
  const query: UsageQuery = {
    edges,
    by: ['pod'],
    filters: [],
    metrics: { gpu_seconds: 'gpus_requested' },
    readings: { gpu_seconds: { kind, scale: 1 } },
    gpuTypeLabel: 'gpu_type',
  };
  const byPod = new Map<string, number>();
  const info = await source.fetch(query, (series) => {
    const pod = series.labels.pod as string;
    for (const v of series.values) if (!Number.isNaN(v)) byPod.set(pod, (byPod.get(pod) ?? 0) + v);
  });
  return { byPod, intervalMs: info.sampling?.gpu_seconds?.ms };
}

/** By hand: Σ value × I (presence: Σ I) over the samples in [from, to). */
function byHand(c: Case, intervalMs: number, kind: 'gauge' | 'presence'): Map<string, number> {
  const byPod = new Map<string, number>();
  for (const line of c.lines) {
    let sum = 0;
    let any = false;
    line.timestamps.forEach((t, i) => {
      if (t < c.window.fromMs || t >= c.window.toMs) return;
      any = true;
      sum += (kind === 'presence' ? 1 : (line.values[i] as number)) * (intervalMs / 1000);
    });
    if (any) byPod.set(line.metric.pod as string, sum);
  }
  return byPod;
}

/** The smallest average interval of a series with 10 samples in the window, by hand. */
function intervalByHand(c: Case): number | undefined {
  let best: number | undefined;
  for (const line of c.lines) {
    const inside = line.timestamps.filter((t) => t >= c.window.fromMs && t < c.window.toMs);
    if (inside.length < 10) continue;
    const average = ((inside.at(-1) as number) - (inside[0] as number)) / (inside.length - 1);
    best = Math.min(best ?? average, average);
  }
  return best === undefined ? undefined : Math.round(best);
}

function expectClose(got: Map<string, number>, want: Map<string, number>, what: string): void {
  expect([...got.keys()].sort(), what).toEqual([...want.keys()].sort());
  for (const [pod, value] of want) {
    const g = got.get(pod) as number;
    expect(Math.abs(g - value), `${what}, ${pod}: ${g} vs ${value}`).toBeLessThanOrEqual(
      1e-9 * Math.max(1, Math.abs(value)),
    );
  }
}

describe('any cut of the window adds up to the same gauge usage', () => {
  const SEEDS = Array.from({ length: 25 }, (_, i) => i + 1);
  const files = new Map<number, string>();
  const cases = new Map<number, Case>();

  beforeAll(async () => {
    const dir = await tempDir('ml-cost-gauge-cuts-');
    for (const seed of SEEDS) {
      const c = generated(seed);
      cases.set(seed, c);
      const path = join(dir, `seed-${seed}.jsonl`);
      await writeFile(path, `${c.lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
      files.set(seed, path);
    }
  });

  for (const kind of ['gauge', 'presence'] as const) {
    it(`${kind}: total = days = hours = random cuts = Σ over the samples, for ${SEEDS.length} seeds`, async () => {
      for (const seed of SEEDS) {
        const c = cases.get(seed) as Case;
        const source = createExportFileSource(files.get(seed) as string);
        const all = Object.entries(cuts(c));
        const first = await totals(source, all[0]?.[1] as Float64Array, kind);
        const hand = intervalByHand(c);
        if (hand !== undefined) expect(first.intervalMs, `seed ${seed}`).toBe(hand);
        if (first.intervalMs === undefined) {
          expect(first.byPod.size, `seed ${seed}: no interval, no usage`).toBe(0);
          continue;
        }
        expectClose(first.byPod, byHand(c, first.intervalMs, kind), `seed ${seed} by hand`);
        for (const [name, edges] of all.slice(1)) {
          // Each cut read with a source of its own: the interval is found again, alike.
          const cut = await totals(createExportFileSource(files.get(seed) as string), edges, kind);
          expect(cut.intervalMs, `seed ${seed} ${name}`).toBe(first.intervalMs);
          expectClose(cut.byPod, first.byPod, `seed ${seed} ${name} vs total`);
        }
      }
    });
  }
});
