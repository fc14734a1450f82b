// Which GPU charge carries a group's inferences and tokens: they have no GPU-type label, so
// they arrive in rows of their own and are folded into the one charge of their group, or left
// out and counted when no one charge can carry them.
import { compareText } from '../core/order.js';
import { costGpuHours, type UsageRow } from '../core/report.js';
import { formatDecimal } from './decimal.js';
import { DECIMALS } from './table.js';

/** The counts a GPU charge carries beside its GPU time (input and output tokens: 0 if not read). */
export interface Counts {
  inferences: number;
  tokens: number;
  inputTokens: number;
  outputTokens: number;
}

/** A GPU charge and the inferences and tokens it carries; null where they are not its own. */
export interface Charge {
  readonly row: UsageRow;
  readonly counts: Readonly<Counts> | null;
}

export interface Attached {
  readonly charges: readonly Charge[];
  /** Inferences and tokens no single GPU charge of their group can carry. */
  readonly unattached: Readonly<Counts>;
}

function countsOf(row: UsageRow): Counts {
  return {
    inferences: row.inferences,
    tokens: row.tokens,
    inputTokens: row.quantities.input_tokens,
    outputTokens: row.quantities.output_tokens,
  };
}

function addCounts(into: Counts, from: Readonly<Counts>): void {
  into.inferences += from.inferences;
  into.tokens += from.tokens;
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
}

/**
 * Tokens and inferences carry no GPU-type label, so they arrive in a row of their own with an
 * empty GPU type. When their group (same other labels, period and catalogue version) ran on
 * exactly one GPU type, they belong to that charge and are folded into it. Otherwise no charge
 * can carry them: splitting them between GPU types would be invented, and a zero-cost row
 * for them is the kind of placeholder FOCUS rules out (NullHandling: no 0 standing for "no
 * value"). They are left out, counted for a note. Rows with no GPU time at all are not
 * charges either.
 */
export function attachUsageToCharges(
  rows: readonly UsageRow[],
  gpuTypeLabel: string,
  migProfileLabel?: string,
): Attached {
  const keyOf = (row: UsageRow) =>
    JSON.stringify([
      row.period?.startMs ?? null,
      row.versions,
      row.fxVersions ?? [],
      Object.entries(row.group)
        .filter(([label]) => label !== gpuTypeLabel && label !== migProfileLabel)
        .sort(([a], [b]) => compareText(a, b)),
    ]);
  const gpuRows = new Map<string, UsageRow[]>();
  const loose = new Map<string, UsageRow>();
  const unattached: Counts = { inferences: 0, tokens: 0, inputTokens: 0, outputTokens: 0 };
  for (const row of rows) {
    // A charge is GPU time of the cost basis (busy under --cost-basis busy).
    const hours = costGpuHours(row);
    if ((row.group[gpuTypeLabel] ?? '') === '' && hours === 0) {
      loose.set(keyOf(row), row);
    } else if (hours > 0) {
      gpuRows.set(keyOf(row), [...(gpuRows.get(keyOf(row)) ?? []), row]);
    } else {
      addCounts(unattached, countsOf(row));
    }
  }
  const charges: Charge[] = [];
  for (const [key, group] of gpuRows) {
    const extra = loose.get(key);
    loose.delete(key);
    const own = (row: UsageRow) => {
      const counts = countsOf(row);
      if (group.length === 1 && extra !== undefined) addCounts(counts, countsOf(extra));
      return counts;
    };
    if (group.length > 1 && extra !== undefined) addCounts(unattached, countsOf(extra));
    for (const row of group) {
      const shared = group.length > 1 && extra !== undefined;
      charges.push({ row, counts: shared ? null : own(row) });
    }
  }
  for (const row of loose.values()) addCounts(unattached, countsOf(row));
  return { charges, unattached };
}

export function unattachedNote(unattached: Attached['unattached']): string[] {
  if (unattached.inferences === 0 && unattached.tokens === 0) return [];
  const counts = `${formatDecimal(unattached.inferences, DECIMALS.count)} inferences and ${formatDecimal(unattached.tokens, DECIMALS.count)} tokens`;
  return [
    `${counts} are not in the FOCUS file: their use case ran on several GPU types, or on none, in a period, so no one GPU charge carries them (export --schema ml-cost has them all)`,
  ];
}
