import { describe, expect, it } from 'vitest';
import { type ForecastDay, forecastMonth } from '../../src/core/forecast.js';
import { chartLines } from '../../src/render/forecast-view.js';

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
