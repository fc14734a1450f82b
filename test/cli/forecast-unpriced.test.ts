// A GPU type priced by one catalogue version and not by the next, through the real binary:
// forecast fit days and projections keep its usage visible as unpriced (never 0), and a
// forecast gate cannot pass on the priced part alone.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeCatalogue } from '../helpers/cli.js';
import { parseCsv } from '../helpers/csv.js';
import { exportFileText } from '../helpers/two-days.js';
import type { ExportLine } from '../helpers/victoria.js';

// 2026-11-01 to 2026-11-06 (5 closed days, as of 2026-11-06T00:00Z), every hour: chat uses
// 1 GPU-hour of A100 and 0.5 of H200. v1 (from 2026-01-01) prices A100 at 2 and H200 at 4;
// v2, in force from the first remaining hour, prices A100 at 2 and has no rate for H200.
// By hand:
//   to date (v1): A100 5 x 24 x 2 = 240 + H200 5 x 12 x 4 = 240 -> 480 EUR, exact.
//   remaining: 720 - 120 = 600 hours; A100 600 GPU-hours x 2 = 1200 EUR priced, H200 300 GPU-hours
//   unpriced, for run-rate and trend alike (both types flat): forecast >= 480 + 1200 = 1680 EUR.
//   fit days at v2: 24 A100 GPU-hours x 2 = 48 EUR each, a lower bound beside 12 unpriced GPU-hours.
//   H200 alone: 240 EUR to date; its remaining hours have no rate: projected remaining unpriced,
//   forecast >= 240; its fit days cost nothing that is known (null), 12 unpriced GPU-hours each.
const MONTH_START = Date.UTC(2026, 10, 1);
const AS_OF = '2026-11-06T00:00:00Z';

function hourly(gpuType: string, perHour: number): ExportLine {
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i <= 5 * 24; i++) {
    timestamps.push(MONTH_START + i * 3_600_000);
    values.push(i * perHour);
  }
  const metric = { __name__: 'ml_gpu_seconds_total', use_case: 'chat', model_name: 'llama' };
  return { metric: { ...metric, gpu_type: gpuType }, values, timestamps };
}

let dir: string;
let source: string;
let catalogue: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ml-cost-forecast-unpriced-'));
  source = join(dir, 'usage.jsonl');
  await writeFile(source, exportFileText([hourly('A100-80GB', 3600), hourly('H200', 1800)]));
  catalogue = await writeCatalogue([
    {
      version: 'v1',
      effective_from: '2026-01-01T00:00:00Z',
      gpu_hour: { 'A100-80GB': 2, H200: 4 },
    },
    { version: 'v2', effective_from: AS_OF, gpu_hour: { 'A100-80GB': 2 } },
  ]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(catalogue, { recursive: true, force: true });
});

const forecast = (format: string) =>
  runCli(
    ['forecast', '--source', source, '--catalogue', catalogue, '--month', '2026-11'].concat([
      '--as-of',
      AS_OF,
      '--by',
      'gpu_type',
      '--format',
      format,
    ]),
    { env: { ML_COST_NOW: '2026-11-20T00:00:00Z' } },
  );

interface FitDay {
  cost_eur: number | null;
  cost_kind: string;
  gpu_hours: number;
  unpriced_gpu_hours: number;
}

describe('forecast of a GPU type the next catalogue version does not price', () => {
  it('keeps it in fit days and projections as unpriced in JSON, never 0', async () => {
    const result = await forecast('json');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.month_to_date).toMatchObject({ cost_eur: 480, cost_kind: 'exact' });
    for (const section of [json.run_rate, json.trend]) {
      expect(section).toMatchObject({
        projected_remaining_eur: 1200,
        projected_remaining_kind: 'lower_bound',
        forecast_eur: 1680,
        forecast_kind: 'lower_bound',
        projected_unpriced_gpu_hours: 300,
      });
    }
    expect(json.trend.interval).toBeNull();
    expect(json.trend.fit_days).toHaveLength(5);
    for (const day of json.trend.fit_days as FitDay[]) {
      expect(day).toEqual(expect.objectContaining({ cost_eur: 48, cost_kind: 'lower_bound' }));
      expect(day).toMatchObject({ gpu_hours: 36, unpriced_gpu_hours: 12 });
    }
    const h200 = json.groups.find((group: { gpu_type: string }) => group.gpu_type === 'H200');
    expect(h200.month_to_date).toMatchObject({ cost_eur: 240, cost_kind: 'exact' });
    expect(h200.run_rate).toMatchObject({
      projected_remaining_eur: null,
      projected_remaining_kind: 'unpriced',
      forecast_eur: 240,
      forecast_kind: 'lower_bound',
      projected_unpriced_gpu_hours: 300,
    });
    // Each remaining day: A100 24 GPU-hours x 2 = 48 EUR beside H200's 12 unpriced GPU-hours.
    const remainingDay = json.days.find((day: { date: string }) => day.date === '2026-11-06');
    expect(remainingDay).toMatchObject({
      projected_run_rate_eur: 48,
      projected_run_rate_kind: 'lower_bound',
      projected_trend_eur: 48,
      projected_trend_kind: 'lower_bound',
    });
    const h200Day = h200.days.find((day: { date: string }) => day.date === '2026-11-06');
    expect(h200Day).toMatchObject({
      projected_run_rate_eur: null,
      projected_run_rate_kind: 'unpriced',
      projected_trend_eur: null,
      projected_trend_kind: 'unpriced',
    });
    for (const day of h200.trend.fit_days as FitDay[]) {
      expect(day).toMatchObject({ cost_eur: null, cost_kind: 'unpriced', unpriced_gpu_hours: 12 });
    }
  });

  it('says a budget judged on a lower bound is judged on a lower bound', async () => {
    const result = await runCli(
      ['forecast', '--source', source, '--catalogue', catalogue, '--month', '2026-11'].concat([
        '--as-of',
        AS_OF,
        '--budget',
        '2000',
        '--format',
        'json',
      ]),
      { env: { ML_COST_NOW: '2026-11-20T00:00:00Z' } },
    );
    const { budget } = JSON.parse(result.stdout);
    // 1680 - 2000: under by the priced part, which decides nothing.
    expect(budget.run_rate).toMatchObject({ over_budget_eur: -320, total_kind: 'lower_bound' });
    expect(budget.trend).toMatchObject({ over_budget_eur: -320, total_kind: 'lower_bound' });
  });

  it('marks the bounds in the table and says what is unpriced', async () => {
    const result = await forecast('table');
    expect(result.stdout).toMatch(/H200\s*│\s*240\.00\s*│\s*≥ 240\.00\s*│\s*≥ 240\.00\s*│\s*–\s*│/);
    expect(result.stdout).toMatch(
      /total\s*│\s*480\.00\s*│\s*≥ 1,680\.00\s*│\s*≥ 1,680\.00\s*│\s*–/,
    );
    expect(result.stdout).toMatch(
      /priced part only: 60\.00 GPU-hours of the fit days have no rate in v2/,
    );
    expect(result.stdout).toMatch(/about 300\.00 projected have no rate/);
  });

  it('writes kinds and projected unpriced GPU-hours in CSV', async () => {
    const records = parseCsv((await forecast('csv')).stdout);
    const total = records.find((record) => record.scope === 'total');
    expect(total).toMatchObject({
      month_to_date_eur: '480',
      run_rate_forecast_eur: '1680',
      month_to_date_kind: 'exact',
      run_rate_kind: 'lower_bound',
      trend_kind: 'lower_bound',
      trend_lower_eur: '',
      run_rate_unpriced_gpu_hours: '300',
    });
  });
});

describe('gate --on forecast with a GPU type the next version does not price', () => {
  const gate = (budget: string) =>
    runCli(
      [
        'gate',
        '--source',
        source,
        '--catalogue',
        catalogue,
        '--budget',
        budget,
        '--on',
        'forecast',
      ],
      { env: { ML_COST_NOW: '2026-11-06T00:10:00Z' } },
    );

  it('fails closed on a forecast that is only a lower bound, naming why', async () => {
    // Nothing to date is unpriced, so the unpriced share passes: only the forecast knows.
    const result = await gate('2000');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/max unpriced share.*PASS/);
    expect(result.stdout).toMatch(
      /budget \(forecast: (trend|run-rate)\)\s*│\s*all\s*│\s*FAIL\s*│\s*≥ 1,680\.00 EUR \(only a bound: part of the GPU time has no rate\)/,
    );
  });

  it('breaches when even the lower bound is over the budget', async () => {
    const result = await gate('1000');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /budget \(forecast.*FAIL\s*│\s*≥ 1,680\.00 EUR\s*│\s*1,000\.00 EUR\s*│\s*-680\.00 EUR/,
    );
  });
});
