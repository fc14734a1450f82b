// Deterministic row order and timestamp text shared by the export layouts.
import { compareText } from '../core/order.js';
import type { UsageReport, UsageRow } from '../core/report.js';
import { type Column, text } from './table.js';

/**
 * Orders rows by period start, then by each --by label in order, then by catalogue version and
 * exchange-rate version.
 */
export function sortRows(rows: readonly UsageRow[], by: readonly string[]): UsageRow[] {
  return [...rows].sort((a, b) => {
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

/** "2026-11-27T00:00:00Z": the FOCUS date/time format (UTC, seconds, no fraction). */

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
