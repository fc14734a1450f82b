// FOCUS exports of generated reports, many seeds: zones with whole-hour, DST and half-hour
// offsets, hours and days, a price change anywhere in the window, several identities and
// extra labels. Every file passes every rule test/helpers/focus-spec.ts knows, in both
// versions, and its BilledCost adds up to rate x GPU-hours summed here.
import { describe, expect, it } from 'vitest';
import { localDay } from '../../src/core/periods.js';
import type { UsageReport, UsageRow } from '../../src/core/report.js';
import { prng } from '../../src/example/generate.js';
import { DEFAULT_FOCUS_IDENTITY, type FocusIdentity, focusTable } from '../../src/export/focus.js';
import { renderTableCsv } from '../../src/render/csv.js';
import { parseCsv, parseCsvLines } from '../helpers/csv.js';
import { focusViolations } from '../helpers/focus-spec.js';
import { usageReport, usageRow } from '../helpers/usage-report.js';

const HOUR = 3_600_000;

const ZONES = ['UTC', 'Europe/Paris', 'Asia/Kolkata'];
/** First local days of two-day windows: DST starts and ends in Paris, a month's end. */
const FIRST_DAYS = ['2026-03-28', '2026-10-24', '2026-10-31', '2026-11-26'];
const IDENTITIES: FocusIdentity[] = [
  DEFAULT_FOCUS_IDENTITY,
  {
    ...DEFAULT_FOCUS_IDENTITY,
    billingAccountId: 'acct-42',
    billingAccountName: 'ML platform',
    serviceProviderName: 'Example AI',
    invoiceIssuerName: 'Example AI',
    hostProviderName: 'Example Cloud',
    serviceSubcategory: 'Generative AI',
  },
];

interface Case {
  readonly report: UsageReport;
  readonly rates: Record<string, Record<string, number>>;
  readonly changeMs: number;
  readonly identity: FocusIdentity;
  /** rate x GPU-hours over every row, summed here from the generated numbers. */
  readonly expectedCost: number;
  readonly charges: number;
}

function generate(seed: number): Case {
  const next = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const tz = pick(ZONES);
  const first = localDay(Date.parse(`${pick(FIRST_DAYS)}T12:00:00Z`), tz);
  const second = localDay(first.endMs, tz);
  const window = { fromMs: first.startMs, toMs: second.endMs, tz, label: 'generated' };
  const granularity = pick(['hour', 'day'] as const);
  // A price change on a whole UTC hour inside the window (mid-hour in Kolkata's grid).
  const hours = (window.toMs - window.fromMs) / HOUR;
  const changeMs = Math.ceil(window.fromMs / HOUR) * HOUR + Math.floor(next() * hours) * HOUR;
  const price = () => {
    const decimals = 10 ** pick([2, 3, 4]);
    return Math.round((0.2 + next() * 8) * decimals) / decimals;
  };
  const gpuTypes = ['A100-80GB', 'H100-80GB', 'L4'];
  const rates = {
    v1: Object.fromEntries(gpuTypes.map((type) => [type, price()])),
    v2: Object.fromEntries(gpuTypes.map((type) => [type, price()])),
  };
  const extraLabel = next() < 0.5;
  const by = ['use_case', 'model_name', 'gpu_type', ...(extraLabel ? ['environment'] : [])];
  const groups = ['chat', 'search', 'summarise']
    .slice(0, 1 + Math.floor(next() * 3))
    .flatMap((useCase) =>
      gpuTypes.slice(0, 1 + Math.floor(next() * 2)).map((gpuType) => ({
        use_case: useCase,
        model_name: `${useCase}-model`,
        gpu_type: gpuType,
        ...(extraLabel ? { environment: pick(['prod', 'staging']) } : {}),
      })),
    );
  const periods =
    granularity === 'day'
      ? [first, second]
      : Array.from({ length: hours }, (_, i) => ({
          startMs: window.fromMs + i * HOUR,
          endMs: window.fromMs + (i + 1) * HOUR,
        }));
  const rows: UsageRow[] = [];
  let expectedCost = 0;
  for (const period of periods) {
    // A day split by the change is a row per version; an hour is priced at its start.
    const versions =
      granularity === 'day' && period.startMs < changeMs && changeMs < period.endMs
        ? ['v1', 'v2']
        : [period.startMs < changeMs ? 'v1' : 'v2'];
    for (const group of groups) {
      for (const version of versions) {
        if (next() < 0.2) continue; // not every group runs every hour
        const scale = granularity === 'day' ? 24 : 1;
        const gpuHours = pick([next() * scale, Math.round(next() * scale), next() * 1e-3]);
        if (gpuHours === 0) continue;
        const rate = rates[version as 'v1' | 'v2'][group.gpu_type] as number;
        expectedCost += rate * gpuHours;
        rows.push(
          usageRow({
            group,
            period,
            versions: [version],
            gpuHours,
            cost: rate * gpuHours,
            inferences: Math.floor(next() * 1000),
            tokens: Math.floor(next() * 100_000),
          }),
        );
      }
    }
  }
  const report = usageReport(rows, {
    window,
    granularity,
    by,
    catalogue: {
      origin: 'generated',
      hash: 'h',
      currency: pick(['EUR', 'USD', 'INR']),
      versions: ['v1', 'v2'],
    },
  });
  return {
    report,
    rates,
    changeMs,
    identity: pick(IDENTITIES),
    expectedCost,
    charges: rows.length,
  };
}

describe('FOCUS exports of generated reports', () => {
  for (let seed = 1; seed <= 60; seed++) {
    it(`seed ${seed}: both versions pass every rule and add up`, () => {
      const c = generate(seed);
      for (const version of ['1.2', '1.3'] as const) {
        const table = focusTable(c.report, {
          version,
          identity: c.identity,
          labels: { useCase: 'use_case', model: 'model_name', gpuType: 'gpu_type' },
          rateOf: (v, gpuType) => c.rates[v]?.[gpuType],
          spanOf: (v) =>
            v === 'v1'
              ? { startMs: Number.NEGATIVE_INFINITY, endMs: c.changeMs }
              : { startMs: c.changeMs, endMs: Number.POSITIVE_INFINITY },
        });
        const csv = renderTableCsv(table);
        expect(focusViolations(csv, version)).toEqual([]);
        const records = parseCsv(csv);
        expect(records).toHaveLength(c.charges);
        const billed = records.reduce((sum, record) => sum + Number(record.BilledCost), 0);
        // Each quantity is rounded to 1e-9 GPU-hours and moved by a few such steps at most:
        // at rates below 10 that is under 1e-6 per row, far below a cent over any file.
        expect(Math.abs(billed - c.expectedCost)).toBeLessThan(c.charges * 1e-6);
        expect(billed.toFixed(2)).toBe(c.expectedCost.toFixed(2));
        expect(renderTableCsv(table)).toBe(csv);
      }
    });
  }
});

describe('the FOCUS rules catch what they are about', () => {
  const c = generate(7);
  const csv = renderTableCsv(
    focusTable(c.report, {
      version: '1.3',
      identity: DEFAULT_FOCUS_IDENTITY,
      labels: { useCase: 'use_case', model: 'model_name', gpuType: 'gpu_type' },
      rateOf: (v, gpuType) => c.rates[v]?.[gpuType],
    }),
  );
  const header = csv.slice(0, csv.indexOf('\n')).split(',');
  /** The file with one column's cell of the first record replaced. */
  const withCell = (name: string, value: string) => {
    const [head, first, ...rest] = parseCsvLines(csv);
    const index = head?.indexOf(name) ?? -1;
    const changed = (first ?? []).map((cell, i) => (i === index ? value : cell));
    return [head, changed, ...rest]
      .map((cells) =>
        (cells ?? [])
          .map((cell) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell))
          .join(','),
      )
      .join('\n');
  };

  it.each([
    ['PricingQuantity', '1', /PricingQuantity: fixed decimals/],
    ['ListCost', '1.000000000000000000', /ListUnitPrice-C-010-C/],
    ['ChargePeriodStart', '2026-11-27T00:00:00+01:00', /ChargePeriodStart-C-002-M/],
    ['ChargeCategory', 'Refund', /ChargeCategory-C-003-M/],
    ['ServiceSubcategory', 'Virtual Machines', /ServiceSubcategory-C-004-M/],
    ['BillingCurrency', 'XYZ', /BillingCurrency-C-006-M/],
    ['SkuPriceDetails', '{"Gpus":1}', /SkuPriceDetails-C-017-C/],
    ['PricingUnit', 'GPU hours!', /UnitFormat/],
    ['SkuId', '', /SkuId-C-005-C/],
    ['ChargeClass', 'Refund', /ChargeClass-C-005-C/],
    ['InvoiceIssuerName', 'Reseller', /BilledCost-C-005-C/],
  ])('%s = %s', (name, value, rule) => {
    expect(header).toContain(name);
    expect(focusViolations(csv, '1.3')).toEqual([]);
    expect(focusViolations(withCell(name, value), '1.3').join('\n')).toMatch(rule);
  });

  it('a 1.3 column in a 1.2 file, and a duplicate column', () => {
    expect(focusViolations(csv, '1.2').join('\n')).toMatch(
      /ColumnHandling-A-010-M: HostProviderName/,
    );
    const doubled = csv.replace('x_CatalogueHash', 'x_CatalogueVersion');
    expect(focusViolations(doubled, '1.3').join('\n')).toMatch(/column IDs MUST be unique/);
  });
});
