// The export file source must answer exactly what VictoriaMetrics answers to the query plan
// (runs of `sum by (...) (increase(m{...}[L]))` that look a day around), on the same data.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BucketSeries, Metric } from '../../src/core/types.js';
import { HOUR_MS } from '../../src/core/types.js';
import { type ExportLine, formatExportLine, generateExport } from '../../src/example/generate.js';
import { createExportFileSource } from '../../src/sources/export-file.js';
import type { LabelFilter, UsageQuery } from '../../src/sources/types.js';
import { createVictoriaSource } from '../../src/sources/victoria-metrics.js';
import { tempDir } from '../helpers/temp.js';
import { startVictoria, type Victoria } from '../helpers/victoria.js';

const NAMES = {
  gpu_seconds: 'ml_gpu_seconds_total',
  tokens: 'ml_inference_tokens_total',
  inferences: 'ml_inference_duration_milliseconds_count',
};
const MINUTE = 60_000;
const BASE = Date.UTC(2026, 8, 1);
/** The hand-written series live on day 3 onwards, away from the generated restart and gap. */
const EDGE = Date.UTC(2026, 8, 3);

function ramp(from: number, to: number, stepMs: number, value: (t: number) => number) {
  const points: [number, number][] = [];
  for (let t = from; t <= to; t += stepMs) points.push([t, value(t)]);
  return points;
}

function edge(name: string, points: [number, number][], metric = NAMES.tokens): ExportLine {
  return {
    metric: { __name__: metric, use_case: `edge-${name}`, model_name: 'edge' },
    values: points.map(([, v]) => v),
    timestamps: points.map(([t]) => t),
  };
}

const minutesSince = (origin: number, offset: number) => (t: number) =>
  offset + (t - origin) / MINUTE;

/** Series shaped to hit each rule of increase(): gaps, resets, first samples, window edges. */
function edgeSeries(): ExportLine[] {
  const H = HOUR_MS;
  const counting = minutesSince(EDGE, 100_000);
  return [
    edge('gap-5h', [
      ...ramp(EDGE, EDGE + 2 * H, MINUTE, counting),
      ...ramp(EDGE + 7 * H, EDGE + 9 * H, MINUTE, counting),
    ]),
    edge('gap-30h', [
      ...ramp(EDGE, EDGE + 2 * H, MINUTE, counting),
      ...ramp(EDGE + 32 * H, EDGE + 34 * H, MINUTE, counting),
    ]),
    edge(
      'first-big',
      ramp(EDGE + 2.5 * H, EDGE + 5 * H, MINUTE, minutesSince(EDGE + 2.5 * H, 1000)),
    ),
    edge('first-19', ramp(EDGE + 2.5 * H, EDGE + 5 * H, MINUTE, minutesSince(EDGE + 2.5 * H, 19))),
    edge('first-20', ramp(EDGE + 2.5 * H, EDGE + 5 * H, MINUTE, minutesSince(EDGE + 2.5 * H, 20))),
    edge('single-9', [[EDGE + 2.5 * H, 9]]),
    edge('single-10', [[EDGE + 2.5 * H, 10]]),
    edge('two-hours-apart', [
      [EDGE + 2.5 * H, 50],
      [EDGE + 3.5 * H, 55],
    ]),
    edge(
      'flat-start-5',
      ramp(EDGE + 2.5 * H, EDGE + 3.5 * H, MINUTE, () => 5),
    ),
    edge(
      'flat',
      ramp(EDGE, EDGE + 5 * H, MINUTE, () => 777),
    ),
    edge(
      'reset',
      ramp(EDGE, EDGE + 4 * H, MINUTE, (t) => {
        const m = (t - EDGE) / MINUTE;
        return m < 150 ? 1000 + 10 * m : 10 * (m - 150) + 50;
      }),
    ),
    edge(
      'partial-reset',
      ramp(EDGE, EDGE + 4 * H, MINUTE, (t) => {
        const m = (t - EDGE) / MINUTE;
        return m < 150 ? 1000 + 10 * m : 800 + 10 * m;
      }),
    ),
    edge('reset-800-700', [
      [EDGE + 0.5 * H, 800],
      [EDGE + 1.5 * H, 700],
      [EDGE + 2.5 * H, 710],
    ]),
    edge('reset-801-701', [
      [EDGE + 0.5 * H, 801],
      [EDGE + 1.5 * H, 701],
      [EDGE + 2.5 * H, 711],
    ]),
    edge(
      'on-hour-edges',
      ramp(EDGE, EDGE + 5 * H, H, (t) => ((t - EDGE) / H) * 7 + 1000),
    ),
    edge('gap-just-after-sample', [
      ...ramp(EDGE, EDGE + 2 * H - 2 * MINUTE, 5 * MINUTE, counting),
      ...ramp(EDGE + 4 * H + 10 * MINUTE, EDGE + 6 * H, 5 * MINUTE, counting),
    ]),
    edge('gap-67s', [
      ...ramp(EDGE + 100 * MINUTE, EDGE + 2 * H - 67_000, MINUTE, counting),
      ...ramp(EDGE + 3.5 * H, EDGE + 4 * H, MINUTE, counting),
    ]),
    edge('gap-68s', [
      ...ramp(EDGE + 100 * MINUTE, EDGE + 2 * H - 68_000, MINUTE, counting),
      ...ramp(EDGE + 3.5 * H, EDGE + 4 * H, MINUTE, counting),
    ]),
    edge('ends', ramp(EDGE, EDGE + 2.5 * H, MINUTE, counting)),
    edge('before-everything', ramp(BASE - 30 * H, BASE - 20 * H, MINUTE, counting)),
    // No series with two values at one timestamp: VictoriaMetrics 1.79.5 does not order such
    // samples the same way from one run to the next (seen: 0/5000/20 in one run, 1000/4010/10
    // in another), so there is no fixed answer to agree with. The file source's own rule for
    // them is pinned in test/unit/export-file.test.ts.
    {
      metric: { __name__: NAMES.tokens, use_case: 'edge-unsorted', model_name: 'edge' },
      values: [20, 1010, 1015, 1000],
      timestamps: [EDGE + 3 * H, EDGE + 1.5 * H, EDGE + 2.5 * H, EDGE + 0.5 * H],
    },
    // Same series as a generated one would be if its labels were reordered: one series, one group.
    edge('no-gpu-label', ramp(EDGE, EDGE + 3 * H, MINUTE, counting), NAMES.gpu_seconds),
  ];
}

function fixture(): ExportLine[] {
  const generated = [...generateExport({ startMs: BASE, days: 8, intervalSeconds: 300, seed: 7 })];
  return [...generated, ...edgeSeries()];
}

type Answer = Map<string, Float64Array>;

function groupKey(
  metric: Metric,
  labels: Readonly<Record<string, string>>,
  names: readonly string[],
) {
  return `${metric} ${names.map((name) => `${name}=${labels[name] ?? ''}`).join(',')}`;
}

function groupNames(metric: Metric, by: readonly string[]): string[] {
  return metric === 'gpu_seconds' && !by.includes('gpu_type') ? [...by, 'gpu_type'] : [...by];
}

/** Adds a source's pieces up per group and bucket; a bucket no piece has stays NaN. */
function collector(query: UsageQuery, answer: Answer) {
  return (series: BucketSeries) => {
    const key = groupKey(series.metric, series.labels, groupNames(series.metric, query.by));
    let values = answer.get(key);
    if (!values) {
      values = new Float64Array(query.edges.length - 1).fill(Number.NaN);
      answer.set(key, values);
    }
    series.values.forEach((v, i) => {
      if (Number.isNaN(v)) return;
      const bucket = series.offset + i;
      const before = values[bucket] as number;
      values[bucket] = Number.isNaN(before) ? v : before + v;
    });
  };
}

async function askFile(path: string, query: UsageQuery): Promise<Answer> {
  const answer: Answer = new Map();
  await createExportFileSource(path).fetch(query, collector(query, answer));
  return answer;
}

/** Through ml-cost's own VictoriaMetrics source, which may deliver a group in chunks. */
async function askSource(
  url: string,
  query: UsageQuery,
  maxPointsPerQuery?: number,
): Promise<Answer> {
  const answer: Answer = new Map();
  await createVictoriaSource({ url, maxPointsPerQuery }).fetch(query, collector(query, answer));
  return answer;
}

function expectSameAnswers(file: Answer, victoria: Answer): void {
  expect([...file.keys()].sort()).toEqual([...victoria.keys()].sort());
  const mismatches: string[] = [];
  for (const [key, expected] of victoria) {
    const actual = file.get(key) as Float64Array;
    expected.forEach((want, hour) => {
      const got = actual[hour] as number;
      const same =
        (Number.isNaN(want) && Number.isNaN(got)) ||
        Math.abs(got - want) <= 1e-9 * Math.max(Math.abs(got), Math.abs(want));
      if (!same) mismatches.push(`${key} bucket ${hour}: file ${got}, victoria ${want}`);
    });
  }
  expect(mismatches.slice(0, 20)).toEqual([]);
}

/** Edges every `stepMs` from `startMs`, `count` buckets. */
function steps(startMs: number, stepMs: number, count: number): Float64Array {
  return Float64Array.from({ length: count + 1 }, (_, i) => startMs + i * stepMs);
}

/** Sorted, de-duplicated edges of several sets: a period grid cut at price changes. */
function union(...sets: ArrayLike<number>[]): Float64Array {
  return Float64Array.from(new Set(sets.flatMap((set) => Array.from(set)))).sort();
}

const DAY = 24 * HOUR_MS;
const EDGES: Record<string, Float64Array> = {
  'whole fixture, UTC hours': steps(BASE - 2 * HOUR_MS, HOUR_MS, 9 * 24),
  'half-past grid': steps(BASE + 30 * MINUTE, HOUR_MS, 8 * 24),
  'starting inside the 5h gap': steps(EDGE + 6.5 * HOUR_MS, HOUR_MS, 40),
  'starting inside the 30h gap': steps(EDGE + 31 * HOUR_MS, HOUR_MS, 6),
  'odd offset, short': steps(EDGE + 17 * MINUTE + 3_000, HOUR_MS, 7),
  'UTC days': steps(BASE, DAY, 8),
  // A total cut at price changes: spans longer than a day are running totals less a lead.
  'total in three price spans': Float64Array.from([
    BASE,
    EDGE + 2 * HOUR_MS,
    EDGE + 30 * HOUR_MS,
    BASE + 8 * DAY,
  ]),
  // Asia/Kolkata hours (:30) cut at a price change at 00:00 UTC, and Kathmandu days (18:15).
  'half-hour zone hours cut at a change': union(steps(EDGE - 5.5 * HOUR_MS, HOUR_MS, 30), [EDGE]),
  'quarter-hour zone days cut at a change': union(steps(BASE - 5.75 * HOUR_MS, DAY, 8), [EDGE]),
};

const QUERIES: Record<string, { by: string[]; filters: LabelFilter[] }> = {
  'by use case': { by: ['use_case'], filters: [] },
  'by model and environment, filtered': {
    by: ['model_name', 'environment'],
    filters: [{ label: 'use_case', op: '!=', value: 'support-chat' }],
  },
  'by pod where environment is missing': {
    by: ['pod'],
    filters: [{ label: 'environment', op: '=', value: '' }],
  },
  'one use case by gpu type': {
    by: ['gpu_type'],
    filters: [{ label: 'use_case', op: '=', value: 'meeting-transcribe' }],
  },
};

describe('export file source against VictoriaMetrics 1.79.5', () => {
  let vm: Victoria;
  let dir: string;
  let plain: string;
  let gzipped: string;

  beforeAll(async () => {
    const lines = fixture();
    vm = await startVictoria();
    await vm.import(lines.map(formatExportLine).join('\n'));
    dir = await tempDir('ml-cost-parity-');
    plain = join(dir, 'usage.jsonl');
    gzipped = join(dir, 'usage.export');
    const text = `${lines.map(formatExportLine).join('\n')}\n`;
    await writeFile(plain, text);
    await writeFile(gzipped, gzipSync(text));
  });

  afterAll(async () => {
    await vm?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const [edgesName, edges] of Object.entries(EDGES)) {
    for (const [queryName, { by, filters }] of Object.entries(QUERIES)) {
      it(`${edgesName}, ${queryName}`, async () => {
        const query: UsageQuery = { edges, by, filters, metrics: NAMES, gpuTypeLabel: 'gpu_type' };
        const victoria = await askSource(vm.url, query);
        expect(victoria.size).toBeGreaterThan(0);
        expectSameAnswers(await askFile(plain, query), victoria);
      });
    }
  }

  it('agrees with the VictoriaMetrics source in one query and in daily chunks', async () => {
    const query: UsageQuery = {
      edges: EDGES['whole fixture, UTC hours'] as Float64Array,
      by: ['use_case', 'pod'],
      filters: [],
      metrics: NAMES,
      gpuTypeLabel: 'gpu_type',
    };
    const file = await askFile(plain, query);
    expectSameAnswers(file, await askSource(vm.url, query));
    expectSameAnswers(file, await askSource(vm.url, query, 24));
  });

  it('reads the gzipped copy (no .gz in its name) the same way', async () => {
    const query: UsageQuery = {
      edges: EDGES['half-past grid'] as Float64Array,
      by: ['use_case'],
      filters: [],
      metrics: NAMES,
      gpuTypeLabel: 'gpu_type',
    };
    expectSameAnswers(await askFile(gzipped, query), await askSource(vm.url, query));
  });
});
