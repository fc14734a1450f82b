// The terminal's picture of a daily report: one line per group (the costliest few, the rest
// as "other"), one mark per day on a scale shared by all lines so heights compare.
import type { UsageReport } from '../core/report.js';
import { fixed, periodTexts, roundToTotal, safeText } from './format.js';
import { sparkMark } from './sparkline.js';
import { groupKey, topGroups } from './top-groups.js';

/** A day whose cost is unknown (some GPU time of the group has no price) is never blank. */
const UNPRICED_MARK = '?';
const LABEL_WIDTH = 24;

export function dailyChartLines(report: UsageReport): string[] {
  if (report.granularity !== 'day' || report.rows.length === 0) return [];
  const rows = Array.from(report.rows);
  const starts = [...new Set(rows.map((row) => row.period?.startMs ?? 0))].sort((a, b) => a - b);
  const column = new Map(starts.map((start, index) => [start, index]));
  const groups = topGroups(rows, report.by);
  const named = new Map(groups.filter((g) => g.members === 1).map((g, index) => [g.key, index]));
  const otherIndex = groups.findIndex((group) => group.members > 1);
  const costs = groups.map(() => starts.map(() => 0));
  const unpriced = groups.map(() => starts.map(() => false));
  for (const row of rows) {
    const index = named.get(groupKey(row, report.by)) ?? otherIndex;
    const at = column.get(row.period?.startMs ?? 0) ?? 0;
    const line = costs[index];
    if (line) line[at] = (line[at] ?? 0) + (row.cost ?? 0);
    const marks = unpriced[index];
    if (marks && row.unpricedGpuHours > 0) marks[at] = true;
  }
  const max = Math.max(0, ...costs.flat());
  const textsOf = periodTexts(report.window.tz);
  const first = rows.find((row) => row.period?.startMs === starts[0])?.period;
  const last = rows.find((row) => row.period?.startMs === starts[starts.length - 1])?.period;
  const span = first && last ? `${textsOf(first).label} … ${textsOf(last).label}` : '';
  const width = Math.min(LABEL_WIDTH, Math.max(...groups.map((group) => group.label.length)));
  const { currency } = report.catalogue;
  // The group totals as shown add up to the report's total as the table shows it.
  const shown = roundToTotal(
    groups.map((group) => group.cost ?? 0),
    2,
    report.totals.cost ?? 0,
  );
  return [
    `daily cost ${span} (one mark a day, one scale; ${UNPRICED_MARK}: no priced GPU time that day)`,
    ...groups.map((group, index) => {
      const marks = (costs[index] ?? [])
        .map((cost, day) =>
          unpriced[index]?.[day] && cost <= 0 ? UNPRICED_MARK : sparkMark(cost, max),
        )
        .join('');
      const label = safeText(cut(group.label, width)).padEnd(width);
      const mark = group.unpricedGpuHours > 0 ? '*' : '';
      const total =
        group.cost === null ? 'unpriced' : `${currency} ${fixed(shown[index] ?? 0, 2)}${mark}`;
      return `  ${label}  ${marks}  ${total}`;
    }),
  ];
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
