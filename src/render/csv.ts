// CSV for `report --format csv` and for exports: RFC 4180 quoting by csv-stringify, numbers
// formatted by ml-cost, label text guarded against spreadsheet formulas.
import { stringify } from 'csv-stringify/sync';
import type { UsageReport } from '../core/report.js';
import { formatDecimal } from '../export/decimal.js';
import { mlCostTable } from '../export/ml-cost.js';
import type { Cell, Column, Table } from '../export/table.js';
import { TextBuilder } from './text-builder.js';

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

function cellText(column: Column, cell: Cell): string {
  if (cell === null) return '';
  if (column.kind === 'number') {
    if (typeof cell !== 'number') {
      throw new TypeError(`column ${column.name} expects a number, got ${JSON.stringify(cell)}`);
    }
    return formatDecimal(cell, column.maxDecimals);
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
export function renderTableCsv(table: Table, options: { partial?: boolean } = {}): string {
  const { columns, records } = options.partial ? withPartialColumn(table) : table;
  const text = new TextBuilder();
  text.append(stringify([columns.map((column) => column.name)], CSV_OPTIONS));
  for (let start = 0; start < records.length; start += RECORDS_PER_SLICE) {
    const lines = records
      .slice(start, start + RECORDS_PER_SLICE)
      .map((record) => columns.map((column, index) => cellText(column, record[index] ?? null)));
    text.append(stringify(lines, CSV_OPTIONS));
  }
  return text.toString();
}

function withPartialColumn(table: Table): Table {
  return {
    columns: [...table.columns, { name: 'partial', kind: 'text' }],
    records: table.records.map((record) => [...record, 'true']),
  };
}

/** `report --format csv`: the ml-cost layout with each row's share of the report's cost. */
export function renderCsv(report: UsageReport): string {
  return renderTableCsv(mlCostTable(report, { costShare: true }), { partial: report.partial });
}
