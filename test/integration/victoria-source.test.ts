// The VictoriaMetrics source against a real victoria-metrics, with a fixture whose hourly
// increases are obvious by construction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BucketSeries } from '../../src/core/types.js';
import type { LabelFilter, UsageQuery } from '../../src/sources/types.js';
import {
  createVictoriaSource,
  type VictoriaSourceOptions,
} from '../../src/sources/victoria-metrics.js';
import { hourEdges } from '../helpers/edges.js';
import { type ExportLine, startVictoria, type Victoria } from '../helpers/victoria.js';

const T0 = Date.UTC(2026, 0, 10); // the grid starts here
const MIN = 60_000;
const HOURS = 12;
const _ = Number.NaN;

/** A counter sampled every 15 minutes over [fromMin, toMin] (minutes from T0), skipping `skip`. */
function counter(
  metric: Record<string, string>,
  fromMin: number,
  toMin: number,
  valueAt: (minute: number) => number,
  skip: (minute: number) => boolean = () => false,
): ExportLine {
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let minute = fromMin; minute <= toMin; minute += 15) {
    if (skip(minute)) continue;
    timestamps.push(T0 + minute * MIN);
    values.push(valueAt(minute));
  }
  return { metric, values, timestamps };
}

const GPU = 'ml_gpu_seconds_total';
const TOKENS = 'ml_inference_tokens_total';
const INFERENCES = 'ml_inference_duration_milliseconds_count';

const fixture: ExportLine[] = [
  // A: 90 per quarter hour = 360 per hour; the process restarts at 5:15 and counts from 0 again.
  counter(
    { __name__: GPU, use_case: 'chat', model_name: 'llama', gpu_type: 'A100' },
    -60,
    720,
    (m) => (m < 315 ? 1000 + 90 * ((m + 60) / 15) : 90 * ((m - 300) / 15)),
  ),
  // B: 60 per quarter hour = 240 per hour; no scrapes between 2:00 and 5:00.
  counter(
    { __name__: GPU, use_case: 'chat', model_name: 'llama', gpu_type: 'H100' },
    -60,
    720,
    (m) => 500 + 60 * ((m + 60) / 15),
    (m) => m > 120 && m < 300,
  ),
  // C: a brand-new series from 3:15 whose first value (30) is small: counted from 0.
  counter(
    { __name__: GPU, use_case: 'search', model_name: 'bert', gpu_type: 'L4' },
    195,
    720,
    (m) => 30 * ((m - 180) / 15),
  ),
  // D: new at 3:15 too, but its first value (50000) is a counter that started long ago: baseline.
  counter(
    { __name__: GPU, use_case: 'batch', model_name: 't5', gpu_type: 'L4' },
    195,
    720,
    (m) => 50_000 + 30 * ((m - 195) / 15),
  ),
  // E: no gpu_type and no model_name label; 10 per quarter hour.
  counter({ __name__: GPU, use_case: 'chat' }, -60, 720, (m) => 10 * ((m + 60) / 15)),
  // Tokens: 1000 per quarter hour for chat (with an OTel-style dotted label), 100 for search.
  counter(
    { __name__: TOKENS, use_case: 'chat', model_name: 'llama', 'service.name': 'api' },
    -60,
    720,
    (m) => 1000 * ((m + 60) / 15),
  ),
  counter(
    { __name__: TOKENS, use_case: 'search', model_name: 'bert' },
    -60,
    720,
    (m) => 100 * ((m + 60) / 15),
  ),
  // Inferences: nothing at all, so the source must say so.
];

// Values nobody should be able to turn into PromQL. Each series grows by its own rate (per hour).
const NASTY_GPU = 'nasty_gpu_seconds_total';
const nastyValues: ReadonlyArray<readonly [string, number]> = [
  ['"} or vector(1) #', 4],
  ['a"b\\c', 8],
  ['line1\nline2', 12],
  ['.*', 16],
  ['tab\there\u0001', 20],
  ['plain', 24],
];
for (const [value, perHour] of nastyValues) {
  fixture.push(
    counter(
      { __name__: NASTY_GPU, use_case: value, gpu_type: 'L4' },
      -60,
      720,
      (m) => (perHour / 4) * ((m + 60) / 15),
    ),
  );
}

const METRICS = { gpu_seconds: GPU, tokens: TOKENS, inferences: INFERENCES };

let vm: Victoria;

beforeAll(async () => {
  vm = await startVictoria();
  await vm.import(fixture);
});

afterAll(async () => {
  await vm?.stop();
});

function usageQuery(overrides: Partial<UsageQuery> = {}): UsageQuery {
  return {
    edges: hourEdges(T0, HOURS),
    by: ['use_case'],
    filters: [],
    metrics: METRICS,
    gpuTypeLabel: 'gpu_type',
    ...overrides,
  };
}

/** Joins the pieces of each group into one array over the grid, as a consumer would. */
async function collect(query: UsageQuery, options: Partial<VictoriaSourceOptions> = {}) {
  const source = createVictoriaSource({ url: vm.url, ...options });
  const groups = new Map<string, number[]>();
  const pieces: BucketSeries[] = [];
  const info = await source.fetch(query, (series) => {
    pieces.push(series);
    const key = `${series.metric} ${JSON.stringify(series.labels)}`;
    const row = groups.get(key) ?? new Array<number>(query.edges.length - 1).fill(Number.NaN);
    series.values.forEach((value, index) => {
      expect(Number.isNaN(row[series.offset + index] as number)).toBe(true); // pieces never overlap
      row[series.offset + index] = value;
    });
    groups.set(key, row);
  });
  return { groups: Object.fromEntries(groups), info, pieces };
}

const repeat = (value: number, times: number) => new Array<number>(times).fill(value);

describe('VictoriaMetrics source', () => {
  it('delivers hand-computed hourly increases per group', async () => {
    const { groups, info } = await collect(usageQuery());
    expect(groups).toEqual({
      // The restart at 5:15 does not show: reset handling keeps 360 per hour.
      'gpu_seconds {"use_case":"chat","gpu_type":"A100"}': repeat(360, 12),
      // The gap: 0 for the hour after the last scrape, nothing for the next, then the three
      // hours' 720 credited to the first hour with a scrape again (ending 5:00).
      'gpu_seconds {"use_case":"chat","gpu_type":"H100"}': [240, 240, 0, _, 720, ...repeat(240, 7)],
      // First value 30 < 10 * (30 + 1): counted from 0, so the first hour has all 4 * 30.
      'gpu_seconds {"use_case":"search","gpu_type":"L4"}': [_, _, _, 120, ...repeat(120, 8)],
      // First value 50000 is the baseline: the first hour has only 3 * 30.
      'gpu_seconds {"use_case":"batch","gpu_type":"L4"}': [_, _, _, 90, ...repeat(120, 8)],
      // A series without the GPU-type label lands in the "" group.
      'gpu_seconds {"use_case":"chat","gpu_type":""}': repeat(40, 12),
      'tokens {"use_case":"chat"}': repeat(4000, 12),
      'tokens {"use_case":"search"}': repeat(400, 12),
    });
    expect(info).toEqual({ requests: 3, emptyMetrics: ['inferences'], partial: false });
  });

  it('adds up to the whole-window increase of each counter', async () => {
    const { groups } = await collect(usageQuery({ by: [] }));
    const total = (values: number[] | undefined) =>
      (values ?? []).filter((value) => !Number.isNaN(value)).reduce((a, b) => a + b, 0);
    // A: 12 h * 360. B: 12 h * 240, gap included. E: 12 h * 40.
    // D: 35 quarter hours * 30 after its baseline. C: its last value, 1080, counted from 0.
    expect(total(groups['gpu_seconds {"gpu_type":"A100"}'])).toBe(4320);
    expect(total(groups['gpu_seconds {"gpu_type":"H100"}'])).toBe(2880);
    expect(total(groups['gpu_seconds {"gpu_type":"L4"}'])).toBe(1050 + 1080);
    expect(total(groups['gpu_seconds {"gpu_type":""}'])).toBe(480);
  });

  it.each([
    // The gap of the H100 series (hours 2-3, credited to hour 4) inside the first bucket...
    [[0, 5, 12], 1200],
    // ...and across the edge: the bucket after the gap gets it, as hour 4 does.
    [[0, 3, 12], 480],
  ])(
    'answers the same sums in longer buckets as hour by hour (edges at hours %j)',
    async (hours, firstH100) => {
      const sum = (values: number[] | undefined, from: number, to: number) =>
        (values ?? [])
          .slice(from, to)
          .filter((value) => !Number.isNaN(value))
          .reduce((a, b) => a + b, 0);
      const edges = Float64Array.from(hours, (hour) => T0 + hour * 60 * MIN);
      const hourly = await collect(usageQuery({ by: [] }));
      const buckets = await collect(usageQuery({ by: [], edges }));
      // Two bucket lengths: one request each per metric, one point per group and bucket.
      expect(buckets.info.requests).toBe(3 * 2);
      for (const piece of buckets.pieces) expect(piece.values).toHaveLength(1);
      expect(Object.keys(buckets.groups).sort()).toEqual(Object.keys(hourly.groups).sort());
      for (const [key, values] of Object.entries(hourly.groups)) {
        for (let b = 0; b + 1 < hours.length; b++) {
          const got = buckets.groups[key]?.[b] ?? Number.NaN;
          const expected = sum(values, hours[b] as number, hours[b + 1] as number);
          expect(Number.isNaN(got) ? 0 : got, `${key} bucket ${b}`).toBeCloseTo(expected, 9);
        }
      }
      // By hand, from the hourly answer above: 240 + 240 + 0 (+ 720 when hour 4 is in the bucket).
      expect(buckets.groups['gpu_seconds {"gpu_type":"H100"}']?.[0]).toBe(firstH100);
    },
  );

  it('groups by a dotted OTel label and reports a label a series lacks as ""', async () => {
    const { groups } = await collect(usageQuery({ by: ['service.name'] }));
    expect(groups['tokens {"service.name":"api"}']).toEqual(repeat(4000, 12));
    expect(groups['tokens {"service.name":""}']).toEqual(repeat(400, 12));
  });

  it.each([1, 4, 5, 11])(
    'gives the same numbers with chunks of %i hours, in metrics x chunks requests',
    async (hoursPerChunk) => {
      const whole = await collect(usageQuery());
      const chunked = await collect(usageQuery(), { maxPointsPerQuery: hoursPerChunk });
      expect(chunked.groups).toEqual(whole.groups);
      const chunks = Math.ceil(HOURS / hoursPerChunk);
      expect(chunked.info.requests).toBe(3 * chunks);
      for (const piece of chunked.pieces) {
        expect(piece.offset % hoursPerChunk).toBe(0);
        expect(piece.values.length).toBeLessThanOrEqual(hoursPerChunk);
      }
    },
  );

  it('maps points onto a grid that starts on a half hour', async () => {
    const { groups } = await collect(
      usageQuery({
        edges: hourEdges(T0 + 30 * MIN, 4),
        filters: [{ label: 'gpu_type', op: '=', value: 'A100' }],
      }),
    );
    expect(groups).toEqual({ 'gpu_seconds {"use_case":"chat","gpu_type":"A100"}': repeat(360, 4) });
  });

  it('applies = and != filters', async () => {
    const { groups, info } = await collect(
      usageQuery({
        by: ['model_name'],
        filters: [
          { label: 'use_case', op: '=', value: 'chat' },
          { label: 'gpu_type', op: '!=', value: 'A100' },
        ],
      }),
    );
    // gpu_type != "A100" keeps B and E (E has no gpu_type, which compares as "").
    expect(Object.keys(groups).sort()).toEqual([
      'gpu_seconds {"model_name":"","gpu_type":""}',
      'gpu_seconds {"model_name":"llama","gpu_type":"H100"}',
      'tokens {"model_name":"llama"}',
    ]);
    expect(info.emptyMetrics).toEqual(['inferences']);
  });

  describe('filter values are matched literally', () => {
    const nastyQuery = (filters: LabelFilter[]) =>
      usageQuery({
        metrics: { gpu_seconds: NASTY_GPU, tokens: NASTY_GPU, inferences: NASTY_GPU },
        filters,
      });

    it.each(nastyValues)('%j matches exactly its own series', async (value, perHour) => {
      const { groups } = await collect(nastyQuery([{ label: 'use_case', op: '=', value }]));
      expect(groups).toEqual({
        [`gpu_seconds ${JSON.stringify({ use_case: value, gpu_type: 'L4' })}`]: repeat(perHour, 12),
        [`tokens ${JSON.stringify({ use_case: value })}`]: repeat(perHour, 12),
        [`inferences ${JSON.stringify({ use_case: value })}`]: repeat(perHour, 12),
      });
    });

    it.each(['.+', 'plain|a', '"', '\\', 'line1', '"} or vector(1)'])(
      '%j matches nothing',
      async (value) => {
        const { groups, info } = await collect(nastyQuery([{ label: 'use_case', op: '=', value }]));
        expect(groups).toEqual({});
        expect(info.emptyMetrics).toEqual(['gpu_seconds', 'tokens', 'inferences']);
      },
    );

    it('!= with an injection attempt excludes exactly that series', async () => {
      const { groups } = await collect(
        nastyQuery([{ label: 'use_case', op: '!=', value: '"} or vector(1) #' }]),
      );
      const gpuGroups = Object.keys(groups).filter((key) => key.startsWith('gpu_seconds'));
      expect(gpuGroups).toHaveLength(nastyValues.length - 1);
    });
  });

  it('reads through a path prefix: single-node also serves /prometheus/api/v1', async () => {
    const { groups } = await collect(usageQuery({ by: [] }), { url: `${vm.url}/prometheus/` });
    expect(groups['tokens {}']).toEqual(repeat(4400, 12));
  });

  it('makes no request for an empty grid', async () => {
    const { groups, info } = await collect(usageQuery({ edges: hourEdges(T0, 0) }));
    expect(groups).toEqual({});
    expect(info).toEqual({ requests: 0, emptyMetrics: [], partial: false });
  });

  it('delivers groups in a stable order', async () => {
    const first = await collect(usageQuery(), { maxPointsPerQuery: 5, concurrency: 4 });
    const second = await collect(usageQuery(), { maxPointsPerQuery: 5, concurrency: 4 });
    const order = (pieces: BucketSeries[]) =>
      pieces.map((piece) => `${piece.metric}@${piece.offset} ${JSON.stringify(piece.labels)}`);
    expect(order(second.pieces)).toEqual(order(first.pieces));
    expect(first.pieces[0]?.metric).toBe('gpu_seconds');
    expect(first.pieces.at(-1)?.metric).toBe('tokens');
  });
});
