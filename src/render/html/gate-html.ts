// The gate as a page: each check's measured value as a share of its limit, pass or breach,
// then the gate's table with the figures in the units of each check.
import { isMinimum } from '../../core/gate.js';
import { percent } from '../format.js';
import { type GateReport, gateView } from '../gate-view.js';
import type { View } from '../usage-view.js';
import { axisStyle, labelGutter, renderChart, shortLabel } from './chart.js';
import { CHART_INK, htmlPage, PALETTE, section } from './page.js';
import { htmlTable } from './table.js';

const PASS = PALETTE[0];
const FAIL = PALETTE[5];

export function renderGateHtml(report: GateReport): string {
  const view = gateView(report);
  const checks = report.result.results.length;
  return htmlPage({
    title: view.title,
    headline: view.verdict === 'pass' ? 'Every check is within its limit.' : undefined,
    verdict: view.verdict,
    context: view.context,
    sections: [
      ...(checks > 0 ? [section('Measured against limit', checkChart(report, view))] : []),
      section('Checks', htmlTable(view)),
    ],
    footnotes: view.footnotes,
  });
}

function checkChart(report: GateReport, view: View): string {
  // The first check on top, as in the table.
  const entries = report.result.results
    .map((result, index) => ({ result, cells: view.rows[index] ?? [] }))
    .reverse();
  const name = ({ result, cells }: (typeof entries)[number]) => {
    const [check = '', scope = ''] = cells;
    const status = result.status === 'pass' ? 'PASS' : 'FAIL';
    const bound = isMinimum(result.check.metric) ? ' (min)' : '';
    return `${status}  ${shortLabel(`${check} · ${scope}`, 44)}${bound}`;
  };
  const share = ({ result }: (typeof entries)[number]) => {
    const { measured, check } = result;
    if (measured === null || !Number.isFinite(measured) || check.limit <= 0) return null;
    return (measured / check.limit) * 100;
  };
  const shares = entries.map(share);
  const top = Math.max(120, ...shares.map((value) => value ?? 0));
  const names = entries.map(name);
  const option = {
    grid: { outerBoundsMode: 'none', left: labelGutter(names), right: 150, top: 24, bottom: 28 },
    xAxis: axisStyle({ type: 'value', name: '% of limit', max: Math.ceil(top / 20) * 20 }),
    yAxis: axisStyle({ type: 'category', data: names, axisTick: { show: false } }),
    series: [
      {
        name: 'measured',
        type: 'bar',
        barMaxWidth: 22,
        data: entries.map((entry, index) => {
          const value = shares[index];
          return value === null || value === undefined
            ? '-'
            : { value, itemStyle: { color: entry.result.status === 'pass' ? PASS : FAIL } };
        }),
        label: {
          show: true,
          position: 'right',
          color: CHART_INK,
          formatter: ({ dataIndex }: { dataIndex: number }) => entries[dataIndex]?.cells[3] ?? '',
        },
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: CHART_INK, type: 'dashed', width: 1.5 },
          label: { color: CHART_INK, formatter: 'limit' },
          data: [{ xAxis: 100 }],
        },
      },
    ],
  };
  const unmeasured = entries.filter((_, index) => shares[index] === null).length;
  return renderChart(option, {
    width: 960,
    height: 60 + 40 * entries.length,
    caption: `Each check's measured value as a share of its limit (${percent(1, 0)} is the limit)${unmeasured > 0 ? `; ${unmeasured} check${unmeasured === 1 ? ' has' : 's have'} no bar: not measured or unbounded, see the table` : ''}.`,
  });
}
