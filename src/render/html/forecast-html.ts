// The forecast as a page: daily cost, then the month's running total with its run-rate and
// trend projections, the trend's interval as a band, the budget and the day it is crossed.
import type { ForecastReport, ForecastResult } from '../../core/forecast.js';
import { forecastFigures, isUnpriced } from '../../core/forecast-figures.js';
import { forecastView, localDate } from '../forecast-view.js';
import { fixed } from '../format.js';
import { axisStyle, LEGEND, renderChart } from './chart.js';
import { CHART_INK, callout, htmlPage, PALETTE, section } from './page.js';
import { htmlTable } from './table.js';

const ACTUAL = PALETTE[0];
const RUN_RATE = PALETTE[1];
const TREND = PALETTE[2];
const BUDGET = PALETTE[5];

export function renderForecastHtml(report: ForecastReport): string {
  const view = forecastView(report, { chart: false });
  const result = report.total;
  const sections: string[] = [];
  if (isUnpriced(forecastFigures(result)) || result.actual.unpricedGpuHours > 0) {
    sections.push(
      callout(
        `Unpriced: ${fixed(result.actual.unpricedGpuHours, 2)} GPU-hours to date have no rate in the catalogue; they are in no bar or line below.`,
      ),
    );
  }
  if (result.days.length > 0) {
    sections.push(section('Daily cost', dailyChart(report)));
    sections.push(section('Month to date and projected to month end', cumulativeChart(report)));
  }
  sections.push(section('Figures', htmlTable(view)));
  return htmlPage({
    title: `ml-cost forecast ${report.month}`,
    headline: headline(report),
    context: view.context,
    sections,
    footnotes: view.footnotes,
  });
}

function headline(report: ForecastReport): string {
  const { currency } = report.catalogue;
  const result = report.total;
  const money = (value: number) => `${currency} ${fixed(value, 2)}`;
  if (isUnpriced(forecastFigures(result))) return `${report.month}: no priced GPU usage.`;
  const parts = [`${report.month}: ${money(result.actual.cost)} to date`];
  if (result.status === 'ended')
    parts[0] = `${report.month}: ${money(result.actual.cost)}, month ended`;
  const trend = result.trend?.available ? result.trend : null;
  if (trend)
    parts.push(
      `trend ${money(trend.total)} (${money(trend.interval.lower)} – ${money(trend.interval.upper)})`,
    );
  if (result.runRate && result.status !== 'ended')
    parts.push(`run-rate ${money(result.runRate.total)}`);
  const budget = result.budget;
  if (budget) {
    const check = budget.trend ?? budget.runRate ?? budget.actual;
    if (check) {
      const side =
        check.difference > 0
          ? `${money(check.difference)} over`
          : `${money(-check.difference)} under`;
      const crossed =
        check.crossedOnMs === null ? '' : `, crossed on ${localDate(check.crossedOnMs, report.tz)}`;
      parts.push(`budget ${money(budget.amount)}: ${side}${crossed}`);
    }
  }
  return `${parts.join('; ')}.`;
}

function dayLabels(report: ForecastReport): string[] {
  return report.total.days.map((day) => localDate(day.startMs, report.tz).slice(5));
}

/** The projection the page leads with: the trend where there is one, else the run-rate. */
function projection(result: ForecastResult): 'trend' | 'runRate' | null {
  if (result.status === 'ended') return null;
  if (result.trend?.available) return 'trend';
  return result.runRate ? 'runRate' : null;
}

function dailyChart(report: ForecastReport): string {
  const { currency } = report.catalogue;
  const result = report.total;
  const lead = projection(result);
  const option = {
    legend: LEGEND,
    grid: { outerBoundsMode: 'same', left: 8, right: 16, top: 32, bottom: 8 },
    xAxis: axisStyle({ type: 'category', data: dayLabels(report) }),
    yAxis: axisStyle({ type: 'value', name: currency }),
    series: [
      {
        name: 'actual',
        type: 'bar',
        stack: 'day',
        itemStyle: { color: ACTUAL },
        data: result.days.map((day) => day.actual ?? '-'),
      },
      ...(lead
        ? [
            {
              name: lead === 'trend' ? 'trend (projected)' : 'run-rate (projected)',
              type: 'bar',
              stack: 'day',
              itemStyle: { color: lead === 'trend' ? TREND : RUN_RATE, opacity: 0.55 },
              data: result.days.map((day) => {
                const value = lead === 'trend' ? day.trend : day.runRate;
                return value ? value : '-';
              }),
            },
          ]
        : []),
    ],
  };
  return renderChart(option, {
    width: 960,
    height: 300,
    caption: `Cost in ${currency} per day of ${report.month} (${report.tz}): closed hours, then the ${lead === 'trend' ? 'trend' : 'run-rate'} projection of the hours still to come.`,
  });
}

/** Running totals of actual cost plus a projection's daily figures. */
function cumulative(result: ForecastResult, pick: 'trend' | 'runRate' | null): number[] {
  let sum = 0;
  return result.days.map((day) => {
    sum += (day.actual ?? 0) + (pick === null ? 0 : (day[pick] ?? 0));
    return sum;
  });
}

function projectionLine(name: string, color: string, data: readonly (number | string)[]) {
  return {
    name,
    type: 'line',
    symbol: 'none',
    lineStyle: { color, type: 'dashed', width: 2 },
    itemStyle: { color },
    data,
  };
}

function cumulativeChart(report: ForecastReport): string {
  const { currency } = report.catalogue;
  const result = report.total;
  const labels = dayLabels(report);
  const closedDays = result.days.filter((day) => day.startMs < result.closedUntilMs).length;
  const actual = cumulative(result, null).map((value, index) => (index < closedDays ? value : '-'));
  // Projections start where the actual line ends, so the two join.
  const from = Math.max(0, closedDays - 1);
  const projected = (pick: 'trend' | 'runRate') =>
    cumulative(result, pick).map((value, index) => (index >= from ? value : '-'));
  const series: Record<string, unknown>[] = [
    {
      name: 'actual',
      type: 'line',
      symbol: 'none',
      lineStyle: { color: ACTUAL, width: 3 },
      itemStyle: { color: ACTUAL },
      data: actual,
    },
  ];
  const trend = result.trend?.available ? result.trend : null;
  if (result.status !== 'ended' && result.runRate) {
    series.push(projectionLine('run-rate', RUN_RATE, projected('runRate')));
  }
  if (result.status !== 'ended' && trend) {
    const line = cumulative(result, 'trend');
    const end = line[line.length - 1] ?? 0;
    const span = Math.max(1, line.length - 1 - from);
    // The interval is the month total's; the band widens to it from the last closed day.
    const widen = (index: number) => Math.max(0, index - from) / span;
    const lower = line.map((value, index) => value - (end - trend.interval.lower) * widen(index));
    const width = line.map(
      (_, index) => (trend.interval.upper - trend.interval.lower) * widen(index),
    );
    const band = (values: number[]) => values.map((value, index) => (index >= from ? value : '-'));
    series.push(
      {
        name: 'band-floor',
        type: 'line',
        stack: 'band',
        symbol: 'none',
        silent: true,
        lineStyle: { opacity: 0 },
        data: band(lower),
      },
      {
        name: `trend ${fixed(trend.confidence * 100, 0)}% interval`,
        type: 'line',
        stack: 'band',
        symbol: 'none',
        silent: true,
        lineStyle: { opacity: 0 },
        itemStyle: { color: TREND },
        areaStyle: { color: TREND, opacity: 0.18 },
        data: band(width),
      },
      projectionLine('trend', TREND, projected('trend')),
    );
  }
  const budget = result.budget;
  // The first crossing of the budget, by the actual cost or the projection drawn.
  const crossedOn = [budget?.actual, budget?.trend, budget?.runRate].find(
    (check) => check?.crossedOnMs != null,
  )?.crossedOnMs;
  if (budget) {
    series.push({
      name: 'budget',
      type: 'line',
      symbol: 'none',
      lineStyle: { color: BUDGET, width: 2 },
      itemStyle: { color: BUDGET },
      data: labels.map(() => budget.amount),
      markLine:
        crossedOn == null
          ? undefined
          : {
              symbol: 'none',
              silent: true,
              lineStyle: { color: BUDGET, type: 'dotted', width: 2 },
              label: { color: CHART_INK, formatter: `crossed ${localDate(crossedOn, report.tz)}` },
              data: [{ xAxis: localDate(crossedOn, report.tz).slice(5) }],
            },
    });
  }
  const option = {
    legend: { ...LEGEND, data: series.map((s) => s.name).filter((name) => name !== 'band-floor') },
    grid: { outerBoundsMode: 'same', left: 8, right: 24, top: 32, bottom: 8 },
    xAxis: axisStyle({ type: 'category', data: labels, boundaryGap: false }),
    yAxis: axisStyle({ type: 'value', name: currency }),
    series,
  };
  return renderChart(option, {
    width: 960,
    height: 340,
    caption: `Cost in ${currency} summed from the start of ${report.month}: actual, projected to month end${budget ? ', against the budget' : ''}.`,
  });
}
