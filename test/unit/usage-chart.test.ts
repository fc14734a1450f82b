// The terminal's daily chart under a report: marks on one scale, unpriced days never blank,
// group totals that add up to the table's total, and nothing without a terminal.
import { describe, expect, it } from 'vitest';
import type { UsageRow } from '../../src/core/report.js';
import { dailyChartLines } from '../../src/render/usage-chart.js';
import { usageView } from '../../src/render/usage-view.js';
import { NO_USAGE, usageReport, usageRow } from '../helpers/usage-report.js';

const DAY = 86_400_000;
const FROM = Date.UTC(2026, 6, 1);
const day = (index: number) => ({ startMs: FROM + index * DAY, endMs: FROM + (index + 1) * DAY });

// chat costs 8, 4, 0 on three days; batch has no price on day 2 only.
const rows: UsageRow[] = [
  usageRow({ group: { use_case: 'chat' }, period: day(0), cost: 8, gpuHours: 2 }),
  usageRow({ group: { use_case: 'chat' }, period: day(1), cost: 4, gpuHours: 1 }),
  usageRow({ group: { use_case: 'batch' }, period: day(0), cost: 1, gpuHours: 1 }),
  usageRow({
    group: { use_case: 'batch' },
    period: day(1),
    cost: null,
    gpuHours: 3,
    unpricedGpuHours: 3,
    unpricedGpuTypes: ['TPU'],
  }),
  usageRow({ group: { use_case: 'batch' }, period: day(2), cost: 2.005, gpuHours: 1 }),
];
const report = usageReport(rows, {
  granularity: 'day',
  window: { fromMs: FROM, toMs: FROM + 3 * DAY, tz: 'UTC', label: '2026-07-01..2026-07-04' },
  totals: {
    ...NO_USAGE,
    cost: 15.005,
    gpuHours: 8,
    unpricedGpuHours: 3,
    unpricedGpuTypes: ['TPU'],
  },
});

describe('dailyChartLines', () => {
  it('draws one mark a day per group on one scale, ? where a day has no price', () => {
    // Scale 8: 8 is a full block, 4 half (▅), 1 an eighth (▂), 2.005 a quarter (▃).
    expect(dailyChartLines(report)).toEqual([
      'daily cost 2026-07-01 … 2026-07-03 (one mark a day, one scale; ?: no priced GPU time that day)',
      '  chat   █▅   EUR 12.00',
      '  batch  ▂?▃  EUR 3.01*',
    ]);
  });

  it('is only for daily reports', () => {
    expect(dailyChartLines({ ...report, granularity: 'hour' })).toEqual([]);
    expect(dailyChartLines({ ...report, rows: [] })).toEqual([]);
  });

  it('is in the table view only when a chart is asked for (a terminal without NO_COLOR)', () => {
    expect(usageView(report, { chart: true }).footnotes.join('\n')).toContain('daily cost');
    expect(usageView(report, { chart: false }).footnotes.join('\n')).not.toContain('daily cost');
    expect(usageView(report).footnotes.join('\n')).not.toContain('daily cost');
  });
});
