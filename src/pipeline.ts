// The one path from a window to a priced usage report: cut the window into buckets (period
// edges and price changes), fetch each bucket's usage from the source into the ledger, price
// it, summarise it.

import { findVersion } from './catalogue/resolve.js';
import type { CommandContext } from './commands/options.js';
import { planBuckets } from './core/buckets.js';
import { Ledger } from './core/ledger.js';
import { measureOf } from './core/measures.js';
import { dayPeriods, hourPeriods } from './core/periods.js';
import type { Granularity, Note, Period, UsageReport } from './core/report.js';
import { summarise } from './core/summarise.js';
import type { Catalogue, Metric, Window } from './core/types.js';
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
  const forced =
    request.catalogueVersion === undefined
      ? undefined
      : findVersion(catalogue, request.catalogueVersion);
  const periods = periodsOf(window, granularity);
  const buckets = planBuckets({
    window,
    periods,
    versions: catalogue.versions,
    ...(forced ? { forcedVersion: catalogue.versions.indexOf(forced) } : {}),
    ...(readsGauges(context, request) ? { maxBucketMs: GAUGE_BUCKET_MS } : {}),
  });
  const ledger = new Ledger({
    buckets,
    by,
    gpuTypeLabel: context.labels.gpuType,
    ...migLabel(context),
    versions: catalogue.versions,
  });

  const query: UsageQuery = {
    edges: buckets.edges,
    by,
    filters: request.filters,
    metrics: request.metrics
      ? Object.fromEntries(request.metrics.map((metric) => [metric, context.metrics[metric]]))
      : context.metrics,
    ...(context.readings ? { readings: context.readings } : {}),
    gpuTypeLabel: context.labels.gpuType,
    ...migLabel(context),
  };
  const info = await source.fetch(query, (series) => ledger.add(series));

  const { gpuType, migProfile } = context.labels;
  const splitByGpuType =
    by.includes(gpuType) || (migProfile !== undefined && by.includes(migProfile));
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
  // A window without MIG slices is normal: the MIG profile label read to price them is no typo.
  notes.push(
    ...unmatchedGroupNotes(
      summary.rows,
      by.filter((label) => label !== context.labels.migProfile),
    ),
  );
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
          : versionsInForce(buckets.version, catalogue.versions),
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

function migLabel(context: CommandContext): { migProfileLabel?: string } {
  const label = context.labels.migProfile;
  return label === undefined ? {} : { migProfileLabel: label };
}

/**
 * Bucket length when a gauge is read. VictoriaMetrics 1.79.5's integrate() holds a series' last
 * value to the end of the window it falls in (measured: a pod gone at 12:00 is still counted to
 * midnight in a one-day window), so gauges are read in 5-minute buckets: a stopped series is
 * then counted at most 5 minutes past its last sample. Counters add up exactly over any cuts.
 */
const GAUGE_BUCKET_MS = 5 * 60_000;

function readsGauges(context: CommandContext, request: UsageRequest): boolean {
  const read = request.metrics ?? (Object.keys(context.metrics) as Metric[]);
  return read.some((metric) => {
    const kind = context.readings?.[metric]?.kind ?? measureOf(metric).kind;
    return kind === 'gauge' && context.metrics[metric] !== undefined;
  });
}

/** The versions in force in some bucket of the window, in effective order. */
function versionsInForce(versionOfBucket: Int32Array, versions: Catalogue['versions']): string[] {
  return [...new Set(versionOfBucket)]
    .filter((index) => index >= 0)
    .sort((a, b) => a - b)
    .map((index) => versions[index]?.version ?? '');
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
