import { describe, expect, it } from 'vitest';
import {
  isoInZone,
  percent,
  periodLabel,
  round,
  roundToTotal,
  safeText,
  unitCost,
} from '../../src/render/format.js';

describe('round', () => {
  it.each([
    [1.005, 2, 1.01],
    [2.675, 2, 2.68],
    [-1.005, 2, -1.01],
    [-0.001, 2, 0],
    [1234.5678, 0, 1235],
    [947246013336495, 6, 947246013336495],
    [-604196005926282, 6, -604196005926282],
    [2 ** 60 + 2 ** 8, 2, 2 ** 60 + 2 ** 8],
    [123456789.125, 6, 123456789.125],
    // Too large to carry 8 more decimals: already as precise as a double can be.
    [47386479377746.59, 8, 47386479377746.59],
    [-0, 2, 0],
    // Between 10^15 and 2^53 scaled units, a half is exact in binary and rounds up.
    [1234567890.1234565, 6, 1234567890.123457],
  ])('round(%d, %d) = %d', (value, decimals, expected) => {
    expect(round(value, decimals)).toBe(expected);
  });
});

describe('roundToTotal', () => {
  it('makes rounded rows add up to the rounded total', () => {
    // Each rounds to 0.33, which would sum to 0.99 against a total of 1.00.
    const parts = roundToTotal([1 / 3, 1 / 3, 1 / 3], 2);
    expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect([...parts].sort()).toEqual([0.33, 0.33, 0.34]);
  });
  it('makes the parts add up to the total as shown, when the table shows its own total', () => {
    // 3 x 0.004 is 0.012, shown as 0.01; a total of 0.015 is shown as 0.02 and wins.
    const parts = roundToTotal([0.004, 0.004, 0.004], 2, 0.015);
    expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(0.02, 12);
    // A total shown below the floors: the smallest remainders give a cent back.
    const down = roundToTotal([0.019, 0.019], 2, 0.01);
    expect(down.reduce((a, b) => a + b, 0)).toBeCloseTo(0.01, 12);
  });

  it('leaves values alone that already reconcile', () => {
    expect(roundToTotal([1.25, 2.5, 0.1], 2)).toEqual([1.25, 2.5, 0.1]);
  });
});

describe('unitCost', () => {
  it('keeps four significant figures of small unit costs', () => {
    expect(unitCost(0.000123456)).toBe('0.0001235');
    expect(unitCost(0.0375)).toBe('0.03750');
    expect(unitCost(3)).toBe('3.00');
  });
});

describe('safeText', () => {
  it('neutralises terminal escapes and newlines in label values', () => {
    expect(safeText('evil\u001b[31mred\nline')).toBe('evil\\x1b[31mred\\x0aline');
  });
});

describe('percent', () => {
  it('never shows a small real share as zero', () => {
    expect(percent(0.0004)).toBe('<0.1%');
    expect(percent(0)).toBe('0.0%');
    expect(percent(0.2145)).toBe('21.5%');
  });
});

describe('isoInZone', () => {
  it.each([
    [Date.UTC(2026, 8, 1), '2026-09-01T00:00:00Z'],
    [Date.UTC(2026, 11, 31, 23, 59, 59), '2026-12-31T23:59:59Z'],
    [Date.UTC(2026, 2, 1, 12) + 123, '2026-03-01T12:00:00Z'],
  ])('writes %d in UTC as %s, like any other zone', (ms, text) => {
    expect(isoInZone(ms, 'UTC')).toBe(text);
    expect(isoInZone(ms, 'Etc/UTC')).toBe(text);
  });

  it('writes the offset of other zones', () => {
    expect(isoInZone(Date.UTC(2026, 2, 29), 'Europe/Paris')).toBe('2026-03-29T01:00:00+01:00');
    expect(isoInZone(Date.UTC(2026, 2, 29, 3), 'Europe/Paris')).toBe('2026-03-29T05:00:00+02:00');
  });
});

describe('periodLabel', () => {
  const hour = (iso: string) => ({ startMs: Date.parse(iso), endMs: Date.parse(iso) + 3_600_000 });
  it('tells apart the two local 02:00 hours of a fall-back night', () => {
    expect(periodLabel(hour('2026-10-25T00:00:00Z'), 'Europe/Paris')).toBe(
      '2026-10-25 02:00+02:00',
    );
    expect(periodLabel(hour('2026-10-25T01:00:00Z'), 'Europe/Paris')).toBe(
      '2026-10-25 02:00+01:00',
    );
  });
  it('keeps the minutes of an hour in a half-hour zone, and Z for UTC', () => {
    expect(periodLabel(hour('2026-10-25T00:00:00Z'), 'Asia/Kolkata')).toBe(
      '2026-10-25 05:30+05:30',
    );
    expect(periodLabel(hour('2026-10-25T00:00:00Z'), 'UTC')).toBe('2026-10-25 00:00Z');
  });
  it('labels a day by its local date', () => {
    const day = {
      startMs: Date.parse('2026-10-24T22:00:00Z'),
      endMs: Date.parse('2026-10-25T23:00:00Z'),
    };
    expect(periodLabel(day, 'Europe/Paris')).toBe('2026-10-25');
  });
});
