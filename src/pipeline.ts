// The one path from a window to a priced usage report: cut the window into buckets (period
// edges and price changes), fetch each bucket's usage from the source into the ledger, price
// it, summarise it.

import { planGpuTypes } from './assign-gpu-types.js';
import { planAttribution } from './attribute-usage.js';
import { pricesInCurrency } from './catalogue/resolve.js';
import type { CommandContext } from './commands/options.js';
import { planBuckets } from './core/buckets.js';
import { type EffectiveVersion, provenanceOf } from './core/effective-prices.js';
import { negativeIdleNote } from './core/gpu-time.js';
import { Ledger } from './core/ledger.js';
import { costMeasureOf } from './core/measures.js';
import { dayPeriods, hourPeriods } from './core/periods.js';
import {
  type Granularity,
  type MeasureSampling,
  type Note,
  type Period,
  splitsGpuTime,
  type UsageReport,
  type UsageRow,
} from './core/report.js';
import { summarise } from './core/summarise.js';
import type { Metric, Window } from './core/types.js';
import { isoUtc } from './iso-time.js';
import { emptyMetricNotes, unmatchedGroupNotes } from './label-check.js';
import { readingNotes } from './presets-cluster.js';
import {
  type FetchInfo,
  type LabelFilter,
  queriedMetrics,
  readingOf,
  type UsageQuery,
} from './sources/types.js';

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
  // Catalogue and exchange rates as one list of versions in the reporting currency: the
  // buckets are cut at every price and rate change, and each is priced by one of them.
  const prices = pricesInCurrency(catalogue, context.currency, {
    catalogueVersion: request.catalogueVersion,
    forcedFx: context.forcedFx,
  });
  const periods = periodsOf(window, granularity);
  // No extra cuts for gauges: a sample counts in the one bucket it falls in (sample-interval.ts).
  const buckets = planBuckets({ window, periods, versions: prices });
  const ledgerOptions = {
    buckets,
    gpuTypeLabel: context.labels.gpuType,
    ...migLabel(context),
    versions: prices,
  };
  const ledger = new Ledger({ ...ledgerOptions, by });
  const attribution = planAttribution(context, {
    by,
    filters: request.filters,
    ledger,
    ledgerOptions,
    periods,
    versions: prices,
  });

  const metrics = request.metrics
    ? Object.fromEntries(request.metrics.map((metric) => [metric, context.metrics[metric]]))
    : context.metrics;
  const gpuTypes = await planGpuTypes(context, {
    edges: buckets.edges,
    reads: queriedMetrics({ metrics }),
  });

  const query: UsageQuery = {
    edges: buckets.edges,
    by: gpuTypes
      ? [...new Set([...attribution.fetchBy, ...gpuTypes.labelsRead])]
      : attribution.fetchBy,
    filters: attribution.sourceFilters,
    metrics,
    ...(context.readings ? { readings: context.readings } : {}),
    gpuTypeLabel: context.labels.gpuType,
    ...migLabel(context),
  };
  const info = await source.fetch(query, (series) =>
    attribution.deliver(gpuTypes ? gpuTypes.assign(series) : series),
  );

  const { gpuType, migProfile } = context.labels;
  const splitByGpuType =
    by.includes(gpuType) || (migProfile !== undefined && by.includes(migProfile));
  const measured = queriedMetrics(query);
  const gpuTime = splitsGpuTime({ measured });
  const pricing = { costMeasure: costMeasureOf(context.costBasis), gpuTime };
  const summary = summarise(ledger.entries(), {
    ...pricing,
    rowUnitCosts: !splitByGpuType,
    periods,
    versions: prices,
    splitVersions: request.splitVersions === true,
  });
  const named = nameVersions(summary.rows, prices);
  // A window without usage still names the prices it would have been charged at.
  const usedNames =
    summary.versionsUsed.length > 0
      ? summary.versionsUsed
      : versionsInForce(buckets.version, prices);
  const used = named.provenance(usedNames);

  const notes: Note[] = [];
  if (window.cutFromMs !== undefined) {
    notes.push({
      text: `window cut at ${isoUtc(window.toMs)}: newer data is not settled yet (requested end ${isoUtc(window.cutFromMs)})`,
    });
  }
  notes.push(...(await emptyMetricNotes(source, query, info)));
  notes.push(...readingNotes(query.metrics).map((text) => ({ text })));
  if (gpuTypes) notes.push(...gpuTypes.notes());
  // A window without MIG slices is normal: the MIG profile label read to price them is no typo.
  // Usage with no use case is named by the unattributed note instead.
  notes.push(
    ...unmatchedGroupNotes(
      summary.rows,
      by.filter((label) => label !== migProfile && label !== context.labels.useCase),
    ),
  );
  const unattributed = attribution.unattributed(summary.totals.gpuHours, pricing);
  notes.push(...attribution.notes(unattributed, context.currency));
  const busier = gpuTime ? negativeIdleNote(summary.rows, by) : null;
  if (busier) notes.push(busier);
  if (info.partial) {
    notes.push({ text: 'PARTIAL: the source answered with partial data; totals may be low' });
  }
  const missing = missingRates(usedNames, prices, window);
  notes.push(
    ...missing.map((gap) => ({
      text: `no ${gap.pair} exchange rate in force at ${gap.at} (catalogue version ${gap.version} prices in ${gap.from}): that GPU time is unpriced; add a rate to ${catalogue.origin}/fx/`,
    })),
  );
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
      currency: context.currency,
      versions: used.catalogue,
      fxVersions: used.fx,
      ...(missing.length > 0
        ? { missingFx: missing.map((gap) => `${gap.pair} from ${gap.at}`) }
        : {}),
      ...pricingCurrencies(prices, context.currency),
      ...(request.catalogueVersion !== undefined
        ? { forcedVersion: request.catalogueVersion }
        : {}),
      // Named where busy GPU time could be the basis; without it outputs stay as they were.
      ...(context.metrics.gpu_busy_seconds !== undefined ? { costBasis: context.costBasis } : {}),
      ...(context.forcedFx.length > 0
        ? { forcedFxVersions: context.forcedFx.map((rate) => rate.version) }
        : {}),
    },
    rows: named.rows,
    totals: summary.totals,
    unpricedShare: summary.unpricedShare,
    notes,
    partial: info.partial,
    measured,
    ...samplingOfReport(query, info),
    noSeries: measured.length > 0 && info.emptyMetrics.length === measured.length,
    ...(unattributed ? { unattributed } : {}),
  };
}

/**
 * Rows name catalogue versions and, where a conversion was made, exchange-rate versions. The
 * summary names effective versions; without conversions those are the catalogue's names and
 * the rows are kept as they are.
 */
function nameVersions(
  rows: readonly UsageRow[],
  prices: readonly EffectiveVersion[],
): {
  rows: readonly UsageRow[];
  provenance: (names: readonly string[]) => ReturnType<typeof provenanceOf>;
} {
  const byName = new Map(prices.map((price) => [price.version, price]));
  const provenance = (names: readonly string[]) => provenanceOf(names, byName);
  if (prices.every((price) => price.version === price.source.version)) {
    return { rows, provenance };
  }
  // Rows share their lists of versions: translate each list once.
  const memo = new Map<readonly string[], ReturnType<typeof provenanceOf>>();
  return {
    provenance,
    rows: rows.map((row) => {
      let named = memo.get(row.versions);
      if (!named) {
        named = provenance(row.versions);
        memo.set(row.versions, named);
      }
      return { ...row, versions: named.catalogue, fxVersions: named.fx };
    }),
  };
}

/**
 * The currencies the catalogue prices in, when one is not the reporting currency. Taken over
 * all the versions that could price the run, not the ones a window happened to use, so that a
 * day's export has the same columns whether it is written alone or in a back-fill.
 */
function pricingCurrencies(
  prices: readonly EffectiveVersion[],
  currency: string,
): { pricingCurrencies?: string[] } {
  const currencies = [...new Set(prices.map((p) => p.source.currency))].sort();
  return currencies.some((c) => c !== currency) ? { pricingCurrencies: currencies } : {};
}

/**
 * Each stretch of the window that had no exchange rate for its catalogue version's currency:
 * its GPU time is unpriced, and the report names the pair and the first hour.
 */
function missingRates(
  names: readonly string[],
  prices: readonly EffectiveVersion[],
  window: Window,
): { pair: string; from: string; at: string; version: string }[] {
  const used = new Set(names);
  return prices.flatMap((price) =>
    price.missingRate !== null && used.has(price.version)
      ? [
          {
            pair: `${price.missingRate.from}->${price.missingRate.to}`,
            from: price.missingRate.from,
            at: isoUtc(Math.max(price.effectiveFromMs, window.fromMs)),
            version: price.source.version,
          },
        ]
      : [],
  );
}

/** How each gauge or presence was read, for the report's provenance; nothing for counters only. */
function samplingOfReport(query: UsageQuery, info: FetchInfo): { sampling?: MeasureSampling[] } {
  const sampling = queriedMetrics(query).flatMap((metric): MeasureSampling[] => {
    const interval = info.sampling?.[metric];
    if (!interval) return [];
    const { kind } = readingOf(query, metric);
    return [{ measure: metric, kind: kind === 'presence' ? 'presence' : 'gauge', interval }];
  });
  return sampling.length > 0 ? { sampling } : {};
}

function migLabel(context: CommandContext): { migProfileLabel?: string } {
  const label = context.labels.migProfile;
  return label === undefined ? {} : { migProfileLabel: label };
}

/** The versions in force in some bucket of the window, in effective order. */
function versionsInForce(
  versionOfBucket: Int32Array,
  versions: readonly EffectiveVersion[],
): string[] {
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
