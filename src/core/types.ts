// The shapes the pure core works on. No I/O, no clock: everything time-related is passed in.

/** The three usage counters ml-cost prices. */
export type Metric = 'gpu_seconds' | 'tokens' | 'inferences';
export const METRICS: readonly Metric[] = ['gpu_seconds', 'tokens', 'inferences'];

export type Labels = Readonly<Record<string, string>>;

export const HOUR_MS = 3_600_000;

/**
 * A grid of whole hours anchored at the window start (not at UTC hours, so that time zones
 * with half-hour offsets still get local days made of whole buckets).
 * Hour i covers [startMs + i*HOUR_MS, startMs + (i+1)*HOUR_MS); its usage is the counter
 * increase over (hour start, hour end], which VictoriaMetrics reports at the hour end.
 */
export interface HourGrid {
  readonly startMs: number;
  readonly hours: number;
}

/** A run of consecutive grid hours: hours [offset, offset + hours). */
export interface HourSpan {
  readonly offset: number;
  readonly hours: number;
}

/**
 * Hourly increases of one metric for one group of labels.
 * values[i] belongs to grid hour (offset + i); NaN means no data for that hour.
 * A source may deliver one group in several pieces (one per query chunk); pieces add up.
 */
export interface HourlySeries {
  readonly metric: Metric;
  /** The grouping labels: the report's --by labels, plus the GPU-type label for gpu_seconds. */
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
}

/** A loaded, validated catalogue: versions sorted by effectiveFromMs ascending. */
export interface Catalogue {
  readonly versions: readonly PriceVersion[];
  readonly currency: string;
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
