// The one interface every usage source (VictoriaMetrics over HTTP, an export file) implements.

import type { InspectProbe, Observations } from '../core/inspection.js';
import { type MeasureKind, measureOf, readsSamples } from '../core/measures.js';
import { type BucketSeries, METRICS, type Metric } from '../core/types.js';
import type { SampleInterval } from './sample-interval.js';

/**
 * Where a measure is stored: one name, or several whose usage adds up (vLLM's prompt and
 * generation tokens, OTel GenAI's client and server request counts), optionally only the series
 * whose labels match (OTel GenAI's input tokens: gen_ai.token.type="input"; a list of values is
 * any of them).
 */
export type StoredNames =
  | string
  | readonly string[]
  | {
      readonly names: string | readonly string[];
      readonly match: Readonly<Record<string, MatchValues>>;
    };

/**
 * The values a label must have: one, any of a list, or (presets only) a regular expression
 * matched against the whole value, as PromQL's =~ (kube-state-metrics' GPU resources:
 * nvidia_com_gpu or a MIG slice's nvidia_com_mig_1g_10gb).
 */
export type MatchValues = string | readonly string[] | { readonly regex: string };

/** A label a measure's series must have, with one of these values or matching the regex. */
export interface LabelMatch {
  readonly label: string;
  readonly values: readonly string[];
  /** Set instead of values: a regex both sources anchor at both ends. */
  readonly regex?: string;
}

/**
 * Metric names as stored in the source, by measure, for one naming convention (a preset): a
 * measure left out is not read.
 */
export type MetricNames = Readonly<Partial<Record<Metric, StoredNames>>>;

/** The stored names as a list, in the order given. */
export function storedNames(names: StoredNames): readonly string[] {
  if (typeof names === 'string') return [names];
  if ('names' in names) return storedNames(names.names);
  return names as readonly string[];
}

/** The label matches a measure's series must pass, besides their names. */
export function storedMatch(names: StoredNames): readonly LabelMatch[] {
  if (typeof names === 'string' || !('match' in names)) return [];
  return Object.entries(names.match).map(([label, values]) => {
    if (typeof values === 'string') return { label, values: [values] };
    if ('regex' in values) return { label, values: [], regex: values.regex };
    return { label, values: values as readonly string[] };
  });
}

const compiled = new Map<string, RegExp>();

/** A match's regex as VictoriaMetrics applies it: the whole value. */
function anchored(regex: string): RegExp {
  let re = compiled.get(regex);
  if (!re) {
    re = new RegExp(`^(?:${regex})$`, 'u');
    compiled.set(regex, re);
  }
  return re;
}

/** Whether a series' labels pass the matches (a missing label is the empty string, as in PromQL). */
export function passesMatch(
  labels: Readonly<Record<string, string>>,
  match: readonly LabelMatch[],
): boolean {
  return match.every(({ label, values, regex }) =>
    regex === undefined
      ? values.includes(labels[label] ?? '')
      : anchored(regex).test(labels[label] ?? ''),
  );
}

/** The stored names for messages: `a` or `a|b`, then any match: `a{t="input"}`. */
export function namesText(names: StoredNames): string {
  const match = storedMatch(names)
    .map(({ label, values, regex }) =>
      regex === undefined
        ? `${label}=${JSON.stringify(values.join('|'))}`
        : `${label}=~${JSON.stringify(regex)}`,
    )
    .join(',');
  return `${storedNames(names).join('|')}${match ? `{${match}}` : ''}`;
}

/**
 * The labels a metric's usage is summed by: the query's, and for a measure priced per GPU-hour
 * the GPU type and the MIG profile too, which price it. Both sources group by this, so that they agree.
 */
export function labelsFor(
  query: Pick<UsageQuery, 'by' | 'gpuTypeLabel' | 'migProfileLabel'>,
  metric: Metric,
): string[] {
  const labels = [...query.by];
  if (!measureOf(metric).pricedPerGpuHour) return labels;
  for (const label of [query.gpuTypeLabel, query.migProfileLabel]) {
    if (label && !labels.includes(label)) labels.push(label);
  }
  return labels;
}

/** The metrics a query asks for, in the usual order. */
export function queriedMetrics(query: Pick<UsageQuery, 'metrics'>): Metric[] {
  return METRICS.filter((metric) => query.metrics[metric] !== undefined);
}

/**
 * How a measure's metric is read when it differs from the measure's definition: a gauge or a
 * presence where a counter is usual (or the other way), a scale for a metric in other units (a
 * percentage read as a ratio: 0.01), and for a gauge or presence the sample interval each
 * sample stands for (sample-interval.ts; detected from the data when not given). Both sources
 * multiply each bucket's sum by the scale (and the interval in seconds).
 */
export interface MetricReading {
  readonly kind: MeasureKind;
  readonly scale: number;
  /** The scrape interval in ms, for a gauge or presence; absent: detected. */
  readonly intervalMs?: number;
}

/** How the query reads `metric`: its reading if given, else the measure's kind, unscaled. */
export function readingOf(query: Pick<UsageQuery, 'readings'>, metric: Metric): MetricReading {
  return query.readings?.[metric] ?? { kind: measureOf(metric).kind, scale: 1 };
}

/**
 * What a bucket's sum of a metric is multiplied by: the scale, and for a gauge or presence
 * (a sum of sample values or a count of samples) the seconds each sample stands for.
 */
export function usageFactor(reading: MetricReading, interval?: SampleInterval | null): number {
  return interval ? reading.scale * (interval.ms / 1000) : reading.scale;
}

/** Multiplies a bucket array by a factor, in place; a factor of 1 leaves it untouched. */
export function scaled(values: Float64Array, factor: number): Float64Array {
  if (factor !== 1)
    for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * factor;
  return values;
}

/**
 * The sample interval of every gauge or presence metric the query reads: its reading's when
 * configured, else what detect() finds (null: the metric has no sample in the window).
 */
export async function samplingOf(
  query: UsageQuery,
  detect: (metric: Metric) => Promise<SampleInterval | null>,
): Promise<Map<Metric, SampleInterval | null>> {
  const sampling = new Map<Metric, SampleInterval | null>();
  for (const metric of queriedMetrics(query)) {
    const reading = readingOf(query, metric);
    if (!readsSamples(reading.kind)) continue;
    sampling.set(
      metric,
      reading.intervalMs === undefined
        ? await detect(metric)
        : { ms: reading.intervalMs, how: 'configured' },
    );
  }
  return sampling;
}

/** The intervals found, for FetchInfo: metrics without samples left out. */
export function samplingInfo(
  sampling: ReadonlyMap<Metric, SampleInterval | null>,
): Partial<Record<Metric, SampleInterval>> {
  const info: Partial<Record<Metric, SampleInterval>> = {};
  for (const [metric, interval] of sampling) if (interval) info[metric] = interval;
  return info;
}

/** The key a measure's sample interval is found once per run under: its metric and names. */
export function intervalKey(query: Pick<UsageQuery, 'metrics'>, metric: Metric): string {
  return `${metric}\u0000${JSON.stringify(query.metrics[metric])}`;
}

export interface LabelFilter {
  readonly label: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

export interface UsageQuery {
  /**
   * Bucket edges (ms, ascending): bucket i is a counter's increase over (edges[i], edges[i+1]],
   * a gauge's or presence's samples in [edges[i], edges[i+1]).
   */
  readonly edges: Float64Array;
  /** Labels to group by. */
  readonly by: readonly string[];
  readonly filters: readonly LabelFilter[];
  /** The metrics to read, by name; a metric left out is not asked for at all. */
  readonly metrics: Readonly<Partial<Record<Metric, StoredNames>>>;
  /** How each metric is read where it differs from its measure's definition (readingOf). */
  readonly readings?: Readonly<Partial<Record<Metric, MetricReading>>>;
  /** The label holding the GPU type; measures priced per GPU-hour are always grouped by it as well. */
  readonly gpuTypeLabel: string;
  /**
   * The label holding a MIG slice's profile (DCGM's GPU_I_PROFILE); gpu_seconds are grouped by
   * it as well when set. A series without it is a whole GPU.
   */
  readonly migProfileLabel?: string;
}

export interface FetchInfo {
  /** HTTP requests made (0 for a file). */
  readonly requests: number;
  /** Metrics that matched no series in the window: a typo must not look like a free month. */
  readonly emptyMetrics: readonly Metric[];
  /** True when the source said the answer may be incomplete (and the caller allowed it). */
  readonly partial: boolean;
  /** Per gauge or presence metric read, the sample interval it was read with (none: no samples). */
  readonly sampling?: Readonly<Partial<Record<Metric, SampleInterval>>>;
}

export interface UsageSource {
  /** What to print in headers: a URL with credentials removed, or a file path. */
  readonly description: string;
  /** Delivers every group's increases, bucket by bucket, to onSeries, then resolves. */
  fetch(query: UsageQuery, onSeries: (series: BucketSeries) => void): Promise<FetchInfo>;
  /** Answers `ml-cost doctor`'s fixed set of questions about the stored series. */
  inspect(probe: InspectProbe): Promise<Observations>;
}
