import { describe, expect, it } from 'vitest';
import type { UsageReport, UsageRow } from '../../src/core/report.js';
import {
  customLabelColumn,
  DEFAULT_FOCUS_IDENTITY,
  FOCUS_PRICING_UNIT,
  focusTable,
} from '../../src/export/focus.js';
import { mlCostTable } from '../../src/export/ml-cost.js';
import { renderCsv, renderTableCsv } from '../../src/render/csv.js';
import { column } from '../helpers/csv.js';
import { FOCUS_MANDATORY_COLUMNS } from '../helpers/focus-spec.js';
import { usageReport, usageRow } from '../helpers/usage-report.js';

const NOV_27 = Date.UTC(2026, 10, 27);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const row = (overrides: Partial<UsageRow> & Pick<UsageRow, 'group'>): UsageRow =>
  usageRow({ versions: ['2026-07'], ...overrides });

const report = (rows: UsageRow[], overrides: Partial<UsageReport> = {}): UsageReport =>
  usageReport(rows, {
    window: { fromMs: NOV_27, toMs: NOV_27 + DAY, tz: 'UTC', label: '2026-11-27' },
    granularity: 'day',
    by: ['use_case', 'model_name', 'gpu_type'],
    catalogue: { origin: 'pricing', hash: 'abc123', currency: 'EUR', versions: ['2026-07'] },
    ...overrides,
  });

const day = { startMs: NOV_27, endMs: NOV_27 + DAY };
const chatA100 = row({
  group: { use_case: 'chat', model_name: 'llama', gpu_type: 'A100-80GB' },
  period: day,
  gpuHours: 10,
  cost: 29.3, // 10 h x 2.93
  inferences: 1000,
  tokens: 50_000,
  costPerInference: 0.0293,
  tokensPerCost: 50_000 / 29.3,
});
const searchL4 = row({
  group: { use_case: 'search', model_name: 'bge', gpu_type: 'L4' },
  period: day,
  gpuHours: 2,
  cost: 1.42, // 2 h x 0.71
});

describe('ml-cost layout', () => {
  it('names columns after the labels and the currency, in a fixed order', () => {
    const table = mlCostTable(report([chatA100]), { costShare: true });
    expect(table.columns.map((c) => c.name)).toEqual([
      'period_start',
      'period_end',
      'use_case',
      'model_name',
      'gpu_type',
      'gpu_hours',
      'inferences',
      'tokens',
      'cost_eur',
      'cost_per_inference_eur',
      'tokens_per_eur',
      'cost_share',
      'unpriced_gpu_hours',
      'unpriced_gpu_types',
      'catalogue_versions',
      'catalogue_hash',
    ]);
  });

  it('leaves cost_share out of exports', () => {
    const names = mlCostTable(report([chatA100]), { costShare: false }).columns.map((c) => c.name);
    expect(names).not.toContain('cost_share');
  });

  it('follows the reporting currency', () => {
    const usd = report([chatA100], {
      catalogue: { origin: 'p', hash: 'h', currency: 'USD', versions: ['2026-07'] },
    });
    const names = mlCostTable(usd, { costShare: false }).columns.map((c) => c.name);
    expect(names).toContain('cost_usd');
    expect(names).toContain('tokens_per_usd');
  });

  it('sorts rows by period, then labels, whatever order the report had', () => {
    const early = row({
      group: { use_case: 'zeta' },
      period: { startMs: NOV_27, endMs: NOV_27 + HOUR },
    });
    const lateA = row({
      group: { use_case: 'alpha' },
      period: { startMs: NOV_27 + HOUR, endMs: NOV_27 + 2 * HOUR },
    });
    const lateB = row({
      group: { use_case: 'beta' },
      period: { startMs: NOV_27 + HOUR, endMs: NOV_27 + 2 * HOUR },
    });
    const r = report([lateB, early, lateA], { by: ['use_case'], granularity: 'hour' });
    const order = mlCostTable(r, { costShare: false }).records.map((rec) => rec[2]);
    expect(order).toEqual(['zeta', 'alpha', 'beta']);
  });

  it('writes periods in the report time zone with the offset', () => {
    const paris = report(
      [
        row({
          group: { use_case: 'chat' },
          period: { startMs: NOV_27 - HOUR, endMs: NOV_27 + 23 * HOUR },
        }),
      ],
      {
        by: ['use_case'],
        window: { fromMs: NOV_27 - HOUR, toMs: NOV_27 + 23 * HOUR, tz: 'Europe/Paris', label: 'x' },
      },
    );
    const [record] = mlCostTable(paris, { costShare: false }).records;
    expect(record?.slice(0, 2)).toEqual(['2026-11-27T00:00:00+01:00', '2026-11-28T00:00:00+01:00']);
  });

  it('a total row spans the window', () => {
    const total = report([row({ group: { use_case: 'chat' } })], {
      by: ['use_case'],
      granularity: 'total',
    });
    const [record] = mlCostTable(total, { costShare: true }).records;
    expect(record?.slice(0, 2)).toEqual(['2026-11-27T00:00:00Z', '2026-11-28T00:00:00Z']);
  });

  it('renders a report as CSV with unpriced cost left empty', () => {
    const unpriced = row({
      group: { use_case: 'chat', model_name: 'llama', gpu_type: 'B200' },
      period: day,
      gpuHours: 1.5,
      cost: null,
      unpricedGpuHours: 1.5,
      unpricedGpuTypes: ['B200'],
    });
    const csv = renderCsv(report([unpriced]));
    expect(csv.split('\n')[1]).toBe(
      '2026-11-27T00:00:00Z,2026-11-28T00:00:00Z,chat,llama,B200,1.5,0,0,,,,,1.5,B200,2026-07,abc123',
    );
  });
});

describe('FOCUS layout', () => {
  const options = {
    identity: DEFAULT_FOCUS_IDENTITY,
    labels: { useCase: 'use_case', model: 'model_name', gpuType: 'gpu_type' },
    rateOf: (version: string, gpuType: string) =>
      version === '2026-07'
        ? ({ 'A100-80GB': 2.93, L4: 0.71 } as Record<string, number>)[gpuType]
        : undefined,
  };

  it('has every mandatory column, and custom columns only with the x_ prefix', () => {
    const names = focusTable(report([chatA100]), options).columns.map((c) => c.name);
    for (const column of FOCUS_MANDATORY_COLUMNS) expect(names).toContain(column);
    const custom = names.filter((name) => !/^[A-Z]/.test(name));
    expect(custom.every((name) => name.startsWith('x_'))).toBe(true);
    expect(custom).toEqual(
      expect.arrayContaining([
        'x_UseCase',
        'x_ModelName',
        'x_GpuType',
        'x_Inferences',
        'x_Tokens',
        'x_CatalogueVersion',
      ]),
    );
  });

  it('maps a priced row to a FOCUS usage charge in GPU-hours', () => {
    const table = focusTable(report([chatA100]), options);
    const [record] = table.records;
    const byName = Object.fromEntries(table.columns.map((c, i) => [c.name, record?.[i]]));
    expect(byName).toMatchObject({
      BilledCost: 29.3,
      EffectiveCost: 29.3,
      ListCost: 29.3,
      ContractedCost: 29.3,
      BillingCurrency: 'EUR',
      BillingPeriodStart: '2026-11-01T00:00:00Z',
      BillingPeriodEnd: '2026-12-01T00:00:00Z',
      ChargePeriodStart: '2026-11-27T00:00:00Z',
      ChargePeriodEnd: '2026-11-28T00:00:00Z',
      ChargeCategory: 'Usage',
      ChargeClass: null,
      ChargeDescription: 'GPU time on A100-80GB at 2.93 EUR per GPU-hour (catalogue 2026-07)',
      PricingQuantity: 10,
      PricingUnit: FOCUS_PRICING_UNIT,
      ServiceCategory: 'AI and Machine Learning',
      x_UseCase: 'chat',
      x_ModelName: 'llama',
      x_GpuType: 'A100-80GB',
      x_Inferences: 1000,
      x_Tokens: 50_000,
      x_CatalogueVersion: '2026-07',
      x_CatalogueHash: 'abc123',
    });
  });

  it('cuts the billing month in the report time zone and writes it in UTC', () => {
    // 2026-11-01 00:00 in Paris is 2026-10-31T23:00Z; its month ends 2026-11-30T23:00Z.
    const startMs = Date.UTC(2026, 9, 31, 23);
    const paris = report([{ ...chatA100, period: { startMs, endMs: startMs + DAY } }], {
      window: { fromMs: startMs, toMs: startMs + DAY, tz: 'Europe/Paris', label: 'x' },
    });
    const table = focusTable(paris, options);
    const names = table.columns.map((c) => c.name);
    const record = table.records[0] ?? [];
    expect(record[names.indexOf('BillingPeriodStart')]).toBe('2026-10-31T23:00:00Z');
    expect(record[names.indexOf('BillingPeriodEnd')]).toBe('2026-11-30T23:00:00Z');
    expect(record[names.indexOf('ChargePeriodStart')]).toBe('2026-10-31T23:00:00Z');
  });

  it('puts other --by labels in x_Label columns', () => {
    expect(customLabelColumn('environment')).toBe('x_LabelEnvironment');
    expect(customLabelColumn('service.name')).toBe('x_LabelServiceName');
    const r = report([{ ...chatA100, group: { ...chatA100.group, environment: 'prod' } }], {
      by: ['use_case', 'model_name', 'gpu_type', 'environment'],
    });
    const table = focusTable(r, options);
    expect(table.columns.at(-1)?.name).toBe('x_LabelEnvironment');
    expect(table.records[0]?.at(-1)).toBe('prod');
  });

  it('folds tokens and inferences into the one GPU charge of their group', () => {
    const gpu = { ...chatA100, inferences: 0, tokens: 0 };
    const tokens = row({
      group: { use_case: 'chat', model_name: 'llama', gpu_type: '' },
      period: day,
      inferences: 1000,
      tokens: 50_000,
    });
    const table = focusTable(report([tokens, gpu]), options);
    expect(table.records).toHaveLength(1);
    const names = table.columns.map((c) => c.name);
    const record = table.records[0] ?? [];
    expect(record[names.indexOf('x_Inferences')]).toBe(1000);
    expect(record[names.indexOf('x_Tokens')]).toBe(50_000);
    expect(record[names.indexOf('BilledCost')]).toBe(29.3);
  });

  it('keeps tokens apart when their group ran on several GPU types', () => {
    const a100 = { ...chatA100, inferences: 0, tokens: 0 };
    const l4 = { ...a100, group: { ...a100.group, gpu_type: 'L4' }, gpuHours: 1, cost: 0.71 };
    const tokens = row({
      group: { use_case: 'chat', model_name: 'llama', gpu_type: '' },
      period: day,
      tokens: 50_000,
    });
    const table = focusTable(report([a100, l4, tokens]), options);
    const names = table.columns.map((c) => c.name);
    const gpuTypes = table.records.map((r) => r[names.indexOf('x_GpuType')]);
    expect(gpuTypes).toEqual(['', 'A100-80GB', 'L4']);
    expect(table.records[0]?.[names.indexOf('BilledCost')]).toBe(0);
  });

  it('refuses unpriced usage instead of writing it as a zero cost', () => {
    const unpriced = row({
      group: { gpu_type: 'B200' },
      period: day,
      gpuHours: 1,
      cost: null,
      unpricedGpuHours: 1,
    });
    expect(() => focusTable(report([unpriced]), options)).toThrow(/unpriced/);
  });

  it('writes a CSV whose costs add up to the priced total', () => {
    const csv = renderTableCsv(focusTable(report([searchL4, chatA100]), options));
    const sum = column(csv, 'BilledCost').reduce((acc, cell) => acc + Number(cell), 0);
    expect(sum).toBeCloseTo(29.3 + 1.42, 9);
  });
});
