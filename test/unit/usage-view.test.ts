import { describe, expect, it } from 'vitest';
import type { UsageReport, UsageRow } from '../../src/core/report.js';
import { MAX_TABLE_ROWS, usageView } from '../../src/render/usage-view.js';
import { NO_USAGE, usageReport, usageRow } from '../helpers/usage-report.js';

const row = (index: number, cost: number): UsageRow =>
  usageRow({
    group: { pod: `pod-${index}` },
    gpuHours: cost,
    inferences: 10,
    tokens: 100,
    cost,
    costPerInference: cost / 10,
    tokensPerCost: 100 / cost,
  });

function report(rows: UsageRow[]): UsageReport {
  const cost = rows.reduce((sum, r) => sum + (r.cost ?? 0), 0);
  return usageReport(
    rows.map((r) => ({ ...r, costShare: (r.cost ?? 0) / cost })),
    {
      by: ['pod'],
      totals: {
        ...NO_USAGE,
        gpuHours: cost,
        inferences: 10 * rows.length,
        tokens: 100 * rows.length,
        cost,
      },
    },
  );
}

describe('usageView', () => {
  it('folds all but the costliest rows into one, so the table still adds up', () => {
    // Costs 1..(MAX+10): the 10 cheapest (1..10, summing to 55) are folded.
    const rows = Array.from({ length: MAX_TABLE_ROWS + 10 }, (_, i) => row(i, i + 1));
    const view = usageView(report(rows));
    expect(view.rows).toHaveLength(MAX_TABLE_ROWS + 1);
    const folded = view.rows.at(-1) ?? [];
    expect(folded[0]).toBe('(10 smaller rows)');
    expect(folded[4]).toBe('55.00');
    expect(view.footnotes[0]).toMatch(/showing the 500 costliest of 510 rows/);
  });

  it('shows every row of a table that fits', () => {
    const view = usageView(report([row(0, 1), row(1, 2)]));
    expect(view.rows).toHaveLength(2);
  });
});
