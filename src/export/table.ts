// A typed table: what the export layouts produce and the CSV renderer writes.

/**
 * 'text' cells are labels and names that may come from users (metric labels), so the CSV
 * renderer guards them against spreadsheet formulas; 'number' cells are numbers ml-cost
 * computed and formats itself, so a leading "-" there is a sign and is left alone.
 */
export type Column =
  | { readonly name: string; readonly kind: 'text' }
  | {
      readonly name: string;
      readonly kind: 'number';
      readonly maxDecimals: number;
      /** Every row written with exactly maxDecimals decimals, so typed readers see one type. */
      readonly fixed?: boolean;
    };

/**
 * null is an empty cell: a value that does not exist, never a zero. A number column also takes
 * decimal text ("35.160000"), for values a layout computed exactly in decimal.
 */
export type Cell = string | number | null;

/** An array, or records made as they are read (read them once, in order). */
export interface TableRecords extends Iterable<readonly Cell[]> {
  readonly length: number;
}

export interface Table {
  readonly columns: readonly Column[];
  readonly records: TableRecords;
}

export function text(name: string): Column {
  return { name, kind: 'text' };
}

export function number(name: string, maxDecimals: number): Column {
  return { name, kind: 'number', maxDecimals };
}

/** A decimal column written with exactly `decimals` decimals on every row. */
export function fixedNumber(name: string, decimals: number): Column {
  return { name, kind: 'number', maxDecimals: decimals, fixed: true };
}

/** Decimals per quantity: enough that a sum of rows matches the total to the cent and beyond. */
export const DECIMALS = {
  money: 6,
  /** A cost per inference is often a fraction of a cent. */
  unitMoney: 9,
  gpuHours: 6,
  count: 6,
  ratio: 6,
  tokensPerMoney: 3,
} as const;
