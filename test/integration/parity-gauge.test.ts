// Gauges read with `integrate`: the export file source must answer what VictoriaMetrics 1.79.5
// answers to the query plan, on hand-made edge cases (whose integrals are also checked by hand)
// and on generated series of several seeds (scrape intervals from 15 s to an hour, jitter,
// gaps, series that start and stop mid-bucket, steps, single samples).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BucketSeries } from '../../src/core/types.js';
import { HOUR_MS } from '../../src/core/types.js';
import { type ExportLine, formatExportLine } from '../../src/example/generate.js';
import { createExportFileSource } from '../../src/sources/export-file.js';
import type { UsageQuery } from '../../src/sources/types.js';
import { createVictoriaSource } from '../../src/sources/victoria-metrics.js';
import { tempDir } from '../helpers/temp.js';
import { startVictoria, type Victoria } from '../helpers/victoria.js';

const H = HOUR_MS;
const M = 60_000;
const T0 = Date.UTC(2026, 8, 10);
const GAUGE = 'kube_pod_container_resource_requests';

function ramp(from: number, to: number, stepMs: number, value: (t: number) => number) {
  const points: [number, number][] = [];
  for (let t = from; t <= to; t += stepMs) points.push([t, value(t)]);
  return points;
}

function line(pod: string, points: [number, number][]): ExportLine {
  return {
    metric: { __name__: GAUGE, pod, resource: 'nvidia_com_gpu' },
    values: points.map(([, v]) => v),
    timestamps: points.map(([t]) => t),
  };
}

/** Hand-made cases, and what integrate() gives for the hours T0..T0+4h (GPU-seconds). */
const CASES: { pod: string; points: [number, number][]; hours: (number | null)[] }[] = [
  // 2 GPUs all along: 2 x 3600 an hour.
  {
    pod: 'const',
    points: ramp(T0 - 3 * H, T0 + 5 * H, 30_000, () => 2),
    hours: [7200, 7200, 7200, 7200],
  },
  // Scrapes at :05, :15, ...: each hour starts with the value of the sample 5 min before it.
  {
    pod: 'sparse',
    points: ramp(T0 - 3 * H + 5 * M, T0 + 5 * H, 10 * M, () => 1),
    hours: [3600, 3600, 3600, 3600],
  },
  // A pod started at T0+30m: counted from its first sample.
  {
    pod: 'late',
    points: ramp(T0 + 30 * M, T0 + 5 * H, 30_000, () => 1),
    hours: [1800, 3600, 3600, 3600],
  },
  // A pod gone at T0+1h30m: its last value is held to the end of that hour, then nothing.
  {
    pod: 'gone',
    points: ramp(T0 - 3 * H, T0 + 90 * M, 30_000, () => 1),
    hours: [3600, 3600, null, null],
  },
  // Samples stop at T0+1h and resume at T0+2h30m: the hour after the last sample is held at it
  // (its previous value sits right at its start), the next starts at the first new sample.
  {
    pod: 'gap',
    points: [
      ...ramp(T0 - 3 * H, T0 + H, 30_000, () => 1),
      ...ramp(T0 + 150 * M, T0 + 5 * H, 30_000, () => 1),
    ],
    hours: [3600, 3600, 1800, 3600],
  },
  // 1 GPU, then 3 from T0+1h30m: sample and hold, not a trapezoid (which would give 7800).
  {
    pod: 'step',
    points: ramp(T0 - 3 * H, T0 + 5 * H, 10 * M, (t) => (t < T0 + 90 * M ? 1 : 3)),
    hours: [3600, 7200, 10800, 10800],
  },
  // One sample of 5 at T0+30m: held to the end of its hour.
  { pod: 'single', points: [[T0 + 30 * M, 5]], hours: [9000, null, null, null] },
];

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

/** Gauge series with the ways real scrapes go wrong, reproducible by seed. */
function generated(seed: number): ExportLine[] {
  const next = random(seed);
  const intervals = [15_000, 30_000, 60_000, 10 * M, H];
  return Array.from({ length: 12 }, (_, s) => {
    const interval = intervals[Math.floor(next() * intervals.length)] as number;
    const from = T0 - 6 * H + Math.floor(next() * 8 * H);
    const to = from + Math.floor(next() * 40 * H);
    const gapFrom = from + Math.floor(next() * 30 * H);
    const gapTo = gapFrom + Math.floor(next() * 3 * H);
    let value = Math.floor(next() * 4);
    const points: [number, number][] = [];
    for (let t = from; t <= to; t += interval) {
      const jittered = t + Math.floor(next() * 2000) - 1000;
      if (jittered > gapFrom && jittered < gapTo) continue;
      if (next() < 0.05) value = Math.floor(next() * 8) / (next() < 0.5 ? 1 : 4);
      points.push([jittered, value]);
    }
    return line(`seed${seed}-${s}`, points);
  });
}

type Answer = Map<string, Float64Array>;

function collector(query: UsageQuery, answer: Answer) {
  return (series: BucketSeries) => {
    const key = JSON.stringify(series.labels);
    let values = answer.get(key);
    if (!values) {
      values = new Float64Array(query.edges.length - 1).fill(Number.NaN);
      answer.set(key, values);
    }
    series.values.forEach((v, i) => {
      if (Number.isNaN(v)) return;
      const before = values[series.offset + i] as number;
      values[series.offset + i] = Number.isNaN(before) ? v : before + v;
    });
  };
}

function steps(startMs: number, stepMs: number, count: number): Float64Array {
  return Float64Array.from({ length: count + 1 }, (_, i) => startMs + i * stepMs);
}

const EDGES: Record<string, Float64Array> = {
  'hours T0..T0+4h': steps(T0, H, 4),
  'hours over all the data': steps(T0 - 8 * H, H, 60),
  'half-past hours': steps(T0 + 30 * M, H, 40),
  'odd offset': steps(T0 + 17 * M + 3_000, H, 20),
  days: steps(T0 - 24 * H, 24 * H, 4),
  'a total in three spans': Float64Array.from([T0 - 8 * H, T0 + 2 * H, T0 + 30 * H, T0 + 52 * H]),
};

describe('gauges integrated, export file source against VictoriaMetrics 1.79.5', () => {
  let vm: Victoria;
  let file: string;

  beforeAll(async () => {
    const lines = [...CASES.map((c) => line(c.pod, c.points)), ...[1, 2, 3].flatMap(generated)];
    vm = await startVictoria();
    const text = `${lines.map(formatExportLine).join('\n')}\n`;
    await vm.import(text);
    file = join(await tempDir('ml-cost-parity-gauge-'), 'cluster.jsonl');
    await writeFile(file, text);
  });

  afterAll(async () => {
    await vm?.stop();
  });

  const queryFor = (edges: Float64Array, by: string[], scale = 1): UsageQuery => ({
    edges,
    by,
    filters: [],
    metrics: { tokens: GAUGE },
    readings: { tokens: { kind: 'gauge', scale } },
    gpuTypeLabel: 'gpu_type',
  });

  const ask = async (query: UsageQuery) => {
    const fromFile: Answer = new Map();
    const fromServer: Answer = new Map();
    await createExportFileSource(file).fetch(query, collector(query, fromFile));
    await createVictoriaSource({ url: vm.url }).fetch(query, collector(query, fromServer));
    return { fromFile, fromServer };
  };

  it('integrates the hand-made cases as worked out by hand, both sources alike', async () => {
    const { fromFile, fromServer } = await ask(
      queryFor(EDGES['hours T0..T0+4h'] as Float64Array, ['pod']),
    );
    for (const { pod, hours } of CASES) {
      const expected = hours.map((h) => (h === null ? Number.NaN : h));
      expect([...(fromServer.get(JSON.stringify({ pod })) ?? [])], `server, ${pod}`).toEqual(
        expected,
      );
      expect([...(fromFile.get(JSON.stringify({ pod })) ?? [])], `file, ${pod}`).toEqual(expected);
    }
  });

  for (const [edgesName, edges] of Object.entries(EDGES)) {
    for (const by of [['pod'], []]) {
      it(`agrees on generated series: ${edgesName}, by ${by.join(',') || 'nothing'}`, async () => {
        const { fromFile, fromServer } = await ask(queryFor(edges, by));
        expect(fromServer.size).toBeGreaterThan(0);
        expect([...fromFile.keys()].sort()).toEqual([...fromServer.keys()].sort());
        const mismatches: string[] = [];
        for (const [key, want] of fromServer) {
          const got = fromFile.get(key) as Float64Array;
          want.forEach((w, i) => {
            const g = got[i] as number;
            const same =
              (Number.isNaN(w) && Number.isNaN(g)) ||
              Math.abs(g - w) <= 1e-9 * Math.max(Math.abs(g), Math.abs(w));
            if (!same) mismatches.push(`${key} bucket ${i}: file ${g}, victoria ${w}`);
          });
        }
        expect(mismatches.slice(0, 10)).toEqual([]);
      });
    }
  }

  it('scales a percentage to a ratio in both sources', async () => {
    const { fromFile, fromServer } = await ask(
      queryFor(EDGES['hours T0..T0+4h'] as Float64Array, ['pod'], 0.01),
    );
    expect([...(fromServer.get(JSON.stringify({ pod: 'const' })) ?? [])]).toEqual([72, 72, 72, 72]);
    expect([...(fromFile.get(JSON.stringify({ pod: 'const' })) ?? [])]).toEqual([72, 72, 72, 72]);
  });
});
