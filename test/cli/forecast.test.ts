// ml-cost forecast through the real binary on the example data: GPU time with no rate in the
// catalogue (RTX-6000-Ada) has an unknown cost, never a cost of zero, in every format.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { parseCsv } from '../helpers/csv.js';

const forecast = (format: string) =>
  runCli(
    ['forecast', '--source', 'example', '--month', '2026-09', '--by', 'gpu_type'].concat([
      '--format',
      format,
    ]),
    { env: { ML_COST_NOW: '2026-09-20T10:00:00Z' } },
  );

describe('ml-cost forecast of an unpriced GPU type', () => {
  it('writes empty cost cells in CSV, beside its unpriced GPU-hours', async () => {
    const result = await forecast('csv');
    expect(result.code).toBe(0);
    const rtx = parseCsv(result.stdout).find((row) => row.gpu_type === 'RTX-6000-Ada');
    expect(Number(rtx?.unpriced_gpu_hours)).toBeGreaterThan(0);
    const costs = Object.entries(rtx ?? {}).filter(([name]) => name.endsWith('_eur'));
    expect(costs.length).toBeGreaterThan(0);
    for (const [, cell] of costs) expect(cell).toBe('');
    const priced = parseCsv(result.stdout).find((row) => row.gpu_type === 'L4');
    expect(Number(priced?.month_to_date_eur)).toBeGreaterThan(0);
  });

  it('says null and priced: false in JSON, and unpriced in the table', async () => {
    const json = JSON.parse((await forecast('json')).stdout);
    const rtx = json.groups.find(
      (group: { gpu_type: string }) => group.gpu_type === 'RTX-6000-Ada',
    );
    expect(rtx.priced).toBe(false);
    expect(rtx.month_to_date.cost_eur).toBeNull();
    expect(rtx.run_rate.forecast_eur).toBeNull();
    const table = (await forecast('table')).stdout;
    expect(table).toMatch(/RTX-6000-Ada\s*│\s*unpriced\s*│\s*unpriced/);
  });
});

describe('ml-cost forecast as of now', () => {
  const cut = async (now: string) => {
    const result = await runCli(
      ['forecast', '--source', 'example', '--month', '2026-09', '--format', 'json'],
      { env: { ML_COST_NOW: now } },
    );
    return JSON.parse(result.stdout).cut_to_settled === true;
  };

  it('says it was cut to the settled point only when that point, not the month end, cut it', async () => {
    expect(await cut('2026-09-20T10:00:00Z')).toBe(true);
    expect(await cut('2026-10-20T10:00:00Z')).toBe(false);
  });
});

describe('forecast and rank CSV', () => {
  it.each([
    [['forecast', '--month', '2026-09', '--by', 'use_case']],
    [['rank', '--period', '2026-09']],
  ])('name the catalogue versions and hash on every record: %j', async (args) => {
    const run = (format: string) =>
      runCli([...args, '--source', 'example', '--format', format], {
        env: { ML_COST_NOW: '2026-09-20T10:00:00Z' },
      });
    const { catalogue } = JSON.parse((await run('json')).stdout);
    const records = parseCsv((await run('csv')).stdout);
    expect(records.length).toBeGreaterThan(1);
    for (const record of records) {
      expect(record.catalogue_hash).toBe(catalogue.hash);
      expect(record.catalogue_versions).toBe(catalogue.versions.join(';'));
    }
  });
});

describe('forecast CSV of a month that has ended', () => {
  it('judges the budget on the actual cost, in the actual columns', async () => {
    const env = { ML_COST_NOW: '2026-10-20T10:00:00Z' };
    const csv = await runCli(
      ['forecast', '--source', 'example', '--month', '2026-09', '--budget', '10000'].concat([
        '--format',
        'csv',
      ]),
      { env },
    );
    const [total] = parseCsv(csv.stdout);
    const report = await runCli(
      ['report', '--source', 'example', '--period', '2026-09', '--format', 'json'],
      { env },
    );
    const spent = JSON.parse(report.stdout).totals.cost_eur;
    expect(Number(total?.actual_over_budget_eur)).toBeCloseTo(spent - 10000, 6);
    expect(total?.actual_budget_crossed_on).toMatch(/^2026-09-\d\d$/);
    expect(total?.run_rate_over_budget_eur).toBe('');
    expect(total?.run_rate_budget_crossed_on).toBe('');
  });
});

describe('gate --on forecast JSON', () => {
  it('gives the forecast figure at the decimals the forecast JSON gives it', async () => {
    const env = { ML_COST_NOW: '2026-09-20T10:00:00Z' };
    const forecastJson = JSON.parse(
      (
        await runCli(
          ['forecast', '--source', 'example', '--month', '2026-09', '--format', 'json'],
          { env },
        )
      ).stdout,
    );
    const gateJson = JSON.parse(
      (
        await runCli(
          ['gate', '--source', 'example', '--period', '2026-09', '--budget', '30000'].concat([
            '--on',
            'forecast',
            '--format',
            'json',
          ]),
          { env },
        )
      ).stdout,
    );
    const budget = gateJson.checks.find((check: { check: string }) => check.check === 'cost');
    const higher = Math.max(
      forecastJson.run_rate.forecast_eur,
      forecastJson.trend.available ? forecastJson.trend.forecast_eur : 0,
    );
    expect(budget.measured).toBe(higher);
  });
});

describe('ml-cost forecast in words', () => {
  const table = (month: string, now: string, extra: string[] = []) =>
    runCli(['forecast', '--source', 'example', '--month', month, ...extra], {
      env: { ML_COST_NOW: now },
    });

  it('counts remaining days as days, not as money', async () => {
    // As of 2026-09-20T00:00Z, 11 whole days of September remain.
    const whole = await table('2026-09', '2026-10-20T12:00:00Z', [
      '--as-of',
      '2026-09-20T00:00:00Z',
    ]);
    expect(whole.stdout).toMatch(/; 11 remaining days add EUR /);
    // At noon on the 15th of October, 16.5 days remain.
    const half = await table('2026-10', '2026-10-20T12:00:00Z', [
      '--as-of',
      '2026-10-15T12:00:00Z',
    ]);
    expect(half.stdout).toMatch(/; 16\.5 remaining days add EUR /);
  });

  it('projects no unpriced usage for a month that has ended', async () => {
    const ended = await table('2026-09', '2026-10-20T12:00:00Z');
    expect(ended.stdout).toMatch(
      /^unpriced: [\d,.]+ GPU-hours have no rate in the catalogue and are not in the figures$/m,
    );
    expect(ended.stdout).not.toMatch(/projected/);
  });
});
