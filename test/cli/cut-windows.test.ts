// A day alone is the same day inside a month, through the real binary on the example data
// (10-minute scrapes, so a window's first hour needs the sample from before the window).
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

interface JsonReport {
  rows: {
    use_case: string;
    gpu_hours: number;
    inferences: number;
    tokens: number;
    cost_eur: number | null;
  }[];
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ml-cost-cut-windows-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function reportJson(args: string[]): Promise<JsonReport> {
  const result = await runCli(
    ['report', '--source', 'example', '--by', 'use_case', '--format', 'json', ...args],
    {
      cwd: dir,
    },
  );
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as JsonReport;
}

function perUseCase(reports: JsonReport[]): Map<string, [number, number, number, number]> {
  const sums = new Map<string, [number, number, number, number]>();
  for (const report of reports) {
    for (const row of report.rows) {
      const sum = sums.get(row.use_case) ?? [0, 0, 0, 0];
      sum[0] += row.gpu_hours;
      sum[1] += row.inferences;
      sum[2] += row.tokens;
      sum[3] += row.cost_eur ?? 0;
      sums.set(row.use_case, sum);
    }
  }
  return sums;
}

describe('windows cut anywhere', () => {
  it('gives September 2026 as the sum of its 30 days, per use case, to the cent', async () => {
    const days = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        reportJson(['--period', `2026-09-${String(i + 1).padStart(2, '0')}`]),
      ),
    );
    const month = perUseCase([await reportJson(['--period', '2026-09'])]);
    const summed = perUseCase(days);
    expect([...summed.keys()].sort()).toEqual([...month.keys()].sort());
    for (const [useCase, [gpuHours, inferences, tokens, cost]] of month) {
      const [dayGpuHours, dayInferences, dayTokens, dayCost] = summed.get(useCase) ?? [0, 0, 0, 0];
      // Counts are whole and exact; JSON rounds each figure to 6 decimals, 30 times.
      expect(dayInferences, useCase).toBe(inferences);
      expect(dayTokens, useCase).toBe(tokens);
      expect(Math.abs(dayGpuHours - gpuHours), useCase).toBeLessThan(1e-4);
      expect(Math.abs(dayCost - cost), useCase).toBeLessThan(0.005);
    }
  }, 300_000);

  it('writes the same bytes for a day in a nightly export and in a week-long back-fill', async () => {
    const nightly = join(dir, 'nightly.csv');
    const backfill = join(dir, 'backfill');
    await mkdir(backfill);
    const common = ['--source', 'example', '--tz', 'Asia/Kolkata'];
    const one = await runCli(['export', ...common, '--period', '2026-09-15', '--output', nightly], {
      cwd: dir,
    });
    expect(one.code, one.stderr).toBe(0);
    const week = await runCli(
      ['export', ...common, '--from', '2026-09-12', '--to', '2026-09-19', '--output-dir', backfill],
      { cwd: dir },
    );
    expect(week.code, week.stderr).toBe(0);
    const fromWeek = await readFile(join(backfill, 'ml-cost-2026-09-15.csv'), 'utf8');
    expect(fromWeek.split('\n').length).toBeGreaterThan(3);
    expect(fromWeek).toBe(await readFile(nightly, 'utf8'));
  });
});
