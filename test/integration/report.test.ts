// ml-cost report against a real VictoriaMetrics, on data whose increments are known by
// construction: a counter reset, a scrape gap, a price change inside the window, a GPU type
// the catalogue lacks, and a 23-hour DST day in Europe/Paris.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, writeCatalogue } from '../helpers/cli.js';
import { parseCsv } from '../helpers/csv.js';
import { type ExportLine, startVictoria, type Victoria } from '../helpers/victoria.js';

const STEP_MS = 5 * 60_000;
const SERIES_START = Date.parse('2026-03-27T00:00:00Z');
const SERIES_END = Date.parse('2026-03-31T06:00:00Z');
const RESET_AT = Date.parse('2026-03-28T10:05:00Z');
const GAP = [Date.parse('2026-03-30T08:05:00Z'), Date.parse('2026-03-30T10:00:00Z')] as const;

/** A counter growing by `perStep` every 5 minutes, optionally reset once and with a gap. */
function counter(
  metric: Record<string, string>,
  perStep: number,
  { resetAt, gap }: { resetAt?: number; gap?: readonly [number, number] } = {},
): ExportLine {
  const values: number[] = [];
  const timestamps: number[] = [];
  let value = 0;
  for (let t = SERIES_START; t <= SERIES_END; t += STEP_MS) {
    if (t === resetAt) value = 0; // the pod restarted just after the previous scrape
    if (t > SERIES_START) value += perStep;
    if (gap && t >= gap[0] && t <= gap[1]) continue;
    values.push(value);
    timestamps.push(t);
  }
  return { metric, values, timestamps };
}

const fixture: ExportLine[] = [
  // chat: one H100 all the time (300 GPU-s per 5 min), reset once.
  counter(
    {
      __name__: 'ml_gpu_seconds_total',
      use_case: 'chat',
      model_name: 'llama',
      gpu_type: 'H100',
      pod: 'a',
    },
    300,
    { resetAt: RESET_AT },
  ),
  counter(
    { __name__: 'ml_inference_duration_milliseconds_count', use_case: 'chat', model_name: 'llama' },
    60,
    { resetAt: RESET_AT },
  ),
  counter({ __name__: 'ml_inference_tokens_total', use_case: 'chat', model_name: 'llama' }, 30_000),
  // search: two L4s (600 GPU-s per 5 min) with a two-hour scrape gap on the 30th.
  counter(
    {
      __name__: 'ml_gpu_seconds_total',
      use_case: 'search',
      model_name: 'mini',
      gpu_type: 'L4',
      pod: 'b',
    },
    600,
    { gap: GAP },
  ),
  counter(
    {
      __name__: 'ml_inference_duration_milliseconds_count',
      use_case: 'search',
      model_name: 'mini',
    },
    120,
  ),
  counter({ __name__: 'ml_inference_tokens_total', use_case: 'search', model_name: 'mini' }, 6_000),
  // tagging: half a GPU of a type no catalogue version prices.
  counter(
    {
      __name__: 'ml_gpu_seconds_total',
      use_case: 'tagging',
      model_name: 'vit',
      gpu_type: 'MYSTERY',
      pod: 'c',
    },
    150,
  ),
  counter(
    {
      __name__: 'ml_inference_duration_milliseconds_count',
      use_case: 'tagging',
      model_name: 'vit',
    },
    12,
  ),
];

let vm: Victoria;
let catalogue: string;

beforeAll(async () => {
  vm = await startVictoria();
  await vm.import(fixture);
  catalogue = await writeCatalogue([
    { version: 'v1', effective_from: '2026-03-01T00:00:00Z', gpu_hour: { H100: 4, L4: 0.5 } },
    // In force from the 29th at 14:00 Paris time (12:00 UTC), in the middle of the DST day.
    { version: 'v2', effective_from: '2026-03-29T12:00:00Z', gpu_hour: { H100: 3, L4: 0.5 } },
  ]);
});
afterAll(async () => {
  await vm?.stop();
});

function report(args: string[]): Promise<CliResult> {
  return runCli([
    'report',
    '--source',
    vm.url,
    '--catalogue',
    catalogue,
    '--from',
    '2026-03-28',
    '--to',
    '2026-03-31',
    '--tz',
    'Europe/Paris',
    ...args,
  ]);
}

type Row = Record<string, unknown>;

describe('report --format json', () => {
  it('prices each local day, including the 23-hour one and the price change', async () => {
    const result = await report(['--by', 'use_case', '--granularity', 'day', '--format', 'json']);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    const cost = (useCase: string, day: string) =>
      (json.rows as Row[]).find((row) => row.use_case === useCase && row.period === day)?.cost_eur;
    // chat: 1 GPU-hour per hour. 28th: 24 h x 4. 29th (23 h): 13 h x 4 before 12:00 UTC,
    // 10 h x 3 after. 30th: 24 h x 3. The reset on the 28th loses nothing.
    expect(cost('chat', '2026-03-28')).toBeCloseTo(96, 6);
    expect(cost('chat', '2026-03-29')).toBeCloseTo(82, 6);
    expect(cost('chat', '2026-03-30')).toBeCloseTo(72, 6);
    // search: 2 GPU-hours per hour at 0.5; the gap on the 30th is credited later the same day.
    expect(cost('search', '2026-03-28')).toBeCloseTo(24, 6);
    expect(cost('search', '2026-03-29')).toBeCloseTo(23, 6);
    expect(cost('search', '2026-03-30')).toBeCloseTo(24, 6);
    // tagging is unpriced: null, not zero.
    expect(cost('tagging', '2026-03-29')).toBeNull();
    expect(json.totals.cost_eur).toBeCloseTo(96 + 82 + 72 + 24 + 23 + 24, 6);
    expect(json.catalogue.versions).toEqual(['v1', 'v2']);
    expect(json.catalogue.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(json.window.tz).toBe('Europe/Paris');
  });

  it('gives totals per group that reconcile with the rows, and the unpriced share', async () => {
    const result = await report(['--format', 'json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    const rows = json.rows as Row[];
    const chat = rows.find((row) => row.use_case === 'chat');
    const hours = 24 + 23 + 24;
    expect(chat).toMatchObject({ model_name: 'llama' });
    expect(chat?.gpu_hours).toBeCloseTo(hours, 6);
    expect(chat?.inferences).toBeCloseTo(hours * 720, 6);
    expect(chat?.tokens).toBeCloseTo(hours * 360_000, 6);
    expect(chat?.cost_per_inference_eur).toBeCloseTo(250 / (hours * 720), 9);
    expect(chat?.tokens_per_eur).toBeCloseTo((hours * 360_000) / 250, 6);
    const sum = rows.reduce((total, row) => total + ((row.cost_eur as number | null) ?? 0), 0);
    expect(sum).toBeCloseTo(json.totals.cost_eur, 6);
    // tagging: 0.5 GPU-hours per hour of 2.5 GPU-hours per hour in all.
    expect(json.unpriced.gpu_hours).toBeCloseTo(hours * 0.5, 6);
    expect(json.unpriced.share).toBeCloseTo(0.5 / 3.5, 6);
    expect(json.unpriced.gpu_types).toEqual(['MYSTERY']);
    expect(rows.find((row) => row.use_case === 'tagging')?.cost_eur).toBeNull();
  });

  it('reprices the whole window at one version with --catalogue-version', async () => {
    const result = await report([
      '--by',
      'use_case',
      '--format',
      'json',
      '--catalogue-version',
      'v2',
    ]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    const chat = (json.rows as Row[]).find((row) => row.use_case === 'chat');
    expect(chat?.cost_eur).toBeCloseTo(71 * 3, 6);
    expect(json.catalogue.forced_version).toBe('v2');
  });

  it('keeps only matching series with --filter', async () => {
    const result = await report([
      '--by',
      'use_case',
      '--format',
      'json',
      '--filter',
      'model_name=mini',
    ]);
    const json = JSON.parse(result.stdout);
    expect((json.rows as Row[]).map((row) => row.use_case)).toEqual(['search']);
    expect(json.totals.cost_eur).toBeCloseTo(71, 6);
  });
});

describe('report --format csv', () => {
  it('has one line per group with the same numbers', async () => {
    const result = await report(['--by', 'use_case', '--format', 'csv']);
    expect(result.code).toBe(0);
    const columns = result.stdout.split('\n')[0]?.split(',') ?? [];
    expect(columns).toEqual(expect.arrayContaining(['use_case', 'gpu_hours', 'cost_eur']));
    expect(columns.indexOf('use_case')).toBeLessThan(columns.indexOf('gpu_hours'));
    const records = parseCsv(result.stdout);
    const chat = records.find((record) => record.use_case === 'chat');
    expect(Number(chat?.cost_eur)).toBeCloseTo(250, 2);
    expect(records).toHaveLength(3);
  });
});

describe('report --verbose', () => {
  it('logs each request without the credentials it sent', async () => {
    const token = 'secret-token-8d41';
    const result = await runCli(
      [
        'report',
        '--source',
        vm.url,
        '--catalogue',
        catalogue,
        '--period',
        '2026-03-29',
        '--verbose',
      ],
      { env: { ML_COST_BEARER_TOKEN: token } },
    );
    expect(result.code).toBe(0);
    const requests = result.stderr.split('\n').filter((line) => line.includes('query_range'));
    // v2 starts at noon (UTC) that day: two buckets of 12 hours, one request per metric.
    expect(requests).toHaveLength(3);
    expect(requests[0]).toContain('step=43200s');
    expect(requests[0]).toContain('[12h]');
    expect(requests[0]).toMatch(/: 200 in \d+ ms/);
    expect(requests[0]).toContain('increase(');
    expect(result.stderr).not.toContain(token);
  });
});

describe('report as a table', () => {
  it('names the window, the source and the catalogue versions, with a totals row', async () => {
    const result = await report(['--by', 'use_case']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Europe/Paris');
    expect(result.stdout).toContain(vm.url);
    expect(result.stdout).toMatch(/catalogue v1, v2/);
    expect(result.stdout).toMatch(/total/);
    expect(result.stdout).toContain('unpriced');
    expect(result.stdout).not.toContain('\u001b[');
  });
});

describe('a name that matches no series is named', () => {
  const warnings = (result: CliResult) =>
    result.stderr.split('\n').filter((line) => line.startsWith('ml-cost: warning:'));

  it('a --filter label that no series has', async () => {
    const result = await report(['--filter', 'usecase=chat', '--format', 'csv']);
    expect(result.code).toBe(0);
    expect(warnings(result)).toEqual([
      'ml-cost: warning: --filter usecase=chat: no series of ml_gpu_seconds_total, ml_inference_tokens_total, ml_inference_duration_milliseconds_count in the window has the label usecase: check the label name',
    ]);
  });

  it('a --filter value that no series has', async () => {
    const result = await report(['--filter', 'use_case=chatt', '--format', 'csv']);
    expect(warnings(result)).toEqual([
      expect.stringMatching(
        /--filter use_case=chatt: no series of .* has use_case="chatt": check the value$/,
      ),
    ]);
  });

  it('filters that each match but not together', async () => {
    const result = await report([
      '--filter',
      'use_case=chat',
      '--filter',
      'model_name=mini',
      '--format',
      'csv',
    ]);
    expect(warnings(result)).toEqual([
      expect.stringMatching(
        /--filter use_case=chat --filter model_name=mini: each matches .* but no series matches them all/,
      ),
    ]);
  });

  it('names the filter under which a metric has no series, and only that metric', async () => {
    // tagging has no token counter: its tokens are missing under its filter, not by their name.
    const result = await report(['--filter', 'use_case=tagging', '--format', 'csv']);
    expect(warnings(result)).toContainEqual(
      'ml-cost: warning: --filter use_case=tagging: no series of ml_inference_tokens_total in the window has use_case="tagging": check the value',
    );
    expect(result.stderr).not.toMatch(/check the metric name/);
  });

  it('a --by label that no series has', async () => {
    const result = await report(['--by', 'usecase', '--format', 'csv']);
    expect(result.code).toBe(0);
    expect(warnings(result)).toContainEqual(
      'ml-cost: warning: no series in the window has the label usecase (--by): every row is grouped under (none); check the label name',
    );
    const fine = await report(['--by', 'use_case,pod', '--format', 'csv']);
    expect(warnings(fine).filter((line) => line.includes('--by'))).toEqual([]);
  });
});
