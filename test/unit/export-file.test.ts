// Hourly increases from an export file, on small hand-written series with hand-computed answers.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BucketSeries } from '../../src/core/types.js';
import { UsageError } from '../../src/errors.js';
import { createExportFileSource } from '../../src/sources/export-file.js';
import type { LabelFilter, UsageQuery } from '../../src/sources/types.js';
import { hourEdges } from '../helpers/edges.js';
import { tempDir } from '../helpers/temp.js';

const S = Date.UTC(2026, 0, 1);
const M = 60_000;
const H = 3_600_000;
const NaN_ = Number.NaN;

let dir: string;
let fileCount = 0;
beforeAll(async () => {
  dir = await tempDir('ml-cost-export-file-');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Points = [number, number][];

function line(labels: Record<string, string>, points: Points, name = 'tokens_total'): string {
  return JSON.stringify({
    metric: { __name__: name, ...labels },
    values: points.map(([, v]) => v),
    timestamps: points.map(([t]) => t),
  });
}

function every(stepMs: number, from: number, to: number, value: (t: number) => number): Points {
  const points: Points = [];
  for (let t = from; t <= to; t += stepMs) points.push([t, value(t)]);
  return points;
}

async function file(text: string | Buffer, name = `usage-${++fileCount}.jsonl`): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function query(overrides: Partial<UsageQuery> = {}): UsageQuery {
  return {
    edges: hourEdges(S, 6),
    by: ['use_case'],
    filters: [],
    metrics: {
      gpu_seconds: 'gpu_seconds_total',
      tokens: 'tokens_total',
      inferences: 'inferences_total',
    },
    gpuTypeLabel: 'gpu_type',
    ...overrides,
  };
}

async function hourly(path: string, q: UsageQuery = query()) {
  const delivered: BucketSeries[] = [];
  const info = await createExportFileSource(path).fetch(q, (series) => delivered.push(series));
  const byGroup = new Map<string, number[]>();
  for (const series of delivered) {
    byGroup.set(`${series.metric} ${JSON.stringify(series.labels)}`, [...series.values]);
  }
  return { byGroup, info, delivered };
}

/** Hours of the single tokens group of use case `name`. */
async function hoursOf(points: Points, q?: UsageQuery): Promise<number[] | undefined> {
  const { byGroup } = await hourly(await file(line({ use_case: 'a' }, points)), q);
  return byGroup.get('tokens {"use_case":"a"}');
}

describe('hourly increase of one series', () => {
  it('counts each hour (t-1h, t] from the last sample at or before t-1h', async () => {
    const steady = every(M, S - 10 * M, S + 6 * H, (t) => 100_000 + (t - S) / M);
    expect(await hoursOf(steady)).toEqual([60, 60, 60, 60, 60, 60]);
  });

  it('takes a sample exactly at t-1h as the baseline and one exactly at t as inside', async () => {
    const onTheHour = every(H, S, S + 6 * H, (t) => 1000 + ((t - S) / H) * 7);
    expect(await hoursOf(onTheHour)).toEqual([7, 7, 7, 7, 7, 7]);
  });

  it('treats a big drop as a restart from zero and a drop under 1/8 as jitter', async () => {
    const restart: Points = [
      [S, 1000],
      [S + 30 * M, 1100],
      [S + 60 * M, 50],
      [S + 90 * M, 150],
      [S + 120 * M, 250],
    ];
    expect(await hoursOf(restart)).toEqual([150, 200, NaN_, NaN_, NaN_, NaN_]);
    const jitter: Points = [
      [S, 1000],
      [S + 30 * M, 1100],
      [S + 60 * M, 1050],
      [S + 90 * M, 1150],
    ];
    expect(await hoursOf(jitter)).toEqual([100, 100, NaN_, NaN_, NaN_, NaN_]);
    // 800 -> 700: 100 * 8 is not below 800, so a restart (+700); 801 -> 701 is jitter (+0).
    // Hour 0 is empty but its baseline (at S) is recent and a later sample exists: 0, not missing.
    expect(
      await hoursOf([
        [S, 800],
        [S + 90 * M, 700],
        [S + 150 * M, 710],
      ]),
    ).toEqual([0, 700, 10, NaN_, NaN_, NaN_]);
    expect(
      await hoursOf([
        [S, 801],
        [S + 90 * M, 701],
        [S + 150 * M, 711],
      ]),
    ).toEqual([0, 0, 10, NaN_, NaN_, NaN_]);
  });

  it('credits a scrape gap to the first hour after it; 0 right after the last sample, then no point', async () => {
    const gapped = [
      ...every(10 * M, S, S + H, (t) => 1000 + (t - S) / M),
      ...every(10 * M, S + 190 * M, S + 4 * H, (t) => 1000 + (t - S) / M),
    ];
    // Scrape interval 10 min, so the server keeps the last sample as a baseline for 11m15s.
    expect(await hoursOf(gapped)).toEqual([60, 0, NaN_, 180, NaN_, NaN_]);
  });

  it('credits a gap of more than a day when the sample before it is inside the read range', async () => {
    const before = every(M, S, S + H, (t) => 1000 + (t - S) / M);
    const after = every(M, S + 31 * H, S + 32 * H, (t) => 1000 + (t - S) / M);
    const hours = (await hoursOf([...before, ...after], query({ edges: hourEdges(S, 32) }))) ?? [];
    expect(hours[0]).toBe(60);
    expect(hours[30]).toBe(1860 - 60);
    expect(hours[31]).toBe(60);
  });

  it('counts a first value from zero only when |v0| < 10 * (|next step| + 1)', async () => {
    const from = (v0: number) =>
      every(M, S + 150 * M, S + 4 * H, (t) => v0 + (t - S - 150 * M) / M);
    expect(await hoursOf(from(1000))).toEqual([NaN_, NaN_, 30, 60, NaN_, NaN_]);
    expect(await hoursOf(from(19))).toEqual([NaN_, NaN_, 49, 60, NaN_, NaN_]);
    expect(await hoursOf(from(20))).toEqual([NaN_, NaN_, 30, 60, NaN_, NaN_]);
    // A flat start has a step of 0: only values under 10 count.
    expect(await hoursOf(every(M, S + 150 * M, S + 3 * H, () => 9))).toEqual([
      NaN_,
      NaN_,
      9,
      NaN_,
      NaN_,
      NaN_,
    ]);
    expect(await hoursOf(every(M, S + 150 * M, S + 3 * H, () => 10))).toEqual([
      NaN_,
      NaN_,
      0,
      NaN_,
      NaN_,
      NaN_,
    ]);
  });

  it('decides a lone first sample by the next one, even an hour later, or by 0 when there is none', async () => {
    expect(
      await hoursOf([
        [S + 150 * M, 50],
        [S + 210 * M, 55],
      ]),
    ).toEqual([NaN_, NaN_, 50, 5, NaN_, NaN_]);
    expect(await hoursOf([[S + 150 * M, 9]])).toEqual([NaN_, NaN_, 9, NaN_, NaN_, NaN_]);
    expect(await hoursOf([[S + 150 * M, 10]])).toEqual([NaN_, NaN_, 0, NaN_, NaN_, NaN_]);
  });

  it('reads samples from a day and 5 minutes before the first bucket, not earlier', async () => {
    // The last sample before the window is the first bucket's baseline however sparse the
    // scrapes: a window's first hour is counted as it is inside a longer window.
    expect(
      await hoursOf([
        [S - 24 * H - 5 * M, 1000],
        [S + 30 * M, 1010],
        [S + 90 * M, 1020],
      ]),
    ).toEqual([10, 10, NaN_, NaN_, NaN_, NaN_]);
    // One millisecond earlier, 1010 is the first sample the server reads: too big to count.
    expect(
      await hoursOf([
        [S - 24 * H - 5 * M - 1, 1000],
        [S + 30 * M, 1010],
        [S + 90 * M, 1020],
      ]),
    ).toEqual([0, 10, NaN_, NaN_, NaN_, NaN_]);
  });

  it('reads up to a day past the last bucket for the next value of a first sample', async () => {
    // 50 is small beside the step to 55: counted from 0, as a longer window would count it.
    expect(
      await hoursOf([
        [S + 330 * M, 50],
        [S + 390 * M, 55],
      ]),
    ).toEqual([NaN_, NaN_, NaN_, NaN_, NaN_, 50]);
    // A next value more than a day past the end is not read: 50 alone is the baseline.
    expect(
      await hoursOf([
        [S + 330 * M, 50],
        [S + 30 * H + M, 55],
      ]),
    ).toEqual([NaN_, NaN_, NaN_, NaN_, NaN_, 0]);
  });

  it('keeps duplicate timestamps, ordered by value, and sorts unsorted samples', async () => {
    const duplicates: Points = [
      [S + 30 * M, 1000],
      [S + 90 * M, 5000],
      [S + 90 * M, 10],
      [S + 150 * M, 20],
    ];
    expect(await hoursOf(duplicates)).toEqual([0, 5000, 20, NaN_, NaN_, NaN_]);
    const unsorted: Points = [
      [S + 180 * M, 20],
      [S + 90 * M, 1010],
      [S + 150 * M, 1015],
      [S + 30 * M, 1000],
    ];
    expect(await hoursOf(unsorted)).toEqual([0, 10, 25, NaN_, NaN_, NaN_]);
  });

  it('joins a series continued on a later line', async () => {
    const first = every(M, S, S + 90 * M, (t) => 1000 + (t - S) / M);
    const second = every(M, S + 91 * M, S + 3 * H, (t) => 1000 + (t - S) / M);
    const path = await file(
      `${line({ use_case: 'a' }, first)}\n${line({ use_case: 'a' }, second)}\n`,
    );
    const { byGroup } = await hourly(path);
    expect(byGroup.get('tokens {"use_case":"a"}')).toEqual([60, 60, 60, NaN_, NaN_, NaN_]);
  });
});

describe('groups, filters and metrics', () => {
  const ramp = (perMinute: number) =>
    every(M, S - M, S + 2 * H, (t) => 10_000 + ((t - S) / M) * perMinute);
  const edges = hourEdges(S, 2);
  const lines = [
    line({ use_case: 'chat', model_name: 'big', gpu_type: 'H100' }, ramp(1), 'gpu_seconds_total'),
    line({ use_case: 'chat', model_name: 'small', gpu_type: 'L4' }, ramp(2), 'gpu_seconds_total'),
    line({ use_case: 'chat', model_name: 'big' }, ramp(3)),
    line({ use_case: 'chat', model_name: 'small' }, ramp(4)),
    line({ use_case: 'tagging', model_name: 'small', team: 'x' }, ramp(5)),
    line({ model_name: 'small' }, ramp(6)),
    line({ use_case: 'chat' }, ramp(7), 'other_total'),
    line(
      { use_case: 'old' },
      every(M, S - 3 * H, S - H, () => 5),
    ),
  ];
  let path: string;
  beforeAll(async () => {
    path = await file(`${lines.join('\n')}\n`);
  });

  it('sums series per group, always by GPU type for GPU-seconds, a missing label as ""', async () => {
    const { byGroup, info } = await hourly(path, query({ edges }));
    expect(Object.fromEntries(byGroup)).toEqual({
      'gpu_seconds {"use_case":"chat","gpu_type":"H100"}': [60, 60],
      'gpu_seconds {"use_case":"chat","gpu_type":"L4"}': [120, 120],
      'tokens {"use_case":"chat"}': [420, 420],
      'tokens {"use_case":"tagging"}': [300, 300],
      'tokens {"use_case":""}': [360, 360],
    });
    expect(info).toEqual({ requests: 0, emptyMetrics: ['inferences'], partial: false });
  });

  it.each<[string, LabelFilter[], Record<string, number>]>([
    [
      '= value',
      [{ label: 'model_name', op: '=', value: 'small' }],
      { chat: 240, tagging: 300, '': 360 },
    ],
    ['!= value', [{ label: 'use_case', op: '!=', value: 'chat' }], { tagging: 300, '': 360 }],
    [
      '!= on a missing label matches',
      [{ label: 'team', op: '!=', value: 'x' }],
      { chat: 420, '': 360 },
    ],
    ['= "" matches a missing label', [{ label: 'use_case', op: '=', value: '' }], { '': 360 }],
    [
      'several filters all apply',
      [
        { label: 'model_name', op: '=', value: 'small' },
        { label: 'team', op: '=', value: '' },
      ],
      { chat: 240, '': 360 },
    ],
  ])('filters %s', async (_name, filters, expected) => {
    const { byGroup } = await hourly(path, query({ edges, filters }));
    const tokens = Object.fromEntries(
      [...byGroup]
        .filter(([key]) => key.startsWith('tokens'))
        .map(([key, values]) => [JSON.parse(key.slice(7)).use_case, values[0]]),
    );
    expect(tokens).toEqual(expected);
  });

  it('matches metric names exactly and reports metrics with no series in the window', async () => {
    const metrics = {
      gpu_seconds: 'gpu_seconds',
      tokens: 'tokens_total',
      inferences: 'other_total',
    };
    const { info, byGroup } = await hourly(path, query({ edges, metrics, by: [] }));
    expect(info.emptyMetrics).toEqual(['gpu_seconds']);
    expect(byGroup.get('inferences {}')).toEqual([420, 420]);
  });
});

describe('reading the file', () => {
  const good = line({ use_case: 'a' }, [
    [S + 30 * M, 5],
    [S + 90 * M, 8],
  ]);

  it('reads a gzipped file whatever its name, CRLF line ends and blank lines', async () => {
    const text = `\r\n${good}\r\n\n`;
    const { byGroup } = await hourly(await file(gzipSync(text), 'usage.jsonl'));
    expect(byGroup.get('tokens {"use_case":"a"}')).toEqual([5, 3, NaN_, NaN_, NaN_, NaN_]);
  });

  it.each([
    ['not JSON', 'this is not json', /usage-\d+\.jsonl:2: not JSON/],
    [
      'a length mismatch',
      '{"metric":{"__name__":"tokens_total"},"values":[1,2],"timestamps":[1,2,3]}',
      /:2: "values" has 2 numbers but "timestamps" has 3/,
    ],
    [
      'a value that is not a number',
      '{"metric":{"__name__":"tokens_total"},"values":[1,"x"],"timestamps":[1,2]}',
      /:2: values\[1\] is not a number: "x"/,
    ],
    [
      'a timestamp that is not whole milliseconds',
      '{"metric":{"__name__":"tokens_total"},"values":[1],"timestamps":[1.5]}',
      /:2: timestamps\[0\] is not whole milliseconds/,
    ],
    [
      'no __name__',
      '{"metric":{"use_case":"a"},"values":[1],"timestamps":[1]}',
      /:2: "metric" has no "__name__"/,
    ],
    [
      'a label that is not a string',
      '{"metric":{"__name__":"tokens_total","n":1},"values":[1],"timestamps":[1]}',
      /:2: label "n" must be a string/,
    ],
    ['no metric object', '[1,2,3]', /:2: expected an object/],
    // A counter starts at 0 and only grows or resets to 0: these samples cannot be true, and
    // a negative one would be read as a reset and counted as usage.
    [
      'a negative counter sample',
      '{"metric":{"__name__":"tokens_total","use_case":"a"},"values":[5,-3],"timestamps":[1,2]}',
      /:2: values\[1\] is negative \(-3\); a counter's samples are finite and never below 0/,
    ],
    [
      'a negative zero-point sample on the fast path',
      '{"metric":{"__name__":"tokens_total","use_case":"a"},"values":[-0.5],"timestamps":[1]}',
      /:2: values\[0\] is negative \(-0\.5\)/,
    ],
    [
      'a sample beyond a double',
      '{"metric":{"__name__":"tokens_total","use_case":"a"},"values":[1,1e400],"timestamps":[1,2]}',
      /:2: values\[1\] is not a finite number \(Infinity\)/,
    ],
    [
      'a sample written as -1e400',
      '{"metric":{"__name__":"tokens_total","use_case":"a"},"values":[-1e400],"timestamps":[1]}',
      /:2: values\[0\] is negative \(-Infinity\)/,
    ],
    [
      'a NaN, which JSON cannot carry',
      '{"metric":{"__name__":"tokens_total","use_case":"a"},"values":[NaN],"timestamps":[1]}',
      /:2: not JSON/,
    ],
  ])('names the file and line of %s', async (_name, bad, message) => {
    const path = await file(`${good}\n${bad}\n`);
    const error = await hourly(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it('does not check series the query does not read', async () => {
    const other = '{"metric":{"__name__":"other_total"},"values":[-1],"timestamps":[1]}';
    const { byGroup } = await hourly(await file(`${good}\n${other}\n`));
    expect(byGroup.get('tokens {"use_case":"a"}')).toEqual([5, 3, NaN_, NaN_, NaN_, NaN_]);
  });

  it('refuses a series whose later line goes back in time', async () => {
    const later = line({ use_case: 'a' }, [[S + 150 * M, 9]]);
    const earlier = line({ use_case: 'a' }, [[S + 30 * M, 1]]);
    const error = await hourly(await file(`${later}\n${earlier}\n`)).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/:2: this series already had later samples/);
  });

  it('names a missing file', async () => {
    const missing = join(dir, 'nope.jsonl');
    const error = await hourly(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(`${missing}: cannot read the export file (no such file)`);
  });

  it('names a corrupt gzip file', async () => {
    const corrupt = Buffer.concat([gzipSync(good).subarray(0, 12), Buffer.from('garbage')]);
    const error = await hourly(await file(corrupt)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/cannot decompress the gzipped export file/);
  });

  it('describes itself by its path', () => {
    expect(createExportFileSource('/data/usage.jsonl').description).toBe('/data/usage.jsonl');
  });
});
