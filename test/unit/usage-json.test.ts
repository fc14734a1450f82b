// The usage report's rows are written by hand for speed; they must say exactly what
// JSON.stringify says of the row as an object, whatever the labels and numbers hold.
import { describe, expect, it } from 'vitest';
import type { UsageRow } from '../../src/core/report.js';
import { renderUsageJson, rowObject, rowWriter } from '../../src/render/usage-json.js';
import { usageReport, usageRow } from '../helpers/usage-report.js';

const HOUR = 3_600_000;
const DAY = Date.UTC(2026, 9, 25);

const rows: [string, UsageRow][] = [
  ['a plain priced row', usageRow({ group: { use_case: 'chat', model_name: 'llama' } })],
  [
    'awkward numbers',
    usageRow({
      group: { use_case: 'x' },
      gpuHours: 1 / 3,
      inferences: 1e21,
      tokens: 123456789.0000004,
      cost: 42.5376645,
      costPerInference: 2.9e-7,
      tokensPerCost: 1e-9,
      unpricedGpuHours: -0,
      costShare: 0.123456789,
    }),
  ],
  [
    'unpriced usage',
    usageRow({
      group: { use_case: 'y' },
      cost: null,
      unpricedGpuHours: 2,
      unpricedGpuTypes: ['RTX-6000-Ada', 'T4'],
      versions: [],
    }),
  ],
  [
    'label values that need escaping',
    usageRow({ group: { use_case: 'quote " back \\ line \n tab \t \u0000 é 💸 \u2028' } }),
  ],
  ['no labels', usageRow({ group: {} })],
  [
    'an hour of a fall-back night',
    usageRow({ group: { use_case: 'z' }, period: { startMs: DAY, endMs: DAY + HOUR } }),
  ],
  [
    'a day',
    usageRow({ group: { use_case: 'z' }, period: { startMs: DAY, endMs: DAY + 25 * HOUR } }),
  ],
  ['a label named like a field', usageRow({ group: { tokens: 'many', cost_share: 'half' } })],
  ['a label named period', usageRow({ group: { period: 'p' } })],
  ['a label named __proto__', usageRow({ group: { ['__proto__']: 'proto' } as never })],
];

describe('rowWriter', () => {
  it.each(rows)('writes %s as JSON.stringify would', (_, row) => {
    for (const tz of ['UTC', 'Europe/Paris']) {
      for (const currency of ['EUR', 'JPY']) {
        expect(rowWriter(currency, tz)(row)).toBe(JSON.stringify(rowObject(row, currency, tz)));
      }
    }
  });

  it('writes a field named by the currency', () => {
    const row = JSON.parse(rowWriter('EUR', 'UTC')(usageRow({ cost: 1.5, costShare: 1 })));
    expect(row.cost_eur).toBe(1.5);
    expect(row.cost_per_inference_eur).toBeNull();
    expect(row.tokens_per_eur).toBeNull();
    expect(row.cost_share).toBe(1);
  });
});

describe('renderUsageJson', () => {
  it('is one JSON document with one row per line', () => {
    const report = usageReport(rows.map(([, row]) => row));
    const text = renderUsageJson(report);
    const json = JSON.parse(text);
    expect(json.rows).toEqual(
      rows.map(([, row]) => JSON.parse(JSON.stringify(rowObject(row, 'EUR', 'UTC')))),
    );
    const rowLines = text.split('\n').filter((line) => line.startsWith('    {'));
    expect(rowLines).toHaveLength(rows.length);
  });
});
