// The one interface every usage source (VictoriaMetrics over HTTP, an export file) implements.
import { measureOf } from '../core/measures.js';
import { type BucketSeries, METRICS, type Metric } from '../core/types.js';

/**
 * Metric names as stored in the source, by measure, for one naming convention (a preset): a
 * measure left out is not read (its columns stay empty, or absent where outputs show it only
 * when there).
 */
export type MetricNames = Readonly<Partial<Record<Metric, string>>>;

/**
 * The labels a metric's usage is summed by: the query's, and for a measure priced per GPU-hour
 * the GPU type too, which prices it. Both sources group by this, so that they agree.
 */
export function labelsFor(
  query: Pick<UsageQuery, 'by' | 'gpuTypeLabel'>,
  metric: Metric,
): string[] {
  return measureOf(metric).pricedPerGpuHour && !query.by.includes(query.gpuTypeLabel)
    ? [...query.by, query.gpuTypeLabel]
    : [...query.by];
}

/** The metrics a query asks for, in the usual order. */
export function queriedMetrics(query: Pick<UsageQuery, 'metrics'>): Metric[] {
  return METRICS.filter((metric) => query.metrics[metric] !== undefined);
}

export interface LabelFilter {
  readonly label: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

export interface UsageQuery {
  /** Bucket edges (ms, ascending): bucket i is the increase over (edges[i], edges[i+1]]. */
  readonly edges: Float64Array;
  /** Labels to group by. */
  readonly by: readonly string[];
  readonly filters: readonly LabelFilter[];
  /** The metrics to read, by name; a metric left out is not asked for at all. */
  readonly metrics: Readonly<Partial<Record<Metric, string>>>;
  /** The label holding the GPU type; measures priced per GPU-hour are always grouped by it as well. */
  readonly gpuTypeLabel: string;
}

export interface FetchInfo {
  /** HTTP requests made (0 for a file). */
  readonly requests: number;
  /** Metrics that matched no series in the window: a typo must not look like a free month. */
  readonly emptyMetrics: readonly Metric[];
  /** True when the source said the answer may be incomplete (and the caller allowed it). */
  readonly partial: boolean;
}

export interface UsageSource {
  /** What to print in headers: a URL with credentials removed, or a file path. */
  readonly description: string;
  /** Delivers every group's increases, bucket by bucket, to onSeries, then resolves. */
  fetch(query: UsageQuery, onSeries: (series: BucketSeries) => void): Promise<FetchInfo>;
}
