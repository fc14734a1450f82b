// report, rank and gate through the real binary on the same usage: one rule for unit costs of a
// partly unpriced use case (a lower bound everywhere, never passing a maximum) and of inferences
// without GPU time (undefined everywhere, never 0.00).
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import {
  HOURLY_RATES,
  TWO_DAYS_END,
  TWO_DAYS_START,
  type TwoDayFiles,
  twoDayUsage,
  writeTwoDayFiles,
} from '../helpers/two-days.js';
import type { ExportLine } from '../helpers/victoria.js';

// The two-day fixture (helpers/two-days.ts) plus, every hour for 48 hours:
//   chat on H200, a GPU type the catalogue has no rate for: 0.5 GPU-hour (24 unpriced GPU-hours);
//   ghost: 10 inferences and no GPU time at all (480 inferences).
// chat: priced 24 x 2.93 + 12 x 2.93 + 12 x 3.00 = 141.48 EUR (a lower bound), 480 inferences,
//   48 000 tokens: cost per inference >= 141.48 / 480 = 0.29475; tokens per EUR
//   <= 48 000 / 141.48 = 339.27.
// search: 17.04 EUR exact, 4 800 inferences: 0.00355 per inference.
const NOW = '2026-11-28T00:10:00Z';

function hourly(metric: Record<string, string>, perHour: number): ExportLine {
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let t = TWO_DAYS_START, i = 0; t <= TWO_DAYS_END; t += 3_600_000, i++) {
    timestamps.push(t);
    values.push(i * perHour);
  }
  return { metric, values, timestamps };
}

let files: TwoDayFiles;

beforeAll(async () => {
  files = await writeTwoDayFiles('ml-cost-unit-costs-', [
    ...twoDayUsage(HOURLY_RATES),
    hourly(
      { __name__: 'ml_gpu_seconds_total', use_case: 'chat', model_name: 'llama', gpu_type: 'H200' },
      1800,
    ),
    hourly(
      { __name__: 'ml_inference_duration_milliseconds_count', use_case: 'ghost', model_name: 'x' },
      10,
    ),
  ]);
});

afterAll(async () => {
  await rm(files.dir, { recursive: true, force: true });
  await rm(files.catalogue, { recursive: true, force: true });
});

const run = (command: string, ...args: string[]) =>
  runCli(
    [command, '--source', files.source, '--catalogue', files.catalogue, ...args].concat(
      command === 'gate' ? [] : ['--from', '2026-11-26', '--to', '2026-11-28'],
    ),
    { env: { ML_COST_NOW: NOW } },
  );

const VALUES = ['--value', 'chat=1', '--value', 'search=0.01', '--value', 'ghost=0.1'];

describe('one unit-cost rule in report, rank and gate', () => {
  it('shows a partly unpriced cost per inference as a lower bound in report and rank', async () => {
    const report = await run('report', '--by', 'use_case');
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/chat\s*│.*141\.48\*\s*│\s*≥ 0\.2948\s*│\s*≤ 339\s*│/);
    const rank = await run('rank', ...VALUES);
    expect(rank.code).toBe(0);
    expect(rank.stdout).toMatch(/total\s*│\s*≥ 158\.52\s*│/);
    // A margin of at least 480 - 141.48 still could turn negative: not judged.
    expect(rank.stdout).toMatch(
      /chat\s*│\s*≥ 141\.48\s*│\s*480\s*│\s*≥ 0\.2948\s*│.*│\s*unpriced\s*│/,
    );
  });

  it('leaves the cost per inference of inferences without GPU time undefined in both', async () => {
    const report = await run('report', '--by', 'use_case');
    expect(report.stdout).toMatch(
      /ghost\s*│\s*0\.00\s*│\s*480\s*│\s*0\s*│\s*0\.00\s*│\s*–\s*│\s*–\s*│/,
    );
    const rank = JSON.parse((await run('rank', ...VALUES, '--format', 'json')).stdout);
    const ghost = rank.rows.find((row: { use_case: string }) => row.use_case === 'ghost');
    expect(ghost).toMatchObject({
      cost_per_inference_eur: null,
      marginal: null,
      not_judged: 'no-gpu-time',
    });
    expect(rank.summary.without_gpu_time).toEqual(['ghost']);
    const chat = rank.rows.find((row: { use_case: string }) => row.use_case === 'chat');
    expect(chat).toMatchObject({ cost_is_lower_bound: true, not_judged: 'unpriced' });
    expect(chat.cost_per_inference_eur).toBeCloseTo(0.29475, 9);
  });

  it('never passes a maximum on a lower bound, and breaches when the bound is over it', async () => {
    const gate = (limit: string, ...extra: string[]) =>
      run(
        'gate',
        '--period',
        'this-month',
        '--use-case',
        'chat',
        '--max-unpriced-share',
        '100',
        '--max-cost-per-inference',
        limit,
        ...extra,
      );
    const under = await gate('0.30');
    expect(under.code).toBe(1);
    expect(under.stdout).toMatch(
      /max cost per inference\s*│\s*chat\s*│\s*FAIL\s*│\s*≥ 0\.2948 EUR \(only a bound: part of the GPU time has no rate\)\s*│\s*0\.3000 EUR\s*│\s*–/,
    );
    expect(under.stdout).toMatch(/max unpriced share.*PASS/);
    const over = JSON.parse((await gate('0.29', '--format', 'json')).stdout);
    const check = over.checks.find((c: { check: string }) => c.check === 'cost_per_inference');
    expect(check).toMatchObject({ status: 'fail', bound: 'lower_bound', unmeasured: null });
    expect(check.headroom).toBeCloseTo(0.29 - 0.29475, 9);
  });

  it('fails a unit-cost check of inferences without GPU time, naming why', async () => {
    const result = await run(
      'gate',
      '--use-case',
      'ghost',
      '--max-cost-per-inference',
      '1',
      '--format',
      'json',
    );
    expect(result.code).toBe(1);
    const check = JSON.parse(result.stdout).checks[0];
    expect(check).toMatchObject({ status: 'fail', measured: null, unmeasured: 'no_gpu_usage' });
  });
});
