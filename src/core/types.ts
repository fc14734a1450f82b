// The shapes the pure core works on. No I/O, no clock: everything time-related is passed in.

import type { Metric } from './measures.js';

/** The usage measures ml-cost reads are data: see measures.ts. */
export { METRICS, type Metric } from './measures.js';

export type Labels = Readonly<Record<string, string>>;

export const HOUR_MS = 3_600_000;

/**
 * The buckets a window's usage is summed in: bucket i covers [edges[i], edges[i+1]), and its
 * usage is the counter increase over (edges[i], edges[i+1]], as VictoriaMetrics reports it at
 * the bucket's end. Buckets are cut at every period edge and every price change, so each lies
 * in one report period and is priced by one catalogue version.
 */
export interface Buckets {
  /** Bucket edges in ms, ascending: one more than there are buckets. */
  readonly edges: Float64Array;
  /** Per bucket: index of the report period it lies in (0 for a total), or -1 for none. */
  readonly period: Int32Array;
  /** Per bucket: index of the catalogue version in force at its start, or -1 for none. */
  readonly version: Int32Array;
}

/**
 * Usage of one measure for one group of labels, bucket by bucket: a counter's increases, or a
 * gauge's (or presence's) samples in each bucket times the sample interval.
 * values[i] belongs to bucket (offset + i); NaN means no data for that bucket.
 * A source may deliver one group in several pieces (per query, some of them negative: a
 * look-back taken off again); pieces add up.
 */
export interface BucketSeries {
  readonly metric: Metric;
  /** The grouping labels: the report's --by labels, plus the GPU-type label for priced measures. */
  readonly labels: Labels;
  readonly offset: number;
  readonly values: Float64Array;
}

/** The rates of one catalogue version. */
export interface PriceVersion {
  readonly version: string;
  readonly effectiveFromMs: number;
  readonly currency: string;
  /** Price per GPU-hour by GPU type. A type not listed is unpriced, never free. */
  readonly gpuHour: Readonly<Record<string, number>>;
  /**
   * Other names of GPU types, as exporters write them (DCGM's modelName "NVIDIA H100 80GB
   * HBM3"), each naming a key of gpuHour. Absent when the version has none.
   */
  readonly gpuAliases?: Readonly<Record<string, string>>;
  /** How MIG slices of a GPU type (a key of gpuHour) are priced; absent: the default rule. */
  readonly mig?: Readonly<Record<string, MigRule>>;
}

/** The MIG pricing of one GPU type: a slice costs its share of the whole GPU's rate. */
export interface MigRule {
  /** Compute slices of the whole GPU (7 when absent): a profile "Ng..." costs N / slices. */
  readonly slices?: number;
  /** A share of the whole GPU's rate per profile, in (0, 1], instead of N / slices. */
  readonly share?: Readonly<Record<string, number>>;
}

/**
 * One exchange-rate version (pricing/fx/*.json): from effectiveFromMs, 1 `base` buys `rate`
 * `quote`, until the next version of the same pair (in either direction).
 */
export interface FxRate {
  readonly version: string;
  readonly effectiveFromMs: number;
  readonly base: string;
  readonly quote: string;
  /** As the file wrote it: never rounded, never inverted in place (see effective-prices.ts). */
  readonly rate: number;
  /** Where the rate comes from, as the file says; not part of the catalogue hash. */
  readonly source?: string;
}

/** A loaded, validated catalogue: versions sorted by effectiveFromMs ascending. */
export interface Catalogue {
  readonly versions: readonly PriceVersion[];
  /** Exchange-rate versions, sorted by effectiveFromMs, then pair; absent or empty without fx/. */
  readonly fx?: readonly FxRate[];
  /** The one currency every version prices in; null when versions price in several. */
  readonly currency: string | null;
  /** Short hash of the catalogue content, so a number can be traced to the prices behind it. */
  readonly hash: string;
  /** Where it was loaded from (a directory), for headers and errors. */
  readonly origin: string;
}

/** A half-open window [fromMs, toMs) and the time zone its days and months are cut in. */
export interface Window {
  readonly fromMs: number;
  readonly toMs: number;
  readonly tz: string;
  /** Set when the requested end reached past the settled point and was cut back to it. */
  readonly cutFromMs?: number;
  /** How the user asked for it, e.g. "last-month" or "2026-07-01..2026-08-01". */
  readonly label: string;
}
