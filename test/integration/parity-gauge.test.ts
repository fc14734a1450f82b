// Gauges and presences: a sample stands for one sample interval I after it, so a bucket
// [a, b) gets Σ value × I over the samples with a ≤ t < b. The same generated series go
// through a real VictoriaMetrics 1.79.5 and through the export file source; both must give
// what an independent computation from the raw samples gives (here, below), to the bit: the
// values are quarters, so every sum is exact whatever its order. Scenarios: regular 15 s,
// 30 s and 60 s scrapes, series starting and stopping mid-bucket, gaps mid-day, samples right
// on bucket edges, the Europe/Paris DST day (25 hours) and a price change at 13:00 UTC.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BucketSeries, Metric } from '../../src/core/types.js';
import { type ExportLine, formatExportLine } from '../../src/example/generate.js';
import { createExportFileSource } from '../../src/sources/export-file.js';
import type { FetchInfo, MetricReading, UsageQuery } from '../../src/sources/types.js';
import { createVictoriaSource } from '../../src/sources/victoria-metrics.js';
import { tempDir } from '../helpers/temp.js';
import { startVictoria, type Victoria } from '../helpers/victoria.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
// Europe/Paris: 24, 25 (DST ends on 2026-10-25) and 24 hours; the window is their three days.
const PARIS_MIDNIGHTS = [
  Date.UTC(2026, 9, 23, 22),
  Date.UTC(2026, 9, 24, 22),
  Date.UTC(2026, 9, 25, 23),
  Date.UTC(2026, 9, 26, 23),
];
const FROM = PARIS_MIDNIGHTS[0] as number;
const TO = PARIS_MIDNIGHTS[3] as number;
const PRICE_CHANGE = Date.UTC(2026, 9, 25, 13);

function sorted(edges: Iterable<number>): Float64Array {
  return Float64Array.from(new Set(edges)).sort();
}

function hours(fromMs: number, toMs: number): number[] {
  return Array.from({ length: (toMs - fromMs) / H + 1 }, (_, i) => fromMs + i * H);
}

/** The report cuts: the window whole, its Paris days, its hours; each cut at the price change. */
const CUTS: Record<string, Float64Array> = {
  total: sorted([FROM, PRICE_CHANGE, TO]),
  days: sorted([...PARIS_MIDNIGHTS, PRICE_CHANGE]),
  hours: sorted([...hours(FROM, TO), PRICE_CHANGE]),
  'half-past hours': sorted([FROM, ...hours(FROM + 30 * M, TO - 30 * M), TO]),
};

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

interface Scenario {
  readonly name: string;
  readonly metric: string;
  readonly intervalMs: number;
  readonly seed: number;
  /** Each sample up to this much late (ms): the average interval is then no whole number. */
  readonly jitterMs?: number;
}

const SCENARIOS: Scenario[] = [
  { name: '30 s scrapes', metric: 'kube_pod_gpu_requests_30', intervalMs: 30 * S, seed: 1 },
  { name: '15 s scrapes', metric: 'dcgm_gr_engine_active_15', intervalMs: 15 * S, seed: 2 },
  { name: '60 s scrapes', metric: 'kube_pod_gpu_requests_60', intervalMs: 60 * S, seed: 3 },
  { name: '30 s, other seed', metric: 'kube_pod_gpu_requests_30b', intervalMs: 30 * S, seed: 4 },
  {
    name: '30 s with jitter',
    metric: 'kube_pod_gpu_requests_jitter',
    intervalMs: 30 * S,
    seed: 5,
    jitterMs: 997,
  },
];

/** By hand, in whole milliseconds: the smallest average interval of a series with 10 samples. */
function detectedByHand(lines: readonly ExportLine[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (const line of lines) {
    const inside = line.timestamps.filter((t) => t >= FROM && t < TO);
    if (inside.length < 10) continue;
    best = Math.min(
      best,
      ((inside.at(-1) as number) - (inside[0] as number)) / (inside.length - 1),
    );
  }
  return Math.round(best);
}

/**
 * Pods on the scrape grid of the scenario (so some samples lie right on hour and day edges,
 * and others, of pods scraped at an offset, never do), starting and stopping mid-bucket, some
 * with a gap mid-day, values in quarters that change now and then; and one pod scraped all
 * along, whose average interval is the scrape interval itself.
 */
function generated(scenario: Scenario): ExportLine[] {
  const next = random(scenario.seed);
  const I = scenario.intervalMs;
  const lines: ExportLine[] = [];
  const add = (pod: string, points: [number, number][]) =>
    lines.push({
      metric: { __name__: scenario.metric, pod, gpu_type: pod.length % 2 ? 'H100' : 'A100' },
      values: points.map(([, v]) => v),
      timestamps: points.map(([t]) => t),
    });
  const steady: [number, number][] = [];
  const late = () => (scenario.jitterMs ? Math.floor(next() * scenario.jitterMs) : 0);
  for (let t = FROM - 2 * H; t <= TO + 2 * H; t += I) steady.push([t + late(), 1]);
  add('steady', steady);
  for (let p = 0; p < 9; p++) {
    const phase = p % 3 === 0 ? Math.floor(next() * (I / S)) * S + 7 : 0;
    const start = FROM - 3 * H + Math.floor((next() * 70 * H) / I) * I + phase;
    const stop = start + H + Math.floor(next() * 50 * H);
    const gapFrom = p % 2 === 0 ? start + Math.floor(next() * 20 * H) : Number.POSITIVE_INFINITY;
    const gapTo = gapFrom + 10 * M + Math.floor(next() * 3 * H);
    let value = 1 + Math.floor(next() * 4);
    const points: [number, number][] = [];
    for (let t = start; t <= stop; t += I) {
      if (t >= gapFrom && t < gapTo) continue;
      if (next() < 0.02) value = Math.floor(next() * 16) / 4;
      points.push([t + late(), value]);
    }
    add(`pod-${scenario.seed}-${p}`, points);
  }
  return lines;
}

/** A stopped pod counts exactly one interval past its last sample: 2 GPUs, 08:00:00 to 11:59:30. */
const STOPPED: ExportLine = {
  metric: { __name__: 'kube_pod_gpu_requests_stopped', pod: 'stopped', gpu_type: 'H100' },
  values: Array.from({ length: 480 }, () => 2),
  timestamps: Array.from({ length: 480 }, (_, i) => Date.UTC(2026, 9, 24, 8) + i * 30 * S),
};

/** A second name of the 30 s measure with the very same labels, and a series with a label match. */
function twin(lines: readonly ExportLine[], name: string): ExportLine[] {
  return lines.map((line) => ({ ...line, metric: { ...line.metric, __name__: name } }));
}

/** Measures priced per GPU-hour are grouped by the GPU type as well. */
const POD_GPU = ['pod', 'gpu_type'];
const H100 = '{"gpu_type":"H100"}';

type Answer = Map<string, (number | null)[]>;

/** By hand: per group of `by`, Σ value × I (× scale) over the samples in each bucket. */
function expected(
  lines: readonly ExportLine[],
  edges: Float64Array,
  by: readonly string[],
  intervalMs: number,
  options: { scale?: number; presence?: boolean } = {},
): Answer {
  const answer: Answer = new Map();
  const buckets = edges.length - 1;
  for (const line of lines) {
    const key = JSON.stringify(
      Object.fromEntries(by.map((label) => [label, line.metric[label] ?? ''])),
    );
    const row = answer.get(key) ?? Array.from({ length: buckets }, () => null);
    line.timestamps.forEach((t, i) => {
      let b = 0;
      while (b < buckets && !((edges[b] as number) <= t && t < (edges[b + 1] as number))) b++;
      if (b === buckets) return;
      const value = options.presence ? 1 : (line.values[i] as number);
      row[b] = (row[b] ?? 0) + value * (intervalMs / 1000) * (options.scale ?? 1);
    });
    if (row.some((v) => v !== null)) answer.set(key, row);
  }
  return answer;
}

function collector(query: UsageQuery, answer: Answer) {
  return (series: BucketSeries) => {
    const key = JSON.stringify(series.labels);
    const row = answer.get(key) ?? Array.from({ length: query.edges.length - 1 }, () => null);
    series.values.forEach((v, i) => {
      if (Number.isNaN(v)) return;
      row[series.offset + i] = (row[series.offset + i] ?? 0) + v;
    });
    answer.set(key, row);
  };
}

function sortedAnswer(answer: Answer): [string, (number | null)[]][] {
  return [...answer.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

describe('gauges and presences read per sample, VictoriaMetrics 1.79.5 and the export file alike', () => {
  let vm: Victoria;
  let file: string;
  const data = new Map<string, ExportLine[]>();

  beforeAll(async () => {
    for (const scenario of SCENARIOS) data.set(scenario.metric, generated(scenario));
    const first = data.get(SCENARIOS[0]?.metric as string) as ExportLine[];
    data.set('twin', twin(first, 'kube_pod_gpu_requests_30_twin'));
    data.set(STOPPED.metric.__name__ as string, [STOPPED]);
    const lines = [...data.values()].flat();
    vm = await startVictoria();
    const text = `${lines.map(formatExportLine).join('\n')}\n`;
    await vm.import(text);
    file = join(await tempDir('ml-cost-parity-gauge-'), 'cluster.jsonl');
    await writeFile(file, text);
  });

  afterAll(async () => {
    await vm?.stop();
  });

  const queryOf = (
    edges: Float64Array,
    by: string[],
    names: UsageQuery['metrics'][Metric],
    reading: MetricReading,
    filters: UsageQuery['filters'] = [],
  ): UsageQuery => ({
    edges,
    by,
    filters,
    metrics: { gpu_seconds: names },
    readings: { gpu_seconds: reading },
    gpuTypeLabel: 'gpu_type',
  });

  const ask = async (query: UsageQuery) => {
    const fromFile: Answer = new Map();
    const fromServer: Answer = new Map();
    const fileInfo = await createExportFileSource(file).fetch(query, collector(query, fromFile));
    const serverInfo = await createVictoriaSource({ url: vm.url }).fetch(
      query,
      collector(query, fromServer),
    );
    return { fromFile, fromServer, fileInfo, serverInfo };
  };

  const interval = (info: FetchInfo) => info.sampling?.gpu_seconds;

  for (const scenario of SCENARIOS) {
    for (const [cut, edges] of Object.entries(CUTS)) {
      for (const by of [['pod', 'gpu_type'], ['gpu_type']]) {
        it(`${scenario.name}, ${cut}, by ${by.join(',')}: Σ value × I, I detected`, async () => {
          const lines = data.get(scenario.metric) as ExportLine[];
          const gauge = { kind: 'gauge', scale: 1 } as const;
          const got = await ask(queryOf(edges, by, scenario.metric, gauge));
          const detected = detectedByHand(lines);
          if (!scenario.jitterMs) expect(detected).toBe(scenario.intervalMs);
          const want = { ms: detected, how: 'detected' };
          expect(interval(got.serverInfo)).toEqual(want);
          expect(interval(got.fileInfo)).toEqual(want);
          const hand = sortedAnswer(expected(lines, edges, by, detected));
          expect(sortedAnswer(got.fromServer)).toEqual(hand);
          expect(sortedAnswer(got.fromFile)).toEqual(hand);
        });
      }
    }
  }

  it('counts a stopped pod exactly one interval past its last sample, in a day bucket', async () => {
    const got = await ask(
      queryOf(CUTS.days as Float64Array, ['pod', 'gpu_type'], 'kube_pod_gpu_requests_stopped', {
        kind: 'gauge',
        scale: 1,
      }),
    );
    // 2 GPUs from 08:00 to 12:00 UTC on the first Paris day: 2 x 4 h (integrate() gave 2 x 16 h).
    const want = [['{"pod":"stopped","gpu_type":"H100"}', [28_800, null, null, null]]];
    expect(sortedAnswer(got.fromServer)).toEqual(want);
    expect(sortedAnswer(got.fromFile)).toEqual(want);
  });

  it('reads a presence as I per sample, and a configured interval and scale as given', async () => {
    const scenario = SCENARIOS[1] as Scenario;
    const lines = data.get(scenario.metric) as ExportLine[];
    const edges = CUTS.days as Float64Array;
    const presence = await ask(
      queryOf(edges, POD_GPU, scenario.metric, { kind: 'presence', scale: 1 }),
    );
    const byHand = sortedAnswer(expected(lines, edges, POD_GPU, 15 * S, { presence: true }));
    expect(sortedAnswer(presence.fromServer)).toEqual(byHand);
    expect(sortedAnswer(presence.fromFile)).toEqual(byHand);

    const configured = await ask(
      queryOf(edges, POD_GPU, scenario.metric, { kind: 'gauge', scale: 0.25, intervalMs: 20 * S }),
    );
    expect(interval(configured.serverInfo)).toEqual({ ms: 20 * S, how: 'configured' });
    expect(interval(configured.fileInfo)).toEqual({ ms: 20 * S, how: 'configured' });
    const scaled = sortedAnswer(expected(lines, edges, POD_GPU, 20 * S, { scale: 0.25 }));
    expect(sortedAnswer(configured.fromServer)).toEqual(scaled);
    expect(sortedAnswer(configured.fromFile)).toEqual(scaled);
  });

  it('adds two names with the same labels, and detects I over series the filters leave out', async () => {
    const scenario = SCENARIOS[0] as Scenario;
    const lines = [
      ...(data.get(scenario.metric) as ExportLine[]),
      ...(data.get('twin') as ExportLine[]),
    ];
    const edges = CUTS.hours as Float64Array;
    const names = [scenario.metric, 'kube_pod_gpu_requests_30_twin'];
    const both = await ask(queryOf(edges, POD_GPU, names, { kind: 'gauge', scale: 1 }));
    const hand = sortedAnswer(expected(lines, edges, POD_GPU, 30 * S));
    expect(sortedAnswer(both.fromServer)).toEqual(hand);
    expect(sortedAnswer(both.fromFile)).toEqual(hand);

    // Without the steady pod, every series left has a gap or stops: I is still the measure's.
    const filters = [{ label: 'pod', op: '!=', value: 'steady' }] as const;
    const matched = { names: scenario.metric, match: { gpu_type: ['H100', 'A100'] } };
    const filtered = await ask(
      queryOf(edges, POD_GPU, matched, { kind: 'gauge', scale: 1 }, filters),
    );
    expect(interval(filtered.serverInfo)).toEqual({ ms: 30 * S, how: 'detected' });
    expect(interval(filtered.fileInfo)).toEqual({ ms: 30 * S, how: 'detected' });
    const rest = lines.filter(
      (l) => l.metric.pod !== 'steady' && l.metric.__name__ === scenario.metric,
    );
    const handFiltered = sortedAnswer(expected(rest, edges, POD_GPU, 30 * S));
    expect(sortedAnswer(filtered.fromServer)).toEqual(handFiltered);
    expect(sortedAnswer(filtered.fromFile)).toEqual(handFiltered);
  });

  it('finds I in the day before a short window of sparse samples, assumes 60 s with one sample, and nothing without', async () => {
    const gauge = { kind: 'gauge', scale: 1 } as const;
    // The stopped pod's samples 08:00-08:04:30 are ten; 08:00-08:02 has four: the day before has none, so sparse comes from the window.
    const sparse = await ask(
      queryOf(
        Float64Array.of(Date.UTC(2026, 9, 24, 8), Date.UTC(2026, 9, 24, 8, 2)),
        [],
        'kube_pod_gpu_requests_stopped',
        gauge,
      ),
    );
    expect(interval(sparse.serverInfo)).toEqual({ ms: 30 * S, how: 'sparse' });
    expect(interval(sparse.fileInfo)).toEqual({ ms: 30 * S, how: 'sparse' });
    expect(sortedAnswer(sparse.fromServer)).toEqual([[H100, [4 * 2 * 30]]]);
    expect(sortedAnswer(sparse.fromFile)).toEqual([[H100, [4 * 2 * 30]]]);

    const lone = await ask(
      queryOf(
        Float64Array.of(Date.UTC(2026, 9, 24, 7, 59, 30), Date.UTC(2026, 9, 24, 8, 0, 30)),
        [],
        'kube_pod_gpu_requests_stopped',
        gauge,
      ),
    );
    // One sample in the window and none in the day before it but itself.
    expect(interval(lone.serverInfo)).toEqual({ ms: 60 * S, how: 'assumed' });
    expect(interval(lone.fileInfo)).toEqual({ ms: 60 * S, how: 'assumed' });
    expect(sortedAnswer(lone.fromServer)).toEqual([[H100, [2 * 60]]]);
    expect(sortedAnswer(lone.fromFile)).toEqual([[H100, [2 * 60]]]);

    const none = await ask(
      queryOf(
        Float64Array.of(Date.UTC(2026, 9, 24, 13), Date.UTC(2026, 9, 24, 14)),
        [],
        'kube_pod_gpu_requests_stopped',
        gauge,
      ),
    );
    for (const info of [none.serverInfo, none.fileInfo]) {
      expect(interval(info)).toBeUndefined();
      expect(info.emptyMetrics).toEqual(['gpu_seconds']);
    }
    expect(none.fromServer.size + none.fromFile.size).toBe(0);
  });
});
