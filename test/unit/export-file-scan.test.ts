// The export-file scanner reads numbers from the bytes itself; each must come out as the very
// double JSON.parse would give, or the line must be refused as JSON.parse refuses it.
import { describe, expect, it } from 'vitest';
import { BadLine, LineScanner } from '../../src/sources/export-file-scan.js';

const WANTED = () => 'wanted';

function scan(text: string) {
  const scanner = new LineScanner();
  const buf = Buffer.from(text);
  const { count } = scanner.scan(buf, 0, buf.length, WANTED);
  return {
    values: Array.from(scanner.values.subarray(0, count)),
    timestamps: Array.from(scanner.timestamps.subarray(0, count)),
  };
}

function lineWith(values: string, timestamps: string): string {
  return `{"metric":{"__name__":"m"},"values":[${values}],"timestamps":[${timestamps}]}`;
}

// Short decimals take the exact m / 10^k path, long or exponent forms the general one; the
// edges between the two are where a wrong digit would hide.
const NUMBERS = [
  '0',
  '-0',
  '0.1',
  '0.3',
  '-1.5',
  '4.35',
  '0.30000000000000004',
  '123456789012345',
  '1234567890.12345',
  '1234567890123456',
  '123456789012345.6',
  '9007199254740993',
  '99999999999999.99',
  '1.0000000000000002',
  '17.000000000000004',
  '0.0000000000000000000001',
  '0.00000000000000000000001',
  '1e21',
  '1E+3',
  '1.5e-7',
  '2.2250738585072014e-308',
  '1.7976931348623157e308',
  '5e-324',
];

describe('numbers in an export line', () => {
  it.each(NUMBERS)('reads %s as JSON.parse does', (text) => {
    // toBe compares with Object.is, so -0 must stay -0.
    expect(scan(lineWith(text, '1')).values[0]).toBe(JSON.parse(text));
  });

  it('reads many numbers in one line, with spaces between them', () => {
    const line = lineWith(
      NUMBERS.join(' , '),
      NUMBERS.map((_, i) => 1_700_000_000_000 + i).join(','),
    );
    const { values, timestamps } = scan(line);
    expect(values).toEqual(NUMBERS.map((text) => JSON.parse(text)));
    expect(timestamps[0]).toBe(1_700_000_000_000);
    expect(timestamps.at(-1)).toBe(1_700_000_000_000 + NUMBERS.length - 1);
  });

  it('reads a timestamp written with an exponent when it is whole milliseconds', () => {
    expect(scan(lineWith('1', '1.7e12')).timestamps).toEqual([1_700_000_000_000]);
  });

  it.each(['01', '1.', '.5', '+1', '-', '1e', '1e+', 'NaN', 'Infinity', '0x10'])(
    'refuses %s as JSON does',
    (text) => {
      expect(() => scan(lineWith(text, '1'))).toThrow(BadLine);
    },
  );

  it('refuses timestamps that are not whole milliseconds', () => {
    expect(() => scan(lineWith('1', '1.5'))).toThrow(/not whole milliseconds/);
    expect(() => scan(lineWith('1', '9007199254740993'))).toThrow(/not whole milliseconds/);
  });
});
