// Reports in EUR from a USD catalogue, against a real VictoriaMetrics: the month of usage of
// test/helpers/fx-month.ts (known increments, a EUR/USD rate change on Nov 16 at 12:00 UTC),
// costed to the cent by report, forecast and the FOCUS export, and the same bytes as the offline
// export file gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { parseCsv } from '../helpers/csv.js';
import { focusViolations } from '../helpers/focus-spec.js';
import {
  EXPECTED,
  type FxMonthFiles,
  fxMonthUsage,
  RATE_CHANGE,
  writeFxMonthFiles,
} from '../helpers/fx-month.js';
import { startVictoria, type Victoria } from '../helpers/victoria.js';

let victoria: Victoria;
let files: FxMonthFiles;

beforeAll(async () => {
  victoria = await startVictoria();
  await victoria.import(fxMonthUsage());
  files = await writeFxMonthFiles('ml-cost-fx-vm-');
});

afterAll(async () => {
  await victoria?.stop();
});

const run = (args: readonly string[], source = victoria.url) =>
  runCli([...args, '--source', source, '--catalogue', files.catalogue, '--currency', 'EUR'], {
    env: { ML_COST_NOW: '2026-12-20T00:00:00Z' },
  });

const cents = (value: unknown) => Math.round(Number(value) * 100) / 100;

describe('--currency EUR on a real VictoriaMetrics', () => {
  it('reports the month to the cent, each hour at the rate in force at its start', async () => {
    const result = await run(['report', '--period', '2026-11', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    const cost = (useCase: string) =>
      cents(json.rows.find((r: { use_case: string }) => r.use_case === useCase).cost_eur);
    expect(cost('chat')).toBe(EXPECTED.chat);
    expect(cost('search')).toBe(EXPECTED.search);
    expect(cents(json.totals.cost_eur)).toBe(EXPECTED.month);
    expect(json.catalogue.fx_versions).toEqual(['EURUSD-2026-11', 'EURUSD-2026-11-16']);
  });

  it('cuts a local day of Asia/Kolkata at the rate change, 17:30 there', async () => {
    // Nov 16 in Asia/Kolkata is 2026-11-15T18:30Z .. 2026-11-16T18:30Z. The counters are sampled
    // on the UTC hour, so each GPU-hour arrives with the sample that ends it: the day holds the
    // samples of 19:00Z .. 18:00Z, 18 before the change at 12:00Z (1.25) and 6 after (1.60):
    // chat 18 x 2.80 + 6 x 2.1875 = 50.40 + 13.125 = 63.525 EUR.
    const args = ['report', '--period', '2026-11-16', '--tz', 'Asia/Kolkata', '--format', 'csv'];
    const result = await run(args);
    expect(result.code, result.stderr).toBe(0);
    const chat = parseCsv(result.stdout).find((row) => row.use_case === 'chat');
    expect(Number(chat?.cost_eur)).toBeCloseTo(63.525, 6);
    expect(chat?.fx_versions).toBe('EURUSD-2026-11;EURUSD-2026-11-16');
    // The offline export file of the same samples gives the same bytes.
    expect((await run(args, files.source)).stdout).toBe(result.stdout);
  });

  it('forecasts the month from its first nine days at the rates in force', async () => {
    const result = await run([
      'forecast',
      '--month',
      '2026-11',
      '--as-of',
      '2026-11-10T00:00:00Z',
      '--format',
      'json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(cents(json.month_to_date.cost_eur)).toBe(673.92);
    expect(cents(json.run_rate.forecast_eur)).toBe(EXPECTED.month);
    expect(json.catalogue.remaining_fx_versions).toEqual(['EURUSD-2026-11', 'EURUSD-2026-11-16']);
  });

  it('exports FOCUS billed in EUR, priced in USD, each charge on one side of the change', async () => {
    const result = await run(['export', '--period', '2026-11', '--schema', 'focus']);
    expect(result.code, result.stderr).toBe(0);
    expect(focusViolations(result.stdout, '1.3')).toEqual([]);
    const rows = parseCsv(result.stdout);
    const sum = (column: string) =>
      cents(rows.reduce((total, row) => total + Number(row[column]), 0));
    expect(sum('BilledCost')).toBe(EXPECTED.month);
    expect(sum('PricingCurrencyEffectiveCost')).toBe(2808);
    for (const row of rows) {
      const start = Date.parse(row.ChargePeriodStart ?? '');
      const end = Date.parse(row.ChargePeriodEnd ?? '');
      expect(end <= RATE_CHANGE || start >= RATE_CHANGE).toBe(true);
      expect(row.x_FxVersion).toBe(start >= RATE_CHANGE ? 'EURUSD-2026-11-16' : 'EURUSD-2026-11');
    }
  });
});
