// The export file source must answer exactly what VictoriaMetrics answers for
// sum by (...) (increase(m{...}[1h])) at every grid hour end, on the same data.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HourGrid, Metric } from '../../src/core/types.js';
import { HOUR_MS, METRICS } from '../../src/core/types.js';
import { type ExportLine, formatExportLine, generateExport } from '../../src/example/generate.js';
import { createExportFileSource } from '../../src/sources/export-file.js';
import type { LabelFilter, MetricNames, UsageQuery } from '../../src/sources/types.js';
import { createVictoriaSource } from '../../src/sources/victoria-metrics.js';
import { tempDir } from '../helpers/temp.js';
import { startVictoria, type Victoria } from '../helpers/victoria.js';

const NAMES: MetricNames = {
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

async function askVictoria(vm: Victoria, query: UsageQuery): Promise<Answer> {
  const answer: Answer = new Map();
  const { grid } = query;
  for (const metric of METRICS) {
    const names = groupNames(metric, query.by);
    const filters = query.filters
      .map((f) => `${f.label}${f.op}${JSON.stringify(f.value)}`)
      .join(',');
    const promql = `sum by (${names.join(',')}) (increase(${query.metrics[metric]}{${filters}}[1h]))`;
    const params = new URLSearchParams({
      query: promql,
      start: String((grid.startMs + HOUR_MS) / 1000),
      end: String((grid.startMs + grid.hours * HOUR_MS) / 1000),
      step: '3600',
      nocache: '1',
    });
    const res = await fetch(`${vm.url}/api/v1/query_range?${params}`);
    const body = (await res.json()) as {
      data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
    };
    for (const series of body.data.result) {
      const values = new Float64Array(grid.hours).fill(Number.NaN);
      for (const [t, v] of series.values) {
        values[Math.round((t * 1000 - grid.startMs) / HOUR_MS) - 1] = Number(v);
      }
      answer.set(groupKey(metric, series.metric, names), values);
    }
  }
  return answer;
}

async function askFile(path: string, query: UsageQuery): Promise<Answer> {
  const answer: Answer = new Map();
  await createExportFileSource(path).fetch(query, (series) => {
    const key = groupKey(series.metric, series.labels, groupNames(series.metric, query.by));
    expect(answer.has(key), `${key} delivered twice`).toBe(false);
    answer.set(key, series.values.slice());
  });
  return answer;
}

/** Through ml-cost's own VictoriaMetrics source, which may deliver a group in chunks. */
async function askSource(
  url: string,
  query: UsageQuery,
  maxPointsPerQuery?: number,
): Promise<Answer> {
  const answer: Answer = new Map();
  await createVictoriaSource({ url, maxPointsPerQuery }).fetch(query, (series) => {
    const key = groupKey(series.metric, series.labels, groupNames(series.metric, query.by));
    let values = answer.get(key);
    if (!values) {
      values = new Float64Array(query.grid.hours).fill(Number.NaN);
      answer.set(key, values);
    }
    series.values.forEach((v, i) => {
      if (Number.isNaN(v)) return;
      const hour = series.offset + i;
      values[hour] = Number.isNaN(values[hour] as number) ? v : (values[hour] as number) + v;
    });
  });
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
      if (!same) mismatches.push(`${key} hour ${hour}: file ${got}, victoria ${want}`);
    });
  }
  expect(mismatches.slice(0, 20)).toEqual([]);
}

const GRIDS: Record<string, HourGrid> = {
  'whole fixture, UTC hours': { startMs: BASE - 2 * HOUR_MS, hours: 9 * 24 },
  'half-past grid': { startMs: BASE + 30 * MINUTE, hours: 8 * 24 },
  'starting inside the 5h gap': { startMs: EDGE + 6.5 * HOUR_MS, hours: 40 },
  'starting inside the 30h gap': { startMs: EDGE + 31 * HOUR_MS, hours: 6 },
  'odd offset, short': { startMs: EDGE + 17 * MINUTE + 3_000, hours: 7 },
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

  for (const [gridName, grid] of Object.entries(GRIDS)) {
    for (const [queryName, { by, filters }] of Object.entries(QUERIES)) {
      it(`${gridName}, ${queryName}`, async () => {
        const query: UsageQuery = { grid, by, filters, metrics: NAMES, gpuTypeLabel: 'gpu_type' };
        const victoria = await askVictoria(vm, query);
        expect(victoria.size).toBeGreaterThan(0);
        expectSameAnswers(await askFile(plain, query), victoria);
      });
    }
  }

  it("agrees with ml-cost's VictoriaMetrics source, in one query and in daily chunks", async () => {
    const query: UsageQuery = {
      grid: GRIDS['whole fixture, UTC hours'] as HourGrid,
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
      grid: GRIDS['half-past grid'] as HourGrid,
      by: ['use_case'],
      filters: [],
      metrics: NAMES,
      gpuTypeLabel: 'gpu_type',
    };
    expectSameAnswers(await askFile(gzipped, query), await askVictoria(vm, query));
  });
});
