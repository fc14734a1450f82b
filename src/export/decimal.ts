// Stable decimal text for exported numbers: the same value always gives the same characters.

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
  if (Math.abs(value) >= TO_FIXED_LIMIT) {
    return BigInt(Math.round(value)).toString();
  }
  const fixed = value.toFixed(maxDecimals);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  // A tiny negative value rounds to "-0", which reads as a sign error in a ledger.
  return /^-0$/.test(trimmed) ? '0' : trimmed;
}
