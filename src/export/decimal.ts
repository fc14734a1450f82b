// Stable decimal text for exported numbers: the same value always gives the same characters.
import { round } from '../render/format.js';

/** Above this, Number#toFixed switches to exponent notation, which FOCUS and spreadsheets reject. */
const TO_FIXED_LIMIT = 1e21;

/**
 * Formats a finite number with at most `maxDecimals` decimals, rounded once here, with
 * trailing zeros dropped: no exponent, no "+" sign, no thousands separator, no "-0".
 * Rounding happens only at output so that rows computed at full precision still add up
 * to their total within half a unit of the last decimal per row.
 */
export function formatDecimal(value: number, maxDecimals: number): string {
  if (!Number.isFinite(value)) {
    throw new RangeError(`cannot export a non-finite number (${value})`);
  }
  // Counts are whole numbers: their text needs no rounding (String(-0) is "0").
  if (Number.isSafeInteger(value)) return String(value);
  if (Math.abs(value) >= TO_FIXED_LIMIT) {
    return BigInt(Math.round(value)).toString();
  }
  // Halves are decided as JSON output decides them (round: half away from zero, no binary
  // drift), so a CSV and a JSON of the same report agree; toFixed alone would write
  // 42.5376645 as 42.537664 here and 42.537665 there. Past 2^53 scaled units there are no
  // decimals left to round.
  const exact = Math.abs(value) * 10 ** maxDecimals < Number.MAX_SAFE_INTEGER;
  const fixed = (exact ? round(value, maxDecimals) : value).toFixed(maxDecimals);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  // A tiny negative value rounds to "-0", which reads as a sign error in a ledger.
  return /^-0$/.test(trimmed) ? '0' : trimmed;
}

/**
 * Exactly `decimals` decimals, trailing zeros kept ("1.000000"): a column whose values happen
 * to be whole numbers must still read as decimals to a typed reader. Rounded as formatDecimal.
 */
export function formatFixed(value: number, decimals: number): string {
  const text = formatDecimal(value, decimals);
  if (decimals === 0) return text;
  const [whole, fraction = ''] = text.split('.');
  return `${whole}.${fraction.padEnd(decimals, '0')}`;
}
