// CSV for `report --format csv` and for exports: RFC 4180 quoting by csv-stringify, numbers
// formatted by ml-cost, label text guarded against spreadsheet formulas.
import { stringify } from 'csv-stringify/sync';
import type { UsageReport } from '../core/report.js';
import { formatDecimal, formatFixed } from '../export/decimal.js';
import { mlCostTable } from '../export/ml-cost.js';
import type { Cell, Column, Table } from '../export/table.js';
import { type Rendered, renderedText } from './chunks.js';

/** Leading characters that make Excel, LibreOffice or Sheets read a cell as a formula (OWASP). */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

/**
 * A text cell that would start a formula gets a leading apostrophe, which spreadsheets show
 * as text. Only text cells: numbers are written by formatDecimal, so a leading "-" in a
 * number column is a sign that must survive for the file to add up.
 */
export function guardFormula(value: string): string {
  return FORMULA_TRIGGER.test(value) ? `'${value}` : value;
}

/**
 * How a CSV is punctuated. The default is RFC 4180 with "." decimals, what programs and
 * English-locale spreadsheets read; decimalComma writes ";" between fields and "," before
 * decimals, what Excel and LibreOffice expect in German, French and most other European locales.
 */
export interface CsvStyle {
  readonly decimalComma: boolean;
}

export const STANDARD_CSV: CsvStyle = { decimalComma: false };

/** A number a layout already wrote as exact decimal text (see export/decimal.ts). */
const DECIMAL_TEXT = /^-?\d+(?:\.\d+)?$/;

function numberText(column: Column & { kind: 'number' }, cell: Cell): string {
  if (typeof cell === 'string' && DECIMAL_TEXT.test(cell)) return cell;
  if (typeof cell !== 'number') {
    throw new TypeError(`column ${column.name} expects a number, got ${JSON.stringify(cell)}`);
  }
  return column.fixed === true
    ? formatFixed(cell, column.maxDecimals)
    : formatDecimal(cell, column.maxDecimals);
}

function cellText(column: Column, cell: Cell, style: CsvStyle): string {
  if (cell === null) return '';
  if (column.kind === 'number') {
    const text = numberText(column, cell);
    return style.decimalComma ? text.replace('.', ',') : text;
  }
  return guardFormula(String(cell));
}

const CSV_OPTIONS = {
  record_delimiter: 'unix',
  // With an explicit record delimiter csv-stringify no longer quotes a lone "\r", which
  // spreadsheets would read as a line break inside the record.
  quoted_match: /[\r\n]/,
  eof: true,
} as const;

/** Records are turned into text this many at a time, so their cells die young. */
const RECORDS_PER_SLICE = 10_000;

/**
 * The header line, then one line per record, "\n"-terminated, no BOM, same bytes every run.
 * A result from a partial answer (--allow-partial) gets a last column `partial`, "true" on
 * every row: a CSV loses the notes on stderr, and its numbers must not pass for complete ones.
 */
export function renderTableCsv(
  table: Table,
  style: CsvStyle = STANDARD_CSV,
  marks: { partial?: boolean } = {},
): string {
  return renderedText(tableCsvPieces(table, style, marks));
}

/** renderTableCsv's text in pieces, made as they are written: a slice of records each. */
export function* tableCsvPieces(
  table: Table,
  style: CsvStyle = STANDARD_CSV,
  marks: { partial?: boolean } = {},
): Generator<string> {
  const { columns, records } = marks.partial ? withPartialColumn(table) : table;
  const options = { ...CSV_OPTIONS, delimiter: style.decimalComma ? ';' : ',' };
  yield stringify([columns.map((column) => column.name)], options);
  let lines: string[][] = [];
  for (const record of records) {
    lines.push(columns.map((column, index) => cellText(column, record[index] ?? null, style)));
    if (lines.length === RECORDS_PER_SLICE) {
      yield stringify(lines, options);
      lines = [];
    }
  }
  if (lines.length > 0) yield stringify(lines, options);
}

function withPartialColumn(table: Table): Table {
  return {
    columns: [...table.columns, { name: 'partial', kind: 'text' }],
    records: {
      length: table.records.length,
      *[Symbol.iterator]() {
        for (const record of table.records) yield [...record, 'true'];
      },
    },
  };
}

/** `report --format csv`: the ml-cost layout with each row's share of the report's cost. */
export function renderCsv(report: UsageReport, style: CsvStyle = STANDARD_CSV): Rendered {
  return tableCsvPieces(mlCostTable(report, { costShare: true }), style, {
    partial: report.partial,
  });
}
