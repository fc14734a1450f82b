// The groups a chart can show: the costliest few by name, the rest summed as "other", so a
// chart stays readable and still adds up to the report's total.
import { compareText } from '../core/order.js';
import type { UsageRow } from '../core/report.js';

export interface ChartGroup {
  readonly key: string;
  readonly label: string;
  /** Cost of the priced part; null when none of the group's GPU time has a price. */
  readonly cost: number | null;
  readonly unpricedGpuHours: number;
  /** How many groups this one stands for (more than one for "other"). */
  readonly members: number;
}

/** The colours that stay apart, less one for "other". */
export const MAX_NAMED_GROUPS = 7;

export function groupLabel(row: Pick<UsageRow, 'group'>, by: readonly string[]): string {
  if (by.length === 0) return 'all usage';
  return by.map((label) => row.group[label] || '(none)').join(' · ');
}

/** Rows of one group share this key, whatever their period. */
export function groupKey(row: Pick<UsageRow, 'group'>, by: readonly string[]): string {
  return JSON.stringify(by.map((name) => row.group[name] ?? ''));
}

/** Rows (of any granularity) summed per group, costliest first, beyond `max` folded. */
export function topGroups(
  rows: Iterable<UsageRow>,
  by: readonly string[],
  max = MAX_NAMED_GROUPS,
): ChartGroup[] {
  const sums = new Map<
    string,
    { label: string; cost: number; priced: boolean; unpriced: number }
  >();
  for (const row of rows) {
    const label = groupLabel(row, by);
    const key = groupKey(row, by);
    const sum = sums.get(key) ?? { label, cost: 0, priced: false, unpriced: 0 };
    sum.cost += row.cost ?? 0;
    sum.priced ||= row.cost !== null;
    sum.unpriced += row.unpricedGpuHours;
    sums.set(key, sum);
  }
  const groups: ChartGroup[] = [...sums].map(([key, sum]) => ({
    key,
    label: sum.label,
    cost: sum.priced || sum.unpriced === 0 ? sum.cost : null,
    unpricedGpuHours: sum.unpriced,
    members: 1,
  }));
  groups.sort(
    (a, b) =>
      (b.cost ?? -1) - (a.cost ?? -1) ||
      b.unpricedGpuHours - a.unpricedGpuHours ||
      compareText(a.label, b.label),
  );
  if (groups.length <= max + 1) return groups;
  const rest = groups.slice(max);
  const anyPriced = rest.some((group) => group.cost !== null);
  const unpriced = rest.reduce((total, group) => total + group.unpricedGpuHours, 0);
  return [
    ...groups.slice(0, max),
    {
      key: '\u0000other',
      label: `other (${rest.length} groups)`,
      cost:
        anyPriced || unpriced === 0
          ? rest.reduce((total, group) => total + (group.cost ?? 0), 0)
          : null,
      unpricedGpuHours: unpriced,
      members: rest.length,
    },
  ];
}
