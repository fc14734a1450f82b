// The one text order ml-cost sorts by. Pure.

/**
 * Code-unit order, not localeCompare: rows, CSV files and hashes must come out the same on
 * every machine, whatever its locale.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
