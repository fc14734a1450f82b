// The drift as a page: for each drifting group and metric, the day's value against its band
// over the checked days, drifting days marked; then the table of drifts.
import {
  DRIFT_METRICS,
  type DriftMetric,
  type DriftReport,
  type GroupDrift,
} from '../../core/drift-types.js';
import { driftView, groupText, metricText, metricTitle } from '../drift-view.js';
import { periodLabel } from '../format.js';
import { axisStyle, LEGEND, renderChart, shortLabel } from './chart.js';
import { CHART_INK, htmlPage, PALETTE, section } from './page.js';
import { htmlTable } from './table.js';

/** More charts than this make a page nobody scrolls; the table lists every drift. */
const MAX_CHARTS = 8;
const VALUE = PALETTE[0];
const BAND = PALETTE[4];
const DRIFT = PALETTE[5];

export function renderDriftHtml(report: DriftReport): string {
  const view = driftView(report);
  const [headline, ...notes] = view.footnotes;
  const charts = drifting(report)
    .slice(0, MAX_CHARTS)
    .map(({ group, metric }) =>
      section(
        `${shortLabel(groupText(group.group, report.by), 60)} — ${metricTitle(metric, report.catalogue.currency)}`,
        bandChart(report, group, metric),
      ),
    );
  return htmlPage({
    title: view.title,
    headline,
    context: view.context,
    sections: [...charts, section('Drifting days', htmlTable(view))],
    footnotes: notes,
  });
}

function drifting(report: DriftReport): { group: GroupDrift; metric: DriftMetric }[] {
  return report.groups.flatMap((group) =>
    DRIFT_METRICS.filter((metric) =>
      group.days.some((day) =>
        day.metrics.some((check) => check.metric === metric && check.status === 'drift'),
      ),
    ).map((metric) => ({ group, metric })),
  );
}

function bandChart(report: DriftReport, group: GroupDrift, metric: DriftMetric): string {
  const tz = report.window.tz;
  const checks = group.days.map((day) => day.metrics.find((check) => check.metric === metric));
  const series = (
    name: string,
    color: string,
    pick: (check: NonNullable<(typeof checks)[number]>) => number | null,
    dashed = false,
  ) => ({
    name,
    type: 'line',
    symbol: dashed ? 'none' : 'circle',
    lineStyle: { color, type: dashed ? 'dashed' : 'solid', width: dashed ? 1.5 : 2 },
    itemStyle: { color },
    data: checks.map((check) => {
      const value = check ? pick(check) : null;
      return value === null ? '-' : value;
    }),
  });
  const option = {
    legend: LEGEND,
    grid: { outerBoundsMode: 'none', left: 80, right: 30, top: 36, bottom: 40 },
    xAxis: axisStyle({ type: 'category', data: group.days.map((day) => periodLabel(day, tz)) }),
    yAxis: axisStyle({
      type: 'value',
      scale: true,
      axisLabel: {
        ...(axisStyle().axisLabel as object),
        formatter: (value: number) => metricText(metric, value),
      },
    }),
    series: [
      series('band', BAND, (check) => check.baseline?.upper ?? null, true),
      series('', BAND, (check) => check.baseline?.lower ?? null, true),
      series('baseline median', CHART_INK, (check) => check.baseline?.median ?? null, true),
      {
        ...series('day', VALUE, (check) => check.value),
        data: checks.map((check) =>
          check?.value === null || check?.value === undefined
            ? '-'
            : check.status === 'drift'
              ? { value: check.value, symbolSize: 10, itemStyle: { color: DRIFT } }
              : check.value,
        ),
      },
    ],
  };
  return renderChart(option, {
    width: 960,
    height: 280,
    caption: `${metricTitle(metric, report.catalogue.currency)} per day against the band of its trailing baseline (dashed); drifting days in orange.`,
  });
}
