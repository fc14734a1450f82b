// Prices in USD, reports in EUR, each hour at the rate in force at its start: report, forecast
// and export through the real binary against the hand calculation in test/helpers/fx-month.ts.
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { parseCsv } from '../helpers/csv.js';
import { focusViolations } from '../helpers/focus-spec.js';
import {
  DECEMBER_RATE,
  EXPECTED,
  type FxMonthFiles,
  writeFxMonthFiles,
  writeFxRate,
} from '../helpers/fx-month.js';
import { tempDir } from '../helpers/temp.js';

const ENV = { ML_COST_NOW: '2026-12-20T00:00:00Z' };
let files: FxMonthFiles;

beforeAll(async () => {
  files = await writeFxMonthFiles('ml-cost-fx-cli-');
});

const run = (args: readonly string[], catalogue = files.catalogue) =>
  runCli([...args, '--source', files.source, '--catalogue', catalogue], { env: ENV });

const cents = (value: unknown) => Math.round(Number(value) * 100) / 100;

describe('report --currency EUR of a USD catalogue', () => {
  it('costs each hour at the rate in force at its start, to the cent', async () => {
    const result = await run([
      'report',
      '--period',
      '2026-11',
      '--currency',
      'EUR',
      '--format',
      'json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.currency).toBe('EUR');
    const cost = (useCase: string) =>
      cents(json.rows.find((r: { use_case: string }) => r.use_case === useCase).cost_eur);
    expect(cost('chat')).toBe(EXPECTED.chat);
    expect(cost('search')).toBe(EXPECTED.search);
    expect(cents(json.totals.cost_eur)).toBe(EXPECTED.month);
    expect(json.catalogue.versions).toEqual(['usd-2026-10']);
    expect(json.catalogue.fx_versions).toEqual(['EURUSD-2026-11', 'EURUSD-2026-11-16']);
    expect(json.catalogue.pricing_currencies).toEqual(['USD']);
    expect(json.rows[0].fx_versions).toEqual(['EURUSD-2026-11', 'EURUSD-2026-11-16']);
  });

  it('splits the day of the rate change between the two rates', async () => {
    const result = await run([
      'report',
      '--from',
      '2026-11-16',
      '--to',
      '2026-11-17',
      '--currency',
      'EUR',
      '--granularity',
      'day',
      '--format',
      'csv',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const rows = parseCsv(result.stdout);
    const chat = rows.find((r) => r.use_case === 'chat');
    expect(cents(chat?.cost_eur)).toBe(EXPECTED.nov16.chat);
    expect(cents(rows.find((r) => r.use_case === 'search')?.cost_eur)).toBe(EXPECTED.nov16.search);
    expect(chat?.catalogue_versions).toBe('usd-2026-10');
    expect(chat?.fx_versions).toBe('EURUSD-2026-11;EURUSD-2026-11-16');
  });

  it('names the exchange-rate versions beside the catalogue versions in the table', async () => {
    const result = await run(['report', '--period', '2026-11', '--currency', 'EUR']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('prices  catalogue usd-2026-10 · EUR · hash');
    expect(result.stdout).toContain('fx      EURUSD-2026-11, EURUSD-2026-11-16 · USD → EUR');
    expect(result.stdout).toMatch(/cost EUR/);
    expect(result.stdout).toMatch(/total .*2,008\.89/);
  });

  it('needs no --currency to report in the catalogue currency, and then converts nothing', async () => {
    const result = await run(['report', '--period', '2026-11', '--format', 'json']);
    const json = JSON.parse(result.stdout);
    expect(json.currency).toBe('USD');
    // 720 x 3.50 + 360 x 0.80 = 2808.00 USD.
    expect(cents(json.totals.cost_usd)).toBe(2808);
    expect(json.catalogue.fx_versions).toBeUndefined();
  });

  it("converts the whole month at one rate with --fx-version: last month at today's rate", async () => {
    const result = await run([
      'report',
      '--period',
      '2026-11',
      '--currency',
      'EUR',
      '--fx-version',
      'EURUSD-2026-11-16',
      '--format',
      'json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(cents(json.totals.cost_eur)).toBe(EXPECTED.atMidMonthRate.month);
    expect(json.catalogue.fx_versions).toEqual(['EURUSD-2026-11-16']);
    expect(json.catalogue.forced_fx_versions).toEqual(['EURUSD-2026-11-16']);
  });

  it('leaves hours before the first rate unpriced, naming the pair and the hour, never at 1.0', async () => {
    const result = await run([
      'report',
      '--from',
      '2026-09-30T22:00:00Z',
      '--to',
      '2026-10-01T02:00:00Z',
      '--currency',
      'GBP',
      '--format',
      'json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      'no USD->GBP exchange rate in force at 2026-10-01T00:00:00Z (catalogue version usd-2026-10 prices in USD)',
    );
    expect(JSON.parse(result.stdout).catalogue.missing_fx).toEqual([
      'USD->GBP from 2026-10-01T00:00:00Z',
    ]);
  });

  it('refuses an unknown currency, and an unknown exchange-rate version (exit 2)', async () => {
    const currency = await run(['report', '--period', '2026-11', '--currency', 'eur']);
    expect(currency.code).toBe(2);
    expect(currency.stderr).toContain('--currency: "eur" is not an ISO 4217 currency code');
    const version = await run(['report', '--period', '2026-11', '--fx-version', 'nope']);
    expect(version.code).toBe(2);
    expect(version.stderr).toContain(
      '--fx-version: unknown exchange-rate version "nope"; available: EURUSD-2026-10, EURUSD-2026-11, EURUSD-2026-11-16',
    );
  });
});

describe('every output names the exchange-rate versions beside the catalogue versions', () => {
  const BOTH = 'EURUSD-2026-11, EURUSD-2026-11-16';
  it.each([
    [['report', '--period', '2026-11', '--format', 'markdown'], `fx      ${BOTH} · USD → EUR`],
    [['report', '--period', '2026-11', '--format', 'html'], `<dt>fx</dt><dd>${BOTH} · USD → EUR`],
    [['rank', '--period', '2026-11'], `fx      ${BOTH} · USD → EUR`],
    [['gate', '--period', '2026-11', '--budget', '5000'], `fx      ${BOTH} · USD → EUR`],
    [
      ['forecast', '--month', '2026-11', '--as-of', '2026-11-10T00:00:00Z'],
      `fx      ${BOTH} · USD → EUR`,
    ],
  ])('%j', async (args, line) => {
    const result = await run([...args, '--currency', 'EUR']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(line);
  });

  it.each([
    [['rank', '--period', '2026-11', '--format', 'csv']],
    [['forecast', '--month', '2026-11', '--as-of', '2026-11-20T00:00:00Z', '--format', 'csv']],
  ])('in every CSV record: %j', async (args) => {
    const result = await run([...args, '--currency', 'EUR']);
    expect(result.code, result.stderr).toBe(0);
    for (const record of parseCsv(result.stdout)) {
      expect(record.fx_versions).toBe('EURUSD-2026-11;EURUSD-2026-11-16');
    }
  });

  it.each([
    [['rank', '--period', '2026-11', '--format', 'json']],
    [['gate', '--period', '2026-11', '--budget', '5000', '--format', 'json']],
  ])('in JSON: %j', async (args) => {
    const result = await run([...args, '--currency', 'EUR']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.currency).toBe('EUR');
    expect(json.catalogue.fx_versions).toEqual(['EURUSD-2026-11', 'EURUSD-2026-11-16']);
  });
});

describe('a catalogue of several currencies', () => {
  // usd-2026-10 from Oct 1, then a EUR version from Nov 16 12:00: A100-80GB 2.50, L4 0.55 EUR.
  // In EUR: chat 372 x 2.80 + 348 x 2.50 = 1041.60 + 870.00 = 1911.60;
  //         search 186 x 0.64 + 174 x 0.55 = 119.04 + 95.70 = 214.74; month 2126.34 EUR.
  const mixed = async () => {
    const dir = await tempDir('ml-cost-fx-mixed-');
    await cp(files.catalogue, dir, { recursive: true });
    await writeFile(
      join(dir, 'eur.json'),
      JSON.stringify({
        version: 'eur-2026-11-16',
        effective_from: '2026-11-16T12:00:00Z',
        currency: 'EUR',
        gpu_hour: { 'A100-80GB': 2.5, L4: 0.55 },
      }),
    );
    return dir;
  };

  it('needs a reporting currency, and says how to give one (exit 2)', async () => {
    const result = await run(['report', '--period', '2026-11'], await mixed());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'prices in USD, EUR: choose the reporting currency with --currency CODE or "currency" in the config',
    );
  });

  it('refuses a config currency that is not an ISO 4217 code, naming the file and field', async () => {
    const config = join(await tempDir('ml-cost-fx-config-'), 'config.json');
    await writeFile(config, JSON.stringify({ currency: 'Euro' }));
    const result = await run(['report', '--period', '2026-11', '--config', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${config}: currency: "Euro" is not an ISO 4217 currency code`);
  });

  it('takes it from the config, and converts only the versions in another currency', async () => {
    const catalogue = await mixed();
    const config = join(catalogue, '..', 'config.json');
    await writeFile(config, JSON.stringify({ currency: 'EUR' }));
    const result = await run(
      ['report', '--period', '2026-11', '--config', config, '--format', 'json'],
      catalogue,
    );
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(cents(json.totals.cost_eur)).toBe(2126.34);
    expect(json.catalogue.versions).toEqual(['usd-2026-10', 'eur-2026-11-16']);
    expect(json.catalogue.fx_versions).toEqual(['EURUSD-2026-11']);
    expect(json.catalogue.pricing_currencies).toEqual(['EUR', 'USD']);
  });
});

describe('drift --currency EUR', () => {
  it('names a new exchange rate as the price change behind a moved unit cost', async () => {
    // chat: 1 GPU-hour and 10 inferences an hour. Baseline Nov 1-15 at 1.25: 2.80 / 10 = 0.28
    // EUR per inference; Nov 17 at 1.60: 2.1875 / 10 = 0.21875, 21.9 % less, same usage.
    const result = await run([
      'drift',
      '--from',
      '2026-11-17',
      '--to',
      '2026-11-18',
      '--by',
      'use_case',
      '--currency',
      'EUR',
      '--format',
      'json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.stringify(JSON.parse(result.stdout));
    expect(json).toContain('"cause":"price_change"');
    expect(json).toContain('"new_fx_versions":["EURUSD-2026-11-16"]');
  });
});

describe('a closed month', () => {
  it('keeps its figures, byte for byte, when a later rate is added (only the hash moves)', async () => {
    const own = await writeFxMonthFiles('ml-cost-fx-closed-');
    const outputs = async () =>
      Promise.all(
        ['csv', 'json', 'markdown'].map(async (format) => {
          const result = await runCli(
            ['report', '--period', '2026-11', '--currency', 'EUR', '--granularity', 'day'].concat([
              '--source',
              own.source,
              '--catalogue',
              own.catalogue,
              '--format',
              format,
            ]),
            { env: ENV },
          );
          expect(result.code, result.stderr).toBe(0);
          return result.stdout;
        }),
      );
    const hash = async () =>
      JSON.parse((await runCli(['pricing', 'validate', own.catalogue, '--format', 'json'])).stdout)
        .hash as string;
    const before = await outputs();
    const hashBefore = await hash();
    await writeFxRate(own.catalogue, DECEMBER_RATE);
    const after = await outputs();
    const hashAfter = await hash();
    expect(hashAfter).not.toBe(hashBefore);
    after.forEach((text, i) => {
      expect(text.includes(hashAfter)).toBe(true);
      expect(text.replaceAll(hashAfter, 'HASH')).toBe(before[i]?.replaceAll(hashBefore, 'HASH'));
    });
    // The new rate does price December.
    const december = await runCli(
      ['report', '--period', '2026-12', '--currency', 'EUR', '--format', 'json'].concat([
        '--source',
        own.source,
        '--catalogue',
        own.catalogue,
      ]),
      { env: ENV },
    );
    expect(JSON.parse(december.stdout).catalogue.fx_versions).toEqual(['EURUSD-2026-12']);
  });
});

describe('forecast --currency EUR', () => {
  it('prices the rest of the month at the rates in force, to the cent', async () => {
    const result = await run([
      'forecast',
      '--month',
      '2026-11',
      '--as-of',
      '2026-11-10T00:00:00Z',
      '--currency',
      'EUR',
      '--format',
      'json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.currency).toBe('EUR');
    // To date: 216 h x 2.80 + 108 h x 0.64 = 604.80 + 69.12 = 673.92 EUR. The usage is flat, so
    // run-rate and trend both come to the month's actual cost, 2008.89 EUR, which needs the
    // remaining 504 hours priced at 1.25 until Nov 16 12:00 and at 1.60 after.
    expect(cents(json.month_to_date.cost_eur)).toBe(673.92);
    expect(cents(json.run_rate.forecast_eur)).toBe(EXPECTED.month);
    expect(cents(json.trend.forecast_eur)).toBe(EXPECTED.month);
    expect(json.catalogue.fx_versions).toEqual(['EURUSD-2026-11']);
    expect(json.catalogue.remaining_fx_versions).toEqual(['EURUSD-2026-11', 'EURUSD-2026-11-16']);
  });
});

describe('export --currency EUR', () => {
  it('writes ml-cost rows in EUR that add up to the hand total, each naming its rate', async () => {
    const out = join(files.source, '..', 'nov.csv');
    const result = await run([
      'export',
      '--period',
      '2026-11',
      '--currency',
      'EUR',
      '--granularity',
      'day',
      '--output',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const rows = parseCsv(await readFile(out, 'utf8'));
    // 30 days x 2 groups, and Nov 16 split at the rate change: one row per rate.
    expect(rows.length).toBe(62);
    const total = rows.reduce((sum, row) => sum + Number(row.cost_eur), 0);
    expect(Math.round(total * 100) / 100).toBe(EXPECTED.month);
    const nov16 = rows.filter((row) => row.period_start === '2026-11-16T00:00:00Z');
    expect(nov16.map((row) => row.fx_versions).sort()).toEqual([
      'EURUSD-2026-11',
      'EURUSD-2026-11',
      'EURUSD-2026-11-16',
      'EURUSD-2026-11-16',
    ]);
    await rm(out);
  });

  it.each(['1.2', '1.3'])(
    'writes FOCUS %s billed in EUR with the PricingCurrency columns in USD, to the cent',
    async (focusVersion) => {
      const result = await run([
        'export',
        '--period',
        '2026-11',
        '--currency',
        'EUR',
        '--schema',
        'focus',
        '--focus-version',
        focusVersion,
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(focusViolations(result.stdout, focusVersion as '1.2' | '1.3')).toEqual([]);
      const rows = parseCsv(result.stdout);
      const sum = (column: string) =>
        Math.round(rows.reduce((total, row) => total + Number(row[column]), 0) * 100) / 100;
      for (const column of ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost']) {
        expect(sum(column), column).toBe(EXPECTED.month);
      }
      // Priced in USD: 720 x 3.50 + 360 x 0.80 = 2808.00, whatever the rate.
      expect(sum('PricingCurrencyEffectiveCost')).toBe(2808);
      for (const row of rows) {
        expect(row.BillingCurrency).toBe('EUR');
        expect(row.PricingCurrency).toBe('USD');
        const usd = row.x_GpuType === 'L4' ? 0.8 : 3.5;
        expect(Number(row.PricingCurrencyListUnitPrice)).toBe(usd);
        expect(Number(row.PricingCurrencyContractedUnitPrice)).toBe(usd);
        const rate = row.x_FxVersion === 'EURUSD-2026-11' ? 1.25 : 1.6;
        expect(row.x_FxVersion).toMatch(/^EURUSD-2026-11(-16)?$/);
        expect(Number(row.ListUnitPrice)).toBeCloseTo(usd / rate, 9);
        // Each charge lies wholly on one side of the rate change.
        const change = Date.UTC(2026, 10, 16, 12);
        const start = Date.parse(row.ChargePeriodStart ?? '');
        const end = Date.parse(row.ChargePeriodEnd ?? '');
        expect(end <= change || start >= change, row.ChargePeriodStart).toBe(true);
        expect(rate === 1.6).toBe(start >= change);
      }
    },
  );
});
