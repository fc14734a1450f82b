// Output formats as a map: every report kind gives its JSON, CSV and view (for the table and
// Markdown), and one function picks by --format. Commands import this only when they render.
import type { DriftReport } from '../core/drift-types.js';
import type { ForecastReport } from '../core/forecast.js';
import type { RankReport } from '../core/rank.js';
import type { UsageReport } from '../core/report.js';
import type { Rendered } from './chunks.js';
import { type CsvStyle, renderCsv } from './csv.js';
import { renderDriftCsv } from './drift-csv.js';
import { renderDriftJson } from './drift-json.js';
import { driftView } from './drift-view.js';
import { renderForecastCsv } from './forecast-csv.js';
import { renderForecastJson } from './forecast-json.js';
import { forecastView } from './forecast-view.js';
import { renderRankCsv } from './rank-csv.js';
import { renderRankJson } from './rank-json.js';
import { rankView } from './rank-view.js';
import { usageJsonPieces } from './usage-json.js';
import type { View } from './usage-view.js';
import { usageView } from './usage-view.js';

export type Format = 'table' | 'csv' | 'json' | 'markdown' | 'html';

export interface RenderOptions {
  /** Colours in a table (only on a terminal). */
  readonly color: boolean;
  /** Charts in a table (only on a terminal). */
  readonly chart: boolean;
  /** Delimiter and decimal mark of CSV output. */
  readonly csv: CsvStyle;
}

export interface Renderers<Report> {
  /** JSON and CSV may come in pieces, written as they are made (large reports). */
  readonly json: (report: Report) => Rendered;
  readonly csv: (report: Report, style: CsvStyle) => Rendered;
  readonly view: (report: Report, options: { chart: boolean }) => View;
  /** A self-contained page; loaded on use, since its charting library is large. */
  readonly html: (report: Report) => Promise<string>;
}

export const usageRenderers: Renderers<UsageReport> = {
  json: usageJsonPieces,
  csv: renderCsv,
  view: usageView,
  html: async (report) => (await import('./html/usage-html.js')).renderUsageHtml(report),
};

export const rankRenderers: Renderers<RankReport> = {
  json: renderRankJson,
  csv: renderRankCsv,
  view: rankView,
  html: async (report) => (await import('./html/rank-html.js')).renderRankHtml(report),
};

export const forecastRenderers: Renderers<ForecastReport> = {
  json: renderForecastJson,
  csv: renderForecastCsv,
  view: forecastView,
  html: async (report) => (await import('./html/forecast-html.js')).renderForecastHtml(report),
};

export const driftRenderers: Renderers<DriftReport> = {
  json: renderDriftJson,
  csv: renderDriftCsv,
  view: driftView,
  html: async (report) => (await import('./html/drift-html.js')).renderDriftHtml(report),
};

/** Table and Markdown load their layout code only when asked for: JSON and CSV runs skip it. */
export async function render<Report>(
  report: Report,
  renderers: Renderers<Report>,
  format: string,
  options: RenderOptions,
): Promise<Rendered> {
  switch (format) {
    case 'json':
      return renderers.json(report);
    case 'csv':
      return renderers.csv(report, options.csv);
    case 'html':
      return renderers.html(report);
    case 'markdown': {
      const { renderMarkdown } = await import('./markdown.js');
      return renderMarkdown(renderers.view(report, { chart: false }));
    }
    default: {
      const { renderTable } = await import('./table.js');
      return renderTable(renderers.view(report, { chart: options.chart }), options.color);
    }
  }
}
