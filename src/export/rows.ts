// Deterministic row order and timestamp text shared by the export layouts.
import { compareText } from '../core/order.js';
import type { UsageReport, UsageRow, UsageRows } from '../core/report.js';
import { type Column, text } from './table.js';

/**
 * Orders rows by period start, then by each --by label in order, then by catalogue version and
 * exchange-rate version.
 */
export function sortRows(rows: Iterable<UsageRow>, by: readonly string[]): UsageRow[] {
  return Array.from(rows).sort((a, b) => {
    const period = (a.period?.startMs ?? 0) - (b.period?.startMs ?? 0);
    if (period !== 0) return period;
    for (const label of by) {
      const order = compareText(a.group[label] ?? '', b.group[label] ?? '');
      if (order !== 0) return order;
    }
    return (
      compareText(a.versions.join(';'), b.versions.join(';')) ||
      compareText((a.fxVersions ?? []).join(';'), (b.fxVersions ?? []).join(';'))
    );
  });
}

/**
 * The rows in sortRows' order, made a period at a time: rows made as they are read come in
 * period order already and only each period's rows are sorted, so a report of millions of rows
 * is never held whole. An array of rows (already in memory) is put in period order first.
 */
export function* sortedRows(rows: UsageRows, by: readonly string[]): Generator<UsageRow> {
  const inOrder = Array.isArray(rows) ? [...rows].sort((a, b) => startOf(a) - startOf(b)) : rows;
  let run: UsageRow[] = [];
  for (const row of inOrder) {
    const start = startOf(row);
    const last = run[run.length - 1];
    if (last && startOf(last) !== start) {
      if (start < startOf(last)) throw new Error('report rows out of period order');
      yield* sortRows(run, by);
      run = [];
    }
    run.push(row);
  }
  yield* sortRows(run, by);
}

function startOf(row: UsageRow): number {
  return row.period?.startMs ?? 0;
}

/** Catalogue versions as one cell: "2026-07" or, for a row priced by several, "2026-06;2026-07". */
export function versionsCell(versions: readonly string[]): string {
  return versions.join(';');
}

/**
 * The cost_basis column, where busy GPU time is configured (catalogue.costBasis): every record
 * says what its costs are the cost of, as it says which prices made them.
 */
export function basisColumns(report: Pick<UsageReport, 'catalogue'>): Column[] {
  return report.catalogue.costBasis ? [text('cost_basis')] : [];
}

export function basisCells(report: Pick<UsageReport, 'catalogue'>): string[] {
  return report.catalogue.costBasis ? [report.catalogue.costBasis] : [];
}

/**
 * True when figures may be converted from another currency (or --fx-version forced a rate):
 * then every row names its exchange-rate versions. Decided by the catalogue and flags, not by
 * the rows, so the columns of a file do not depend on the window it covers.
 */
export function convertsCurrency(report: Pick<UsageReport, 'catalogue'>): boolean {
  const { catalogue } = report;
  return catalogue.pricingCurrencies !== undefined || catalogue.forcedFxVersions !== undefined;
}
