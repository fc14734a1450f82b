// The bytes the byte-level JSON readers look for (export files, and the framing of
// VictoriaMetrics answers), and what makes a decimal exactly convertible. Pure.

export const QUOTE = 0x22;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const BACKSLASH = 0x5c;
export const MINUS = 0x2d;
export const PLUS = 0x2b;
export const DOT = 0x2e;
export const DIGIT_0 = 0x30;
export const DIGIT_9 = 0x39;
export const LOWER_E = 0x65;
export const UPPER_E = 0x45;

/** Powers of ten that are exact doubles: m * 10^k or m / 10^k is then correctly rounded. */
export const EXACT_POWERS_OF_TEN: readonly number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Integers up to this are exact doubles. */
export const MAX_EXACT_MANTISSA = 2 ** 53;

/** JSON white space: space, tab, line feed, carriage return. */
export function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
