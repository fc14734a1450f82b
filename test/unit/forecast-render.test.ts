import { describe, expect, it } from 'vitest';
import { type ForecastDay, forecastMonth } from '../../src/core/forecast.js';
import { chartLines, forecastView } from '../../src/render/forecast-view.js';
import { MAX_TABLE_ROWS } from '../../src/render/usage-view.js';

const H = 3_600_000;
const D = 24 * H;
const APRIL = Date.UTC(2026, 3, 1);

function day(index: number, gpuHours: number): ForecastDay {
  return {
    startMs: APRIL + index * D,
    endMs: APRIL + (index + 1) * D,
    usage: gpuHours > 0 ? [{ gpuType: 'A100', gpuHours }] : [],
    cost: gpuHours * 2,
    unpricedGpuHours: 0,
  };
}

describe('chartLines', () => {
  it('draws closed days, a divider at as-of, then the projection on one scale', () => {
    // Costs 2, 4, 6, 8 then a trend of 10, 12, ...; 30 days in April.
    const days = Array.from({ length: 30 }, (_, i) => day(i, i < 4 ? i + 1 : 0));
    const result = forecastMonth({
      monthStartMs: APRIL,
      monthEndMs: APRIL + 30 * D,
      closedUntilMs: APRIL + 4 * D,
      days,
      versions: [{ version: 'v', effectiveFromMs: 0, currency: 'EUR', gpuHour: { A100: 2 } }],
    });
    const [line] = chartLines(result);
    const bars = line?.replace(/^daily\s+/, '').split('   (')[0] ?? '';
    const [actual, projected] = bars.split('│');
    expect(actual).toHaveLength(4);
    expect(projected).toHaveLength(26);
    expect(projected?.endsWith('█')).toBe(true);
    expect(line).toContain('(actual │ trend)');
  });
});

describe('forecastView', () => {
  it('folds all but the costliest groups into one row whose point forecasts add up', () => {
    const versions = [{ version: 'v', effectiveFromMs: 0, currency: 'EUR', gpuHour: { A100: 2 } }];
    // Group i uses (i + 1) GPU-hours a day for 4 closed days of April, 2 EUR each.
    const result = (gpuHoursPerDay: number) =>
      forecastMonth({
        monthStartMs: APRIL,
        monthEndMs: APRIL + 30 * D,
        closedUntilMs: APRIL + 4 * D,
        days: Array.from({ length: 30 }, (_, i) => day(i, i < 4 ? gpuHoursPerDay : 0)),
        versions,
      });
    const groups = Array.from({ length: MAX_TABLE_ROWS + 3 }, (_, i) => ({
      group: { pod: `pod-${i}` },
      result: result(i + 1),
    }));
    const view = forecastView(
      {
        month: '2026-04',
        tz: 'UTC',
        asOfMs: APRIL + 4 * D,
        by: ['pod'],
        source: 'test',
        catalogue: { origin: 'test', hash: 'h', currency: 'EUR', versions: ['v'] },
        partial: false,
        notes: [],
        total: result(1),
        groups,
      },
      { chart: false },
    );
    expect(view.rows).toHaveLength(MAX_TABLE_ROWS + 1);
    const folded = view.rows.at(-1) ?? [];
    // The three cheapest groups use 1, 2 and 3 GPU-hours a day: (1 + 2 + 3) x 2 EUR x 4 days.
    expect(folded[0]).toBe('(3 smaller groups)');
    expect(folded[1]).toBe('48.00');
    // Run-rate: each to-date cost x 30 days / 4 days elapsed.
    expect(folded[2]).toBe('360.00');
  });
});
