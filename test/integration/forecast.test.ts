// ml-cost forecast against a real VictoriaMetrics, on a month whose daily costs are known by
// construction: GPU-seconds constant within each day, a three-day cycle on one use case.
// Expected figures are worked out here from the fixture's increments, by the definitions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, writeCatalogue } from '../helpers/cli.js';
import { type ExportLine, startVictoria, type Victoria } from '../helpers/victoria.js';

const H = 3_600_000;
const D = 24 * H;
const STEP = 30 * 60_000;
const JULY = Date.UTC(2026, 6, 1);
const SERIES_START = Date.UTC(2026, 5, 20);
const SERIES_END = Date.UTC(2026, 7, 1);
// t(0.90, df) to seven digits, from t tables.
const T90 = { 7: 1.4149239, 17: 1.3333793 } as const;

/** x = day of July (June 30 is 0): the chat cycle k = 1, 2, 3 repeating, so July 1 has k = 2. */
const chatK = (x: number) => 1 + (((x % 3) + 3) % 3);
const dayOf = (ms: number) => Math.floor((ms - JULY) / D) + 1;

/** A counter whose increase in each hour is perHour(start of the hour), sampled every 30 min. */
function counter(
  metric: Record<string, string>,
  perHour: (hourStartMs: number) => number,
): ExportLine {
  const values: number[] = [];
  const timestamps: number[] = [];
  let value = 0;
  for (let t = SERIES_START; t <= SERIES_END; t += STEP) {
    if (t > SERIES_START) value += perHour(Math.floor((t - 1) / H) * H) / 2;
    values.push(value);
    timestamps.push(t);
  }
  return { metric, values, timestamps };
}

const gpu = (useCase: string, gpuType: string) => ({
  __name__: 'ml_gpu_seconds_total',
  use_case: useCase,
  model_name: 'm',
  gpu_type: gpuType,
});
const inferences = (useCase: string) => ({
  __name__: 'ml_inference_duration_milliseconds_count',
  use_case: useCase,
  model_name: 'm',
});

// Per day: chat 24·k H100-hours, summarise 12 A100-hours, search 48 L4-hours.
const fixture: ExportLine[] = [
  counter(gpu('chat', 'H100'), (t) => 3600 * chatK(dayOf(t))),
  counter(inferences('chat'), () => 100),
  counter(gpu('summarise', 'A100'), () => 1800),
  counter(inferences('summarise'), () => 10),
  counter(gpu('search', 'L4'), () => 7200),
  counter(inferences('search'), () => 1000),
  counter({ __name__: 'ml_inference_tokens_total', use_case: 'chat', model_name: 'm' }, () => 5000),
];

const PRICES = { H100: 4, A100: 3, L4: 0.5 };
/** Daily cost at the first prices: 96·k + 36 + 24. */
const dailyCost = (x: number) => 96 * chatK(x) + 60;

let vm: Victoria;
let flat: string;
let priceChange: string;

beforeAll(async () => {
  vm = await startVictoria();
  await vm.import(fixture);
  flat = await writeCatalogue([
    { version: 'v1', effective_from: '2026-06-01T00:00:00Z', gpu_hour: PRICES },
  ]);
  priceChange = await writeCatalogue([
    { version: 'v1', effective_from: '2026-06-01T00:00:00Z', gpu_hour: PRICES },
    { version: 'v2', effective_from: '2026-07-25T00:00:00Z', gpu_hour: { ...PRICES, H100: 5 } },
  ]);
});
afterAll(async () => {
  await vm?.stop();
});

function forecast(args: string[]): Promise<CliResult> {
  return runCli(['forecast', '--source', vm.url, '--month', '2026-07', ...args], {
    env: { ML_COST_NOW: '2026-08-15T00:00:00Z' },
  });
}

async function forecastJson(args: string[]): Promise<Json> {
  const result = await forecast([...args, '--format', 'json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Json;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON documents are checked field by field
type Json = any;

/** Independent OLS: slope, intercept, SSE over (x, y). */
function ols(xs: number[], ys: number[]) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * ((ys[i] ?? 0) - my);
    syy += ((ys[i] ?? 0) - my) ** 2;
  });
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const sse = ys.reduce((s, y, i) => s + (y - intercept - slope * (xs[i] ?? 0)) ** 2, 0);
  return {
    n,
    mx,
    sxx,
    slope,
    intercept,
    sse,
    r2: 1 - sse / syy,
    at: (x: number) => intercept + slope * x,
  };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('ml-cost forecast queries', () => {
  it('ask for GPU-seconds only: tokens and inferences have no part in a forecast', async () => {
    const result = await forecast(['--catalogue', flat, '--by', 'use_case', '--verbose']);
    expect(result.code).toBe(0);
    const requests = result.stderr.split('\n').filter((line) => line.includes(' POST '));
    expect(requests.length).toBeGreaterThan(0);
    // Days are asked as days: one point per group and day, not 24.
    for (const line of requests) expect(line).toMatch(/increase\(ml_gpu_seconds_total\[\d+h\]\)/);
    expect(requests.some((line) => line.includes('step=86400s'))).toBe(true);
  });

  it('gate --on forecast asks for the forecast by day too, never by hour', async () => {
    const result = await runCli(
      [
        'gate',
        '--source',
        vm.url,
        '--period',
        '2026-07',
        '--budget',
        '100000',
        '--on',
        'forecast',
        '--use-case',
        'chat',
        '--catalogue',
        flat,
        '--verbose',
      ],
      { env: { ML_COST_NOW: '2026-07-20T06:00:00Z' } },
    );
    expect(result.code).toBe(0);
    const requests = result.stderr.split('\n').filter((line) => line.includes(' POST '));
    const daily = requests.filter((line) => line.includes('step=86400s'));
    // The month to date, per use case and GPU type: GPU-seconds only, one point a day.
    expect(daily.length).toBeGreaterThan(0);
    for (const line of daily) {
      expect(line).toMatch(
        /sum by \(use_case, gpu_type[^)]*\) \(increase\(ml_gpu_seconds_total\[24h\]\)\)/,
      );
    }
    for (const line of requests) expect(line).not.toContain('step=3600s');
  });
});

describe('ml-cost forecast on July 2026 as of the 20th', () => {
  const fitX = range(1, 19);
  const remainingX = range(20, 31);
  const mtd = fitX.reduce((s, x) => s + dailyCost(x), 0);

  it('gives month-to-date, run-rate and the trend with R² and an 80% interval (one price)', async () => {
    const doc = await forecastJson(['--as-of', '2026-07-20T00:00:00Z', '--catalogue', flat]);
    expect(doc.status).toBe('in-progress');
    expect(doc.elapsed_hours).toBe(456);
    expect(doc.month_hours).toBe(744);
    expect(doc.month_to_date.cost_eur).toBeCloseTo(mtd, 6);
    expect(doc.run_rate.forecast_eur).toBeCloseTo((mtd / 456) * 744, 6);

    const fit = ols(fitX, fitX.map(dailyCost));
    const projected = remainingX.reduce((s, x) => s + fit.at(x), 0);
    const m = remainingX.length;
    const spread = remainingX.reduce((s, x) => s + (x - fit.mx), 0);
    const half =
      T90[17] * Math.sqrt((fit.sse / 17) * (m + (m * m) / fit.n + (spread * spread) / fit.sxx));
    const trend = doc.trend;
    expect(trend.days_used).toBe(19);
    expect(trend.forecast_eur).toBeCloseTo(mtd + projected, 6);
    expect(trend.slope_per_day_eur).toBeCloseTo(fit.slope, 6);
    expect(trend.r_squared).toBeCloseTo(fit.r2, 8);
    expect(trend.interval.lower_eur).toBeCloseTo(mtd + projected - half, 2);
    expect(trend.interval.upper_eur).toBeCloseTo(mtd + projected + half, 2);
    expect(doc.days).toHaveLength(31);
    expect(doc.days[0].actual_eur).toBeCloseTo(dailyCost(1), 6);
  });

  it('prices the remaining days by the version in force on each day', async () => {
    const doc = await forecastJson(['--as-of', '2026-07-20T00:00:00Z', '--catalogue', priceChange]);
    const h100Hours = fitX.reduce((s, x) => s + 24 * chatK(x), 0);
    // Run-rate: every type keeps its GPU-hours per elapsed hour; H100 costs 5 from the 25th.
    const perHour = h100Hours / 456;
    const runRate = mtd + perHour * (120 * 4 + 168 * 5) + 288 * (0.5 * 3 + 2 * 0.5);
    expect(doc.run_rate.forecast_eur).toBeCloseTo(runRate, 6);
    expect(doc.catalogue.remaining_versions).toEqual(['v1', 'v2']);

    // Trend: the H100 line priced 4 then 5; the steady types at their prices.
    const h100 = ols(
      fitX,
      fitX.map((x) => 24 * chatK(x)),
    );
    const price = (x: number) => (x >= 25 ? 5 : 4);
    const projected = remainingX.reduce((s, x) => s + price(x) * h100.at(x) + 36 + 24, 0);
    const w = remainingX.map(price);
    const sumW = w.reduce((a, b) => a + b, 0);
    const sumW2 = w.reduce((a, b) => a + b * b, 0);
    const spread = remainingX.reduce((s, x, i) => s + (w[i] ?? 0) * (x - h100.mx), 0);
    const half =
      T90[17] * Math.sqrt((h100.sse / 17) * (sumW2 + (sumW * sumW) / 19 + spread ** 2 / h100.sxx));
    expect(doc.trend.forecast_eur).toBeCloseTo(mtd + projected, 6);
    expect(doc.trend.interval.upper_eur).toBeCloseTo(mtd + projected + half, 2);
    // Described at the prices in force on the 20th: the same line as with one price.
    expect(doc.trend.r_squared).toBeCloseTo(ols(fitX, fitX.map(dailyCost)).r2, 8);
  });

  it('reports the budget overshoot and the day it is crossed', async () => {
    const doc = await forecastJson([
      '--as-of',
      '2026-07-20T00:00:00Z',
      '--catalogue',
      flat,
      '--budget',
      '5000',
    ]);
    // Run-rate: cumulative actual to the 19th, then mtd/456·24 a day.
    const perDay = (mtd / 456) * 24;
    let cumulative = 0;
    let crossed: number | null = null;
    for (const x of range(1, 31)) {
      cumulative += x <= 19 ? dailyCost(x) : perDay;
      if (crossed === null && cumulative > 5000) crossed = x;
    }
    expect(doc.budget.run_rate.over_budget_eur).toBeCloseTo((mtd / 456) * 744 - 5000, 6);
    expect(doc.budget.run_rate.crossed_on).toBe(`2026-07-${String(crossed).padStart(2, '0')}`);
  });

  it('counts the closed hours of a day in progress', async () => {
    // As of 12:00 on the 20th: 12 closed hours of a k = 3 day.
    const doc = await forecastJson(['--as-of', '2026-07-20T12:00:00Z', '--catalogue', flat]);
    const today = dailyCost(20) / 2;
    expect(doc.elapsed_hours).toBe(468);
    expect(doc.month_to_date.cost_eur).toBeCloseTo(mtd + today, 6);
    expect(doc.run_rate.forecast_eur).toBeCloseTo(((mtd + today) / 468) * 744, 6);
    const fit = ols(fitX, fitX.map(dailyCost));
    const projected = fit.at(20) / 2 + range(21, 31).reduce((s, x) => s + fit.at(x), 0);
    expect(doc.trend.forecast_eur).toBeCloseTo(mtd + today + projected, 6);
  });

  it('says plainly when there are too few days for a trend, and fits back with --lookback', async () => {
    const early = await forecastJson(['--as-of', '2026-07-03T00:00:00Z', '--catalogue', flat]);
    expect(early.trend).toEqual({
      available: false,
      reason: 'too-few-days',
      days_available: 2,
      days_needed: 3,
    });
    expect(early.run_rate.forecast_eur).toBeCloseTo(((dailyCost(1) + dailyCost(2)) / 48) * 744, 6);

    const back = await forecastJson([
      '--as-of',
      '2026-07-03T00:00:00Z',
      '--catalogue',
      flat,
      '--lookback',
      '9',
    ]);
    const xs = range(-6, 2);
    const fit = ols(xs, xs.map(dailyCost));
    const projected = range(3, 31).reduce((s, x) => s + fit.at(x), 0);
    const m = 29;
    const spread = range(3, 31).reduce((s, x) => s + (x - fit.mx), 0);
    const half = T90[7] * Math.sqrt((fit.sse / 7) * (m + (m * m) / 9 + spread ** 2 / fit.sxx));
    expect(back.trend.days_used).toBe(9);
    expect(back.trend.fit_days[0].date).toBe('2026-06-24');
    expect(back.trend.forecast_eur).toBeCloseTo(dailyCost(1) + dailyCost(2) + projected, 6);
    expect(back.trend.interval.half_width_eur).toBeCloseTo(half, 2);
  });

  it('reports the actual of a month that has ended', async () => {
    const doc = await forecastJson(['--as-of', '2026-08-10T00:00:00Z', '--catalogue', flat]);
    expect(doc.status).toBe('ended');
    expect(doc.month_to_date.cost_eur).toBeCloseTo(
      range(1, 31).reduce((s, x) => s + dailyCost(x), 0),
      6,
    );
    expect(doc.run_rate).toBeNull();
  });

  it('forecasts each group with --by, and the groups add up to the total', async () => {
    const doc = await forecastJson([
      '--as-of',
      '2026-07-20T00:00:00Z',
      '--catalogue',
      flat,
      '--by',
      'use_case',
    ]);
    const names = doc.groups.map((g: Json) => g.use_case);
    expect(names).toEqual(['chat', 'search', 'summarise']);
    const search = doc.groups[1];
    expect(search.run_rate.forecast_eur).toBeCloseTo(24 * 31, 6);
    expect(search.trend.forecast_eur).toBeCloseTo(24 * 31, 6);
    expect(search.trend.r_squared).toBeNull();
    const sum = doc.groups.reduce((s: number, g: Json) => s + g.trend.forecast_eur, 0);
    expect(sum).toBeCloseTo(doc.trend.forecast_eur, 5);
  });

  it('prints a table with how each figure was made, and CSV and Markdown', async () => {
    const table = await forecast(['--as-of', '2026-07-20T00:00:00Z', '--catalogue', flat]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('run-rate: EUR');
    expect(table.stdout).toContain('least squares over 19 closed days');
    const csv = await forecast([
      '--as-of',
      '2026-07-20T00:00:00Z',
      '--catalogue',
      flat,
      '--format',
      'csv',
    ]);
    expect(csv.stdout.split('\n')[0]).toMatch(/^scope,month,status,month_to_date_eur,/);
    const markdown = await forecast([
      '--as-of',
      '2026-07-20T00:00:00Z',
      '--catalogue',
      flat,
      '--format',
      'markdown',
    ]);
    expect(markdown.stdout).toContain('### ml-cost forecast');
  });

  it('refuses a month that has not started by --as-of, with exit code 2', async () => {
    const result = await forecast(['--as-of', '2026-06-15T00:00:00Z', '--catalogue', flat]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no closed hour of 2026-07/);
  });
});
