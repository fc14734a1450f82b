// The ranking as a page: each use case's share of GPU cost against its share of value, the
// marginal ones marked, the summary sentence on top and the ranking's table below.
import type { RankReport, RankRow } from '../../core/rank.js';
import { percent } from '../format.js';
import { rankView, summarySentence } from '../rank-view.js';
import { axisStyle, LEGEND, labelGutter, renderChart, shortLabel } from './chart.js';
import { CHART_INK, htmlPage, PALETTE, section } from './page.js';
import { htmlTable } from './table.js';

const COST = PALETTE[5];
const VALUE = PALETTE[0];
const MARGINAL_COLOR = '#b3261e';

export function renderRankHtml(report: RankReport): string {
  const view = rankView(report);
  const { rows } = report.ranking;
  const [summary, ...notes] = view.footnotes;
  return htmlPage({
    title: view.title,
    headline: summary ?? summarySentence(report.ranking, report.catalogue.currency),
    context: view.context,
    sections: [
      ...(rows.length > 0 ? [section('Cost share against value share', shareChart(report))] : []),
      section(
        'Figures',
        htmlTable(view, { rowClass: (index) => (rows[index]?.marginal ? 'marginal' : undefined) }),
      ),
    ],
    footnotes: notes,
  });
}

function axisName(row: RankRow): string {
  const name = shortLabel(row.useCase || '(none)');
  if (row.marginal) return `{marginal|${escapeRich(name)} ▲ marginal}`;
  if (row.notJudged === 'unpriced') return `{plain|${escapeRich(name)} (unpriced)}`;
  if (row.notJudged === 'no-value') return `{plain|${escapeRich(name)} (no value set)}`;
  return `{plain|${escapeRich(name)}}`;
}

/** Braces and bars start ECharts' rich-text markup; in label values they are only text. */
function escapeRich(text: string): string {
  return text.replace(/[{}|]/g, (char) => ({ '{': '(', '}': ')', '|': '¦' })[char] ?? char);
}

function shareChart(report: RankReport): string {
  const rows = [...report.ranking.rows].reverse(); // ECharts draws the first category lowest
  const share = (value: number | null) => (value === null ? '-' : value * 100);
  const label = {
    show: true,
    position: 'right',
    color: CHART_INK,
    fontSize: 11,
    formatter: ({ value }: { value: number }) => percent(value / 100),
  };
  const names = rows.map(axisName);
  const option = {
    legend: LEGEND,
    grid: { outerBoundsMode: 'none', left: labelGutter(names), right: 60, top: 30, bottom: 24 },
    xAxis: axisStyle({ type: 'value', name: '%', max: 100 }),
    yAxis: axisStyle({
      type: 'category',
      data: names,
      axisTick: { show: false },
      axisLabel: {
        ...(axisStyle().axisLabel as object),
        rich: {
          plain: { color: CHART_INK, fontSize: 12 },
          marginal: { color: MARGINAL_COLOR, fontWeight: 'bold', fontSize: 12 },
        },
      },
    }),
    series: (
      [
        ['cost share', COST, (row: RankRow) => row.costShare],
        ['value share', VALUE, (row: RankRow) => row.valueShare],
      ] as const
    ).map(([name, color, pick]) => ({
      name,
      type: 'bar',
      barGap: '10%',
      barMaxWidth: 16,
      itemStyle: { color },
      label,
      data: rows.map((row) => share(pick(row))),
    })),
  };
  return renderChart(option, {
    width: 960,
    height: 70 + 40 * rows.length,
    caption:
      'Share of GPU cost and share of value per use case; ▲ marks a marginal one (margin below zero, or cost share far above value share).',
  });
}
