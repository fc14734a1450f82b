import { describe, expect, it } from 'vitest';
import type { UsageRow } from '../../src/core/report.js';
import { mlCostTable } from '../../src/export/ml-cost.js';
import { renderedText } from '../../src/render/chunks.js';
import { renderCsv } from '../../src/render/csv.js';
import { dayReport, usageRow } from '../helpers/usage-report.js';

const NOV_27 = Date.UTC(2026, 10, 27);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const row = (overrides: Partial<UsageRow> & Pick<UsageRow, 'group'>): UsageRow =>
  usageRow({ versions: ['2026-07'], ...overrides });

const report = dayReport;

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
    const order = Array.from(mlCostTable(r, { costShare: false }).records, (rec) => rec[2]);
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
    const csv = renderedText(renderCsv(report([unpriced])));
    expect(csv.split('\n')[1]).toBe(
      '2026-11-27T00:00:00Z,2026-11-28T00:00:00Z,chat,llama,B200,1.5,0,0,,,,,1.5,B200,2026-07,abc123',
    );
  });
});
