// Charts drawn as SVG strings by Apache ECharts' server-side renderer: no browser, no script
// in the page. Only `--format html` loads this module (and ECharts with it).
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import { type EChartsCoreOption, init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { escapeHtml } from './escape.js';
import { CHART_INK, CHART_RULE } from './page.js';

use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

export interface ChartFrame {
  readonly width: number;
  readonly height: number;
  /** What the chart shows, for screen readers and as its caption. */
  readonly caption: string;
}

// No quotes: ECharts writes the family into a style attribute without escaping them.
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif';

/** Axis styling shared by every chart: the page's CSS recolours ink and rules per scheme. */
export function axisStyle(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    axisLine: { lineStyle: { color: CHART_INK } },
    axisTick: { lineStyle: { color: CHART_INK } },
    axisLabel: { color: CHART_INK, fontFamily: FONT, fontSize: 11 },
    splitLine: { lineStyle: { color: CHART_RULE } },
    nameTextStyle: { color: CHART_INK, fontFamily: FONT },
    ...extra,
  };
}

export const LEGEND = {
  top: 0,
  type: 'plain',
  textStyle: { color: CHART_INK, fontFamily: FONT, fontSize: 12 },
  itemGap: 22,
  itemWidth: 14,
  itemHeight: 10,
} as const;

/** The SVG of one chart inside a captioned figure. */
export function renderChart(option: EChartsCoreOption, frame: ChartFrame): string {
  const chart = init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: frame.width,
    height: frame.height,
  });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT, color: CHART_INK },
      ...option,
    });
    const svg = chart.renderToSVGString({ useViewBox: true });
    const caption = escapeHtml(frame.caption);
    return `<figure class="chart" role="img" aria-label="${caption}">\n${svg}\n<figcaption>${caption}</figcaption>\n</figure>`;
  } finally {
    chart.dispose();
  }
}

/** Long label values are cut for the axis (the table gives them whole). */
export function shortLabel(text: string, max = 28): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Room for a category axis' labels at the left. ECharts measures text without a browser and
 * guesses narrower than the fonts browsers pick (labels came out clipped), so the gutter is
 * worked out from the longest label at a generous average character width.
 */
export function labelGutter(labels: readonly string[], fontSize = 12): number {
  const longest = Math.max(
    0,
    ...labels.map((label) => [...label.replace(/\{\w+\||\}/g, '')].length),
  );
  return Math.ceil(longest * fontSize * 0.58) + 14;
}
