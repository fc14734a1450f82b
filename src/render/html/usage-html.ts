// The usage report as a page: cost by group, cost over time stacked by group (by day or
// hour), then the report's table and every line needed to trace its figures.
import type { UsageReport } from '../../core/report.js';
import { fixed, percent, periodTexts, roundToTotal } from '../format.js';
import { type ChartGroup, groupKey, topGroups } from '../top-groups.js';
import { usageView } from '../usage-view.js';
import { axisStyle, LEGEND, labelGutter, renderChart, shortLabel } from './chart.js';
import { CHART_INK, callout, htmlPage, OTHER_COLOR, PALETTE, section } from './page.js';
import { htmlTable } from './table.js';

export function renderUsageHtml(report: UsageReport): string {
  const view = usageView(report);
  const groups = topGroups(report.rows, report.by);
  const sections = [
    section(
      'Cost by group',
      ...unpricedCallouts(report),
      groups.length > 0 ? groupChart(report, groups) : '<p>No usage in this window.</p>',
    ),
  ];
  if (report.granularity !== 'total' && report.rows.length > 0) {
    sections.push(section(`Cost by ${report.granularity}`, timeChart(report, groups)));
  }
  sections.push(section('Figures', htmlTable(view)));
  return htmlPage({
    title: view.title,
    headline: headline(report, groups),
    context: view.context,
    sections,
    footnotes: view.footnotes,
  });
}

function headline(report: UsageReport, groups: readonly ChartGroup[]): string {
  const { currency } = report.catalogue;
  const { totals } = report;
  if (report.rows.length === 0) return `No usage in ${report.window.label}.`;
  if (totals.cost === null) return `${fixed(totals.gpuHours, 2)} GPU-hours, none of them priced.`;
  const top = groups[0];
  const lead =
    top && top.cost !== null && totals.cost > 0 && report.by.length > 0 && top.members === 1
      ? `; ${top.label} ${percent(top.cost / totals.cost)} of it`
      : '';
  const unpriced =
    totals.unpricedGpuHours > 0
      ? `, plus ${fixed(totals.unpricedGpuHours, 2)} unpriced GPU-hours`
      : '';
  return `${currency} ${fixed(totals.cost, 2)} in ${report.window.label}${lead}${unpriced}.`;
}

function unpricedCallouts(report: UsageReport): string[] {
  const { totals } = report;
  if (totals.unpricedGpuHours <= 0) return [];
  return [
    callout(
      `Unpriced: ${fixed(totals.unpricedGpuHours, 2)} GPU-hours (${percent(report.unpricedShare)} of GPU time) of ${totals.unpricedGpuTypes.join(', ')} have no rate in the catalogue. They are in no bar below; groups marked "unpriced" or * are missing that cost.`,
    ),
  ];
}

/** Horizontal bars, costliest on top; a group without any price gets a label, not a bar. */
function groupChart(report: UsageReport, groups: readonly ChartGroup[]): string {
  const { currency } = report.catalogue;
  // The bar labels add up to the totals row, to the cent, as the table's rows do.
  const shown = roundToTotal(
    groups.map((group) => group.cost ?? 0),
    2,
    report.totals.cost ?? 0,
  );
  const ordered = groups.map((group, index) => ({ group, shown: shown[index] ?? 0 })).reverse();
  const axisLabel = ({ group }: (typeof ordered)[number]) => {
    const mark = group.cost !== null && group.unpricedGpuHours > 0 ? ' *' : '';
    const unpriced =
      group.cost === null ? ` — unpriced, ${fixed(group.unpricedGpuHours, 2)} GPU-h` : '';
    return `${shortLabel(group.label)}${mark}${unpriced}`;
  };
  const names = ordered.map(axisLabel);
  const option = {
    grid: { outerBoundsMode: 'none', left: labelGutter(names), right: 90, top: 8, bottom: 24 },
    xAxis: axisStyle({ type: 'value', name: currency, nameLocation: 'end' }),
    yAxis: axisStyle({
      type: 'category',
      data: names,
      axisTick: { show: false },
    }),
    series: [
      {
        name: `cost ${currency}`,
        type: 'bar',
        barMaxWidth: 26,
        data: ordered.map(({ group, shown: value }, index) =>
          group.cost === null
            ? '-'
            : {
                value,
                itemStyle: {
                  color: group.members > 1 ? OTHER_COLOR : colorOf(ordered.length - 1 - index),
                },
              },
        ),
        label: {
          show: true,
          position: 'right',
          color: CHART_INK,
          formatter: ({ value }: { value: number }) => fixed(value, 2),
        },
      },
    ],
  };
  const priced = groups.filter((group) => group.cost !== null).length;
  return renderChart(option, {
    width: 960,
    height: 48 + 30 * groups.length,
    caption: `Cost in ${currency} of ${groups.length} group${groups.length === 1 ? '' : 's'} (${priced} priced), costliest first.`,
  });
}

function colorOf(index: number): string {
  return PALETTE[index % PALETTE.length] ?? OTHER_COLOR;
}

/** One bar per day or hour, stacked by the same groups as the bars above. */
function timeChart(report: UsageReport, allGroups: readonly ChartGroup[]): string {
  // A group without any price has no bar to stack; the callout and the table name it.
  const groups = allGroups.filter((group) => group.cost !== null);
  const { currency } = report.catalogue;
  const textsOf = periodTexts(report.window.tz);
  const starts = [...new Set(Array.from(report.rows, (row) => row.period?.startMs ?? 0))].sort(
    (a, b) => a - b,
  );
  const column = new Map(starts.map((start, index) => [start, index]));
  const labels = new Map<number, string>();
  const named = new Map(groups.filter((g) => g.members === 1).map((g) => [g.key, g]));
  const other = groups.find((group) => group.members > 1);
  const series = groups.map(() => Array.from(starts, () => null as number | null));
  const unpricedAt = new Set<number>();
  for (const row of report.rows) {
    const start = row.period?.startMs ?? 0;
    if (row.period && !labels.has(start)) labels.set(start, textsOf(row.period).label);
    const group = named.get(groupKey(row, report.by)) ?? other;
    const at = column.get(start) ?? 0;
    if (row.unpricedGpuHours > 0) unpricedAt.add(at);
    if (!group || row.cost === null) continue;
    const values = series[groups.indexOf(group)];
    if (values) values[at] = (values[at] ?? 0) + row.cost;
  }
  const categories = starts.map(
    (start, index) => `${labels.get(start) ?? ''}${unpricedAt.has(index) ? ' *' : ''}`,
  );
  const option = {
    legend: { ...LEGEND, data: groups.map((group) => shortLabel(group.label)) },
    grid: {
      outerBoundsMode: 'same',
      left: 8,
      right: 16,
      top: 34 + 18 * Math.floor(groups.length / 5),
      bottom: 8,
    },
    xAxis: axisStyle({
      type: 'category',
      data: categories,
      axisLabel: { ...labelStyle(), rotate: 45 },
    }),
    yAxis: axisStyle({ type: 'value', name: currency }),
    series: groups.map((group, index) => ({
      name: shortLabel(group.label),
      type: 'bar',
      stack: 'cost',
      barMaxWidth: 28,
      itemStyle: { color: group.members > 1 ? OTHER_COLOR : colorOf(index) },
      data: (series[index] ?? []).map((value) => value ?? '-'),
    })),
  };
  const unit = report.granularity;
  return renderChart(option, {
    width: 960,
    height: 380,
    caption: `Cost in ${currency} per ${unit}, stacked by group${unpricedAt.size > 0 ? `; * marks a ${unit} with unpriced GPU time, which is in no bar` : ''}.`,
  });
}

function labelStyle(): Record<string, unknown> {
  return (axisStyle().axisLabel ?? {}) as Record<string, unknown>;
}
