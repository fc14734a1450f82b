// Number, time and text formatting shared by the renderers: rounding happens here, once.
import { TZDate } from '@date-fns/tz';
import { formatISO } from 'date-fns';
import type { Period } from '../core/report.js';
import { isoUtc } from '../iso-time.js';

/** Rounds half away from zero at `decimals`, without binary drift (1.005 -> 1.01). */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = Math.abs(value) * factor;
  // Whole numbers need no rounding, and a value too large to carry `decimals` more digits is
  // already as precise as it can be: scaling it would only add binary noise (947246013336495
  // came back as 947246013336495.1).
  if (Number.isInteger(value) || scaled >= 2 ** 53) return value === 0 ? 0 : value;
  let rounded = Math.round(scaled);
  // Binary drift only matters next to a half (1.005 * 100 = 100.49999999999999): decide those
  // on 15 significant digits; everything else takes the fast path. From 10^15 on, 15 digits
  // would cut into the integer part itself (1234567890.1234565 came out ...12346).
  if (scaled < 1e15 && Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-6) {
    rounded = Math.round(Number(scaled.toPrecision(15)));
  }
  const result = (Math.sign(value) * rounded) / factor;
  return Object.is(result, -0) ? 0 : result;
}

/**
 * Rounds values so that the rounded parts add up to the total as it is shown, round(total),
 * by largest remainder: a table's rows always reconcile with its totals row to the cent.
 * The total defaults to the values' sum; pass the report's own total when the table shows it.
 */
export function roundToTotal(
  values: readonly number[],
  decimals: number,
  total = values.reduce((sum, value) => sum + value, 0),
): number[] {
  const factor = 10 ** decimals;
  const scaled = values.map((value) => Number((value * factor).toPrecision(15)));
  const result = scaled.map(Math.floor);
  const target = Math.round(round(total, decimals) * factor);
  let missing = target - result.reduce((sum, value) => sum + value, 0);
  // Largest remainders gain a unit first; if float noise left the floors above the target,
  // the smallest remainders give one back.
  const byRemainder = scaled
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (missing <= 0) break;
    result[index] = (result[index] ?? 0) + 1;
    missing--;
  }
  for (const { index } of [...byRemainder].reverse()) {
    if (missing >= 0) break;
    result[index] = (result[index] ?? 0) - 1;
    missing++;
  }
  return result.map((value) => value / factor);
}

const grouped = (decimals: number) =>
  new Intl.NumberFormat('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
    useGrouping: true,
  });
const formatters = new Map<number, Intl.NumberFormat>();

/** 1234.5 -> "1,234.50" (already-rounded values pass through unchanged). */
export function fixed(value: number, decimals: number): string {
  let formatter = formatters.get(decimals);
  if (!formatter) {
    formatter = grouped(decimals);
    formatters.set(decimals, formatter);
  }
  return formatter.format(round(value, decimals));
}

/** Unit costs are small: keep four significant figures below one currency unit. */
export function unitCost(value: number): string {
  if (value === 0 || Math.abs(value) >= 1) return fixed(value, 2);
  const decimals = Math.min(8, Math.max(4, 3 - Math.floor(Math.log10(Math.abs(value)))));
  return fixed(value, decimals);
}

export function percent(share: number, decimals = 1): string {
  // A small but real share must not read as nothing: 0.0004 is "<0.1%", not "0.0%".
  const smallest = 10 ** -decimals;
  if (share > 0 && share * 100 < smallest / 2) return `<${fixed(smallest, decimals)}%`;
  return `${fixed(share * 100, decimals)}%`;
}

/** ISO 8601 with the zone's offset, e.g. 2026-03-29T00:00:00+01:00. */
export function isoInZone(ms: number, tz: string): string {
  // The same text without the time zone machinery, whose first use costs a run about 10 ms.
  if (tz === 'UTC') return isoUtc(ms);
  return formatISO(new TZDate(ms, tz));
}

/**
 * A period as people read it: a date for a day; for an hour, the local time with its UTC
 * offset, since the hour after a fall-back repeats the local time (02:00+02:00, 02:00+01:00).
 */
export function periodLabel(period: Period, tz: string): string {
  const start = new TZDate(period.startMs, tz);
  if (period.endMs - period.startMs <= 3_600_000) {
    const iso = formatISO(start); // 2026-10-25T02:00:00+02:00, or ...Z
    return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${iso.slice(19)}`;
  }
  return formatISO(start, { representation: 'date' });
}

export interface PeriodTexts {
  /** periodLabel() of the period. */
  readonly label: string;
  /** isoInZone() of its start and of its end. */
  readonly start: string;
  readonly end: string;
}

/**
 * The texts of periods, worked out once per period: every row of a day or an hour shares them,
 * and the time-zone arithmetic behind them was the slowest part of writing an hourly report
 * (2 of 4.8 s for 240,000 rows).
 */
export function periodTexts(tz: string): (period: Period) => PeriodTexts {
  const known = new Map<number, PeriodTexts & { readonly endMs: number }>();
  return (period) => {
    let texts = known.get(period.startMs);
    if (texts === undefined || texts.endMs !== period.endMs) {
      texts = {
        endMs: period.endMs,
        label: periodLabel(period, tz),
        start: isoInZone(period.startMs, tz),
        end: isoInZone(period.endMs, tz),
      };
      known.set(period.startMs, texts);
    }
    return texts;
  };
}

/** Label values are data: control characters (terminal escapes, newlines) are made visible. */
export { safeText } from '../safe-text.js';

/** The currency suffix of machine-readable money fields: cost_eur, cost_usd, ... */
export function currencyField(name: string, currency: string): string {
  return `${name}_${currency.toLowerCase()}`;
}
