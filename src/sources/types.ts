// The one interface every usage source (VictoriaMetrics over HTTP, an export file) implements.
import {
  type HourGrid,
  type HourlySeries,
  type HourSpan,
  METRICS,
  type Metric,
} from '../core/types.js';

/** Metric names as stored in the source, for one naming convention (a preset). */
export type MetricNames = Readonly<Record<Metric, string>>;

/**
 * The labels a metric's usage is summed by: the query's, and for GPU-seconds the GPU type too,
 * which prices them. Both sources group by this, so that they agree.
 */
export function labelsFor(
  query: Pick<UsageQuery, 'by' | 'gpuTypeLabel'>,
  metric: Metric,
): string[] {
  return metric === 'gpu_seconds' && !query.by.includes(query.gpuTypeLabel)
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
  readonly grid: HourGrid;
  /** Labels to group by. */
  readonly by: readonly string[];
  readonly filters: readonly LabelFilter[];
  /** The metrics to read, by name; a metric left out is not asked for at all. */
  readonly metrics: Readonly<Partial<Record<Metric, string>>>;
  /** The label holding the GPU type; gpu_seconds are always grouped by it as well. */
  readonly gpuTypeLabel: string;
  /**
   * Set when the caller needs only the sum over each of these spans of the grid (a report
   * without days, each span priced by one catalogue version). A source may then deliver one
   * value per span, at the span's last hour, instead of one per hour: the sums are the same,
   * since consecutive hourly increases add up to the increase over the whole span.
   */
  readonly spans?: readonly HourSpan[];
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
  /** Delivers every group's hourly increases to onSeries, then resolves. */
  fetch(query: UsageQuery, onSeries: (series: HourlySeries) => void): Promise<FetchInfo>;
}
