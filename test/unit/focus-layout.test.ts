// The FOCUS layout on hand-made reports: columns per version, prices and quantities that
// reconcile as written, identity rules, what happens to tokens no GPU charge can carry.
import { describe, expect, it } from 'vitest';
import type { UsageReport, UsageRow } from '../../src/core/report.js';
import {
  DEFAULT_FOCUS_IDENTITY,
  type FocusLayoutOptions,
  focusIdentity,
  focusTable,
} from '../../src/export/focus.js';
import { customLabelColumn } from '../../src/export/focus-columns.js';
import { renderTableCsv } from '../../src/render/csv.js';
import { parseCsv } from '../helpers/csv.js';
import {
  FOCUS_MANDATORY_COLUMNS,
  focusViolations,
  mandatoryColumns,
} from '../helpers/focus-spec.js';
import { dayReport, usageRow } from '../helpers/usage-report.js';

const NOV_27 = Date.UTC(2026, 10, 27);
const DAY = 24 * 3_600_000;
const day = { startMs: NOV_27, endMs: NOV_27 + DAY };
const RATES: Record<string, number> = { 'A100-80GB': 2.93, L4: 0.71 };

const row = (overrides: Partial<UsageRow> & Pick<UsageRow, 'group'>): UsageRow =>
  usageRow({ versions: ['2026-07'], period: day, ...overrides });

const report = dayReport;

const options = (overrides: Partial<FocusLayoutOptions> = {}): FocusLayoutOptions => ({
  version: '1.3',
  identity: DEFAULT_FOCUS_IDENTITY,
  labels: { useCase: 'use_case', model: 'model_name', gpuType: 'gpu_type' },
  rateOf: (version, gpuType) => (version === '2026-07' ? RATES[gpuType] : undefined),
  ...overrides,
});

const chat = { use_case: 'chat', model_name: 'llama' };
const chatA100 = row({
  group: { ...chat, gpu_type: 'A100-80GB' },
  gpuHours: 10,
  cost: 29.3, // 10 h x 2.93
  inferences: 1000,
  tokens: 50_000,
});
const searchL4 = row({
  group: { use_case: 'search', model_name: 'bge', gpu_type: 'L4' },
  gpuHours: 2,
  cost: 1.42, // 2 h x 0.71
});

function records(r: UsageReport, o = options()): Record<string, string>[] {
  return parseCsv(renderTableCsv(focusTable(r, o)));
}

describe('FOCUS columns', () => {
  it('1.3: every mandatory column, the provider names, and custom columns only with x_', () => {
    const names = focusTable(report([chatA100]), options()).columns.map((c) => c.name);
    for (const column of FOCUS_MANDATORY_COLUMNS) expect(names).toContain(column);
    expect(names).toEqual(expect.arrayContaining(['ServiceProviderName', 'HostProviderName']));
    const custom = names.filter((name) => !/^[A-Z]/.test(name));
    expect(custom.every((name) => name.startsWith('x_'))).toBe(true);
  });

  it('1.2: no 1.3 columns, which would be unprefixed custom columns there', () => {
    const names = focusTable(report([chatA100]), options({ version: '1.2' })).columns.map(
      (c) => c.name,
    );
    for (const column of mandatoryColumns('1.2')) expect(names).toContain(column);
    expect(names).not.toContain('ServiceProviderName');
    expect(names).not.toContain('HostProviderName');
  });

  it.each(['1.2', '1.3'] as const)('a %s file passes every rule the helper knows', (version) => {
    const csv = renderTableCsv(focusTable(report([chatA100, searchL4]), options({ version })));
    expect(focusViolations(csv, version)).toEqual([]);
    // The rules can fail: the same file read as the other version does not pass.
    expect(focusViolations(csv, version === '1.2' ? '1.3' : '1.2')).not.toEqual([]);
  });

  it('puts other --by labels in x_Label columns, and refuses two that spell one column', () => {
    expect(customLabelColumn('environment')).toBe('x_LabelEnvironment');
    expect(customLabelColumn('service.name')).toBe('x_LabelServiceName');
    const withEnv = { ...chatA100, group: { ...chatA100.group, environment: 'prod' } };
    const by = ['use_case', 'model_name', 'gpu_type', 'environment'];
    const table = focusTable(report([withEnv], { by }), options());
    expect(table.columns.at(-1)?.name).toBe('x_LabelEnvironment');
    expect([...table.records][0]?.at(-1)).toBe('prod');
    const clash = report([chatA100], { by: [...by.slice(0, 3), 'team.name', 'team_name'] });
    expect(() => focusTable(clash, options())).toThrow(
      /"team.name" and "team_name" would both be the FOCUS column x_LabelTeamName/,
    );
  });
});

describe('FOCUS charges', () => {
  it('maps a priced row to a usage charge in GPU-hours from the price list', () => {
    const [charge] = records(report([chatA100]));
    expect(charge).toMatchObject({
      BillingCurrency: 'EUR',
      BillingPeriodStart: '2026-11-01T00:00:00Z',
      BillingPeriodEnd: '2026-12-01T00:00:00Z',
      ChargePeriodStart: '2026-11-27T00:00:00Z',
      ChargePeriodEnd: '2026-11-28T00:00:00Z',
      ChargeCategory: 'Usage',
      ChargeClass: '',
      ChargeFrequency: 'Usage-Based',
      ChargeDescription: 'GPU time on A100-80GB at 2.93 EUR per GPU-hour (catalogue 2026-07)',
      ListUnitPrice: '2.930000000',
      ContractedUnitPrice: '2.930000000',
      PricingUnit: 'GPU-Hours',
      ConsumedUnit: 'GPU-Hours',
      PricingCategory: 'Standard',
      ServiceCategory: 'AI and Machine Learning',
      ServiceSubcategory: 'AI Platforms',
      SkuId: 'A100-80GB',
      SkuPriceId: '2026-07:A100-80GB',
      SkuMeter: 'GPU Usage',
      SkuPriceDetails: '{"GpuCount":1,"x_GpuType":"A100-80GB"}',
      InvoiceId: 'ml-cost-2026-11',
      x_Inferences: '1000',
      x_Tokens: '50000',
      x_CatalogueVersion: '2026-07',
      x_CatalogueHash: 'abc123',
    });
    // 10 GPU-hours, moved by at most a few billionths so that the written numbers multiply out.
    expect(Math.abs(Number(charge?.PricingQuantity) - 10)).toBeLessThan(1e-7);
    expect(charge?.ConsumedQuantity).toBe(charge?.PricingQuantity);
    for (const cost of ['BilledCost', 'EffectiveCost', 'ContractedCost']) {
      expect(charge?.[cost]).toBe(charge?.ListCost);
    }
    expect(Math.abs(Number(charge?.ListCost) - 29.3)).toBeLessThan(1e-6);
  });

  it('writes ListUnitPrice x PricingQuantity = ListCost exactly, as doubles and in decimal', () => {
    // 1/3 and 0.1 GPU-hours have no exact double; 2.93 x 10 is 29.299999999999997 as doubles.
    const rows = [1 / 3, 0.1, 10, 7.000001, 123.456789].map((gpuHours, i) =>
      row({
        group: { ...chat, gpu_type: 'A100-80GB', model_name: `m${i}` },
        gpuHours,
        cost: gpuHours * 2.93,
      }),
    );
    const csv = renderTableCsv(focusTable(report(rows), options()));
    expect(focusViolations(csv, '1.3')).toEqual([]);
    for (const charge of parseCsv(csv)) {
      expect(Number(charge.ListUnitPrice) * Number(charge.PricingQuantity)).toBe(
        Number(charge.ListCost),
      );
    }
  });

  it('cuts the billing month in the report time zone and writes it in UTC', () => {
    // 2026-11-01 00:00 in Paris is 2026-10-31T23:00Z; its month ends 2026-11-30T23:00Z.
    const startMs = Date.UTC(2026, 9, 31, 23);
    const paris = report([{ ...chatA100, period: { startMs, endMs: startMs + DAY } }], {
      window: { fromMs: startMs, toMs: startMs + DAY, tz: 'Europe/Paris', label: 'x' },
    });
    const [charge] = records(paris);
    expect(charge).toMatchObject({
      BillingPeriodStart: '2026-10-31T23:00:00Z',
      BillingPeriodEnd: '2026-11-30T23:00:00Z',
      ChargePeriodStart: '2026-10-31T23:00:00Z',
      InvoiceId: 'ml-cost-2026-11',
    });
  });

  it('folds tokens and inferences into the one GPU charge of their group', () => {
    const gpu = { ...chatA100, inferences: 0, tokens: 0 };
    const tokens = row({ group: { ...chat, gpu_type: '' }, inferences: 1000, tokens: 50_000 });
    const table = focusTable(report([tokens, gpu]), options());
    expect(table.notes).toEqual([]);
    const all = parseCsv(renderTableCsv(table));
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ x_Inferences: '1000', x_Tokens: '50000' });
  });

  it('writes no zero-cost rows for tokens no single GPU charge can carry, and says so', () => {
    const a100 = { ...chatA100, inferences: 0, tokens: 0 };
    const l4 = { ...a100, group: { ...a100.group, gpu_type: 'L4' }, gpuHours: 1, cost: 0.71 };
    const shared = row({ group: { ...chat, gpu_type: '' }, inferences: 7, tokens: 50_000 });
    const alone = row({
      group: { use_case: 'embed', model_name: 'bge', gpu_type: '' },
      inferences: 3,
      tokens: 100,
    });
    const table = focusTable(report([a100, l4, shared, alone]), options());
    const all = parseCsv(renderTableCsv(table));
    expect(all.map((r) => r.x_GpuType)).toEqual(['A100-80GB', 'L4']);
    // Not known per GPU type: empty, never 0.
    expect(all.map((r) => r.x_Tokens)).toEqual(['', '']);
    expect(table.notes).toEqual([expect.stringMatching(/^10 inferences and 50100 tokens are not/)]);
  });

  it('refuses unpriced usage instead of writing it as a zero cost', () => {
    const unpriced = row({
      group: { ...chat, gpu_type: 'B200' },
      gpuHours: 1,
      cost: null,
      unpricedGpuHours: 1,
    });
    expect(() => focusTable(report([unpriced]), options())).toThrow(/without one rate/);
  });

  it('writes a CSV whose costs add up to the priced total', () => {
    const csv = renderTableCsv(focusTable(report([searchL4, chatA100]), options()));
    const sum = parseCsv(csv).reduce((acc, r) => acc + Number(r.BilledCost), 0);
    expect(sum).toBeCloseTo(29.3 + 1.42, 6);
  });
});

describe('FOCUS identity', () => {
  it('bills in the provider name unless an invoice issuer is named', () => {
    const identity = focusIdentity({ service_provider_name: 'Example AI' });
    expect(identity.invoiceIssuerName).toBe('Example AI');
    const csv = renderTableCsv(focusTable(report([chatA100]), options({ identity })));
    expect(focusViolations(csv, '1.3')).toEqual([]);
  });

  it('refuses a provider that is not the invoice issuer, naming the rule', () => {
    expect(() =>
      focusIdentity({ service_provider_name: 'Example AI', invoice_issuer_name: 'Reseller' }),
    ).toThrow(/BilledCost-C-005-C/);
  });

  it('the rules catch a provider that is not the invoice issuer', () => {
    const identity = { ...DEFAULT_FOCUS_IDENTITY, invoiceIssuerName: 'Reseller' };
    const csv = renderTableCsv(focusTable(report([chatA100]), options({ identity })));
    expect(focusViolations(csv, '1.3')).toEqual([expect.stringMatching(/BilledCost-C-005-C/)]);
  });
});
