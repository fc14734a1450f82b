import { describe, expect, it } from 'vitest';
import { formatDecimal } from '../../src/export/decimal.js';
import { fixedNumber, number, text } from '../../src/export/table.js';
import { guardFormula, renderTableCsv } from '../../src/render/csv.js';

describe('formatDecimal', () => {
  it.each([
    [2.93, 6, '2.93'],
    [3, 6, '3'],
    [0.1 + 0.2, 6, '0.3'],
    [1 / 3, 6, '0.333333'],
    [2 / 3, 6, '0.666667'],
    [-1.5, 6, '-1.5'],
    [1e-7, 6, '0'],
    [-1e-7, 6, '0'],
    [-0, 6, '0'],
    [1e20, 6, '100000000000000000000'],
    [1e21, 6, '1000000000000000000000'],
    [123456.7891234, 6, '123456.789123'],
    [0.000000123, 9, '0.000000123'],
    // Halves go away from zero, as in JSON, however the binary value falls.
    [42.5376645, 6, '42.537665'],
    [-42.5376645, 6, '-42.537665'],
    [1.005, 2, '1.01'],
    [0.0000005, 6, '0.000001'],
    [9007199254740991, 6, '9007199254740991'],
    [-123456789, 2, '-123456789'],
    [2 ** 60, 6, '1152921504606846976'],
  ])('formatDecimal(%s, %i) is %s', (value, decimals, expected) => {
    expect(formatDecimal(value, decimals)).toBe(expected);
  });

  it('writes whole numbers as toFixed does, past 2^53 too', () => {
    for (const value of [0, 7, -7, 2 ** 53 - 1, 2 ** 53 + 2, 2 ** 67 + 2 ** 20]) {
      expect(formatDecimal(value, 6)).toBe(BigInt(value).toString());
    }
  });

  it('never writes an exponent', () => {
    for (const value of [1e-12, 5e-7, 1.5e15, 9.99e20, 3e25]) {
      expect(formatDecimal(value, 6)).not.toMatch(/e/i);
    }
  });

  it('refuses NaN and Infinity rather than writing them into a ledger', () => {
    expect(() => formatDecimal(Number.NaN, 6)).toThrow(RangeError);
    expect(() => formatDecimal(Number.POSITIVE_INFINITY, 6)).toThrow(RangeError);
  });
});

describe('guardFormula', () => {
  it.each(['=HYPERLINK("x")', '+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])(
    'prefixes %j with an apostrophe',
    (value) => {
      expect(guardFormula(value)).toBe(`'${value}`);
    },
  );

  it.each(['chat', 'A100-80GB', '1-2', '', ' =leading space'])('leaves %j alone', (value) => {
    expect(guardFormula(value)).toBe(value);
  });
});

describe('renderTableCsv', () => {
  const columns = [text('use_case'), number('cost_eur', 6)];

  it('writes a header, one line per record, LF endings and a final newline', () => {
    const csv = renderTableCsv({
      columns,
      records: [
        ['chat', 12.5],
        ['search', 0.25],
      ],
    });
    expect(csv).toBe('use_case,cost_eur\nchat,12.5\nsearch,0.25\n');
  });

  it('guards label cells but keeps negative numbers as numbers', () => {
    const csv = renderTableCsv({ columns, records: [['=1+1', -3.25]] });
    expect(csv).toBe("use_case,cost_eur\n'=1+1,-3.25\n");
  });

  it('writes every record, in order, however many there are', () => {
    // Past the renderer's slices of 10,000 records, with quoting on both sides of an edge.
    const records = Array.from({ length: 25_001 }, (_, i) => [
      i % 9_999 === 0 ? `line\nbreak ${i}` : `use-case-${i}`,
      i / 4,
    ]);
    const expected = [
      'use_case,cost_eur',
      ...records.map(([name, cost]) =>
        String(name).includes('\n') ? `"${name}",${cost}` : `${name},${cost}`,
      ),
      '',
    ].join('\n');
    expect(renderTableCsv({ columns, records })).toBe(expected);
    expect(renderTableCsv({ columns, records: [] })).toBe('use_case,cost_eur\n');
  });

  it('writes null as an empty cell, never as zero', () => {
    const csv = renderTableCsv({ columns, records: [['chat', null]] });
    expect(csv).toBe('use_case,cost_eur\nchat,\n');
  });

  it('quotes commas, quotes and line breaks so each record stays one record', () => {
    const csv = renderTableCsv({
      columns,
      records: [
        ['a,b', 1],
        ['say "hi"', 2],
        ['two\nlines', 3],
        ['cr\rinside', 4],
      ],
    });
    expect(csv).toBe(
      'use_case,cost_eur\n"a,b",1\n"say ""hi""",2\n"two\nlines",3\n"cr\rinside",4\n',
    );
  });

  it('a formula cell that also needs quoting is guarded and quoted', () => {
    const csv = renderTableCsv({ columns, records: [['=A1,B1', 1]] });
    expect(csv).toBe('use_case,cost_eur\n"\'=A1,B1",1\n');
  });

  it('rejects text in a number column instead of writing it unguarded', () => {
    expect(() => renderTableCsv({ columns, records: [['chat', '=1+1']] })).toThrow(TypeError);
  });
});

describe('renderTableCsv with decimal commas', () => {
  const style = { decimalComma: true };
  const columns = [text('use_case'), number('cost_eur', 6), fixedNumber('quantity', 3)];

  it('separates fields with ";" and writes "," before the decimals', () => {
    const csv = renderTableCsv({ columns, records: [['chat', 0.557, 1]] }, style);
    expect(csv).toBe('use_case;cost_eur;quantity\nchat;0,557;1,000\n');
  });

  it('quotes a text cell holding ";", and leaves "," in text alone', () => {
    const csv = renderTableCsv(
      {
        columns,
        records: [
          ['a;b', 1, 2],
          ['a,b', -0.5, 0],
        ],
      },
      style,
    );
    expect(csv).toBe('use_case;cost_eur;quantity\n"a;b";1;2,000\na,b;-0,5;0,000\n');
  });
});

describe('fixed-decimal columns', () => {
  it('write every row with the same number of decimals, whole numbers too', () => {
    const columns = [fixedNumber('PricingQuantity', 6)];
    const csv = renderTableCsv({ columns, records: [[1], [0.5], [2.1234567], [0]] });
    expect(csv).toBe('PricingQuantity\n1.000000\n0.500000\n2.123457\n0.000000\n');
  });

  it('take exact decimal text as it is, and refuse text that is not a number', () => {
    const columns = [fixedNumber('ListCost', 4)];
    expect(renderTableCsv({ columns, records: [['35.1600']] })).toBe('ListCost\n35.1600\n');
    expect(() => renderTableCsv({ columns, records: [['1e3']] })).toThrow(TypeError);
  });
});
