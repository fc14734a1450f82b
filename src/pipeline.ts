// The one path from a window to a priced usage report: plan the hour grid, fetch hourly
// usage from the source into the ledger, price it, summarise it.

import { findVersion, versionIndexByHour } from './catalogue/resolve.js';
import type { CommandContext } from './commands/options.js';
import { Ledger } from './core/ledger.js';
import { dayPeriods, gridOf, hourPeriods, periodIndexByHour } from './core/periods.js';
import type { Granularity, Note, Period, UsageReport } from './core/report.js';
import { summarise } from './core/summarise.js';
import type { Catalogue, HourSpan, Metric, Window } from './core/types.js';
import { isoUtc } from './iso-time.js';
import { emptyMetricNotes, unmatchedGroupNotes } from './label-check.js';
import { type LabelFilter, queriedMetrics, type UsageQuery } from './sources/types.js';

export interface UsageRequest {
  readonly window: Window;
  readonly by: readonly string[];
  readonly filters: readonly LabelFilter[];
  readonly granularity: Granularity;
  /** Price every hour with this version instead of the one in force at the time. */
  readonly catalogueVersion?: string;
  /** One row per catalogue version, so each row names exactly the prices behind it. */
  readonly splitVersions?: boolean;
  /** Only these metrics are read (default: all); the others come out as zero in the rows. */
  readonly metrics?: readonly Metric[];
}

export async function buildUsageReport(
  context: CommandContext,
  request: UsageRequest,
): Promise<UsageReport> {
  const { catalogue, source } = context;
  const { window, by, granularity } = request;
  const grid = gridOf(window);
  const forced =
    request.catalogueVersion === undefined
      ? undefined
      : findVersion(catalogue, request.catalogueVersion);
  const periods = periodsOf(window, granularity);
  const versionOfHour = versionIndexByHour(catalogue, grid, forced);
  const ledger = new Ledger({
    grid,
    by,
    gpuTypeLabel: context.labels.gpuType,
    versions: catalogue.versions,
    versionOfHour,
    periodOfHour: periods ? periodIndexByHour(grid, periods) : new Int32Array(grid.hours), // every hour in period 0: the whole window
  });

  const query: UsageQuery = {
    grid,
    by,
    filters: request.filters,
    metrics: request.metrics
      ? Object.fromEntries(request.metrics.map((metric) => [metric, context.metrics[metric]]))
      : context.metrics,
    gpuTypeLabel: context.labels.gpuType,
    // Without days or hours, only the sum under each price matters: far smaller answers.
    ...(periods === null ? { spans: runsOf(versionOfHour) } : {}),
  };
  const info = await source.fetch(query, (series) => ledger.add(series));

  const splitByGpuType = by.includes(context.labels.gpuType);
  const summary = summarise(ledger.entries(), {
    rowUnitCosts: !splitByGpuType,
    periods,
    versions: catalogue.versions,
    splitVersions: request.splitVersions === true,
  });

  const notes: Note[] = [];
  if (window.cutFromMs !== undefined) {
    notes.push({
      text: `window cut at ${isoUtc(window.toMs)}: newer data is not settled yet (requested end ${isoUtc(window.cutFromMs)})`,
    });
  }
  notes.push(...(await emptyMetricNotes(source, query, info)));
  notes.push(...unmatchedGroupNotes(summary.rows, by));
  if (info.partial) {
    notes.push({ text: 'PARTIAL: the source answered with partial data; totals may be low' });
  }
  if (summary.totals.unpricedGpuHours > 0) {
    notes.push({
      text: `unpriced GPU types (no rate in the catalogue version in force): ${summary.totals.unpricedGpuTypes.join(', ') || '(none named)'}`,
      unpriced: true,
    });
  }

  return {
    window,
    granularity,
    by,
    source: source.description,
    catalogue: {
      origin: catalogue.origin,
      hash: catalogue.hash,
      currency: catalogue.currency,
      // A window without usage still names the prices it would have been charged at.
      versions:
        summary.versionsUsed.length > 0
          ? summary.versionsUsed
          : versionsInForce(versionOfHour, catalogue.versions),
      ...(forced ? { forcedVersion: forced.version } : {}),
    },
    rows: summary.rows,
    totals: summary.totals,
    unpricedShare: summary.unpricedShare,
    notes,
    partial: info.partial,
    noSeries:
      queriedMetrics(query).length > 0 && info.emptyMetrics.length === queriedMetrics(query).length,
  };
}

/** The versions in force over some hour of the grid, in effective order. */
function versionsInForce(versionOfHour: Int32Array, versions: Catalogue['versions']): string[] {
  return [...new Set(versionOfHour)]
    .filter((index) => index >= 0)
    .sort((a, b) => a - b)
    .map((index) => versions[index]?.version ?? '');
}

/** The runs of consecutive hours priced by one catalogue version (or by none). */
export function runsOf(versionOfHour: Int32Array): HourSpan[] {
  const runs: HourSpan[] = [];
  let start = 0;
  for (let hour = 1; hour <= versionOfHour.length; hour++) {
    if (hour === versionOfHour.length || versionOfHour[hour] !== versionOfHour[start]) {
      runs.push({ offset: start, hours: hour - start });
      start = hour;
    }
  }
  return runs;
}

function periodsOf(window: Window, granularity: Granularity): Period[] | null {
  switch (granularity) {
    case 'total':
      return null;
    case 'day':
      return dayPeriods(window);
    case 'hour':
      return hourPeriods(window);
  }
}
