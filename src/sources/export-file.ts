// The offline source: a VictoriaMetrics /api/v1/export file (plain or gzipped) read as if the
// server answered the query plan's `sum by (...) (increase(m{filters}[L]))` requests (for a
// gauge or presence, sum_over_time or count_over_time; their sample interval is found from
// the same file, as the server source finds it: sample-interval.ts).

import { readsSamples } from '../core/measures.js';
import type { BucketSeries, Labels, Metric } from '../core/types.js';
import { METRICS } from '../core/types.js';
import { UsageError } from '../errors.js';
import { type IncreaseWindows, SeriesIncrease } from './export-file-increase.js';
import { readLines } from './export-file-read.js';
import { SeriesSamples } from './export-file-samples.js';
import { BadLine, LineScanner } from './export-file-scan.js';
import {
  DEFAULT_POINTS_PER_QUERY,
  lookAroundOf,
  type PlannedQuery,
  planQueries,
} from './query-plan.js';
import {
  evidenceOf,
  IntervalMemo,
  intervalFrom,
  type SampleInterval,
  SampleTally,
} from './sample-interval.js';
import {
  type FetchInfo,
  intervalKey,
  type LabelFilter,
  labelsFor,
  passesMatch,
  queriedMetrics,
  readingOf,
  type StoredNames,
  samplingInfo,
  samplingOf,
  scaled,
  storedMatch,
  storedNames,
  type UsageQuery,
  type UsageSource,
  usageFactor,
} from './types.js';

interface Group {
  readonly metric: Metric;
  readonly labels: Labels;
  /** The queries its metric is read with (plans differ by kind: query-plan.ts). */
  readonly plan: readonly PlannedQuery[];
  /** Per planned query, the group's sum of every point it reads (looked-around ones too). */
  readonly points: Float64Array[];
}

type Walk = SeriesIncrease | SeriesSamples;

/**
 * A series the query wants: one walk per metric and planned query it feeds (none when the
 * report's filters leave it out), and a tally per metric whose sample interval it is evidence
 * of. null for series neither wants.
 */
type SeriesEntry = { readonly walks: Walk[]; readonly tallies: SampleTally[] } | null;

export function createExportFileSource(path: string): UsageSource {
  const intervals = new IntervalMemo();
  return {
    description: path,
    fetch: (query, onSeries) => fetchFromFile(path, query, onSeries, intervals),
    async inspect(probe) {
      const { inspectExportFile } = await import('./export-file-inspect.js');
      return inspectExportFile(path, probe);
    },
  };
}

async function fetchFromFile(
  path: string,
  query: UsageQuery,
  onSeries: (series: BucketSeries) => void,
  intervals: IntervalMemo,
): Promise<FetchInfo> {
  // The same plans as the server source's, so that both answer alike to the last point.
  const plans = new Map<number, PlannedQuery[]>();
  const planOf = (metric: Metric): PlannedQuery[] => {
    const lookAround = lookAroundOf(readingOf(query, metric).kind);
    let plan = plans.get(lookAround);
    if (!plan) {
      plan = planQueries(query.edges, DEFAULT_POINTS_PER_QUERY, lookAround);
      plans.set(lookAround, plan);
    }
    return plan;
  };
  // Gauges and presences whose interval this run has not found yet: found from this read,
  // over the window, from every series of the measure (the report's filters aside).
  const fromMs = query.edges[0] as number;
  const toMs = query.edges.at(-1) as number;
  const tallies = new Map<Metric, SampleTally[]>();
  for (const metric of queriedMetrics(query)) {
    const reading = readingOf(query, metric);
    if (!readsSamples(reading.kind) || reading.intervalMs !== undefined) continue;
    if (intervals.known(intervalKey(query, metric)) === undefined) tallies.set(metric, []);
  }
  const metricsByName = new Map<string, Metric[]>();
  for (const metric of queriedMetrics(query)) {
    for (const name of new Set(storedNames(query.metrics[metric] as StoredNames))) {
      metricsByName.set(name, [...(metricsByName.get(name) ?? []), metric]);
    }
  }
  const labelsByMetric = new Map(METRICS.map((metric) => [metric, labelsFor(query, metric)]));
  const groups = new Map<string, Group>();
  const seriesByCanonical = new Map<string, SeriesEntry>();
  const seriesByRaw = new Map<string, SeriesEntry>();

  const groupFor = (metric: Metric, labels: Record<string, string>): Group => {
    const names = labelsByMetric.get(metric) ?? [];
    const groupValues = names.map((name) => labels[name] ?? '');
    const key = `${metric}\u0000${groupValues.join('\u0000')}`;
    let group = groups.get(key);
    if (!group) {
      const groupLabelsObject: Record<string, string> = {};
      names.forEach((name, i) => {
        groupLabelsObject[name] = groupValues[i] as string;
      });
      const plan = planOf(metric);
      group = {
        metric,
        labels: groupLabelsObject,
        plan,
        points: plan.map((planned) => new Float64Array(windowsRead(planned)).fill(Number.NaN)),
      };
      groups.set(key, group);
    }
    return group;
  };

  const seriesFor = (rawMetric: string): SeriesEntry => {
    const known = seriesByRaw.get(rawMetric);
    if (known !== undefined) return known;
    const labels = parseLabels(rawMetric);
    const canonical = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    let entry = seriesByCanonical.get(canonical);
    if (entry === undefined) {
      // The measures this series feeds: its name's, those whose own label match it passes.
      const metrics = metricsByName
        .get(labels.__name__ as string)
        ?.filter((metric) =>
          passesMatch(labels, storedMatch(query.metrics[metric] as StoredNames)),
        );
      const wanted = metrics && metrics.length > 0 && matchesFilters(labels, query.filters);
      const walks = wanted ? metrics.flatMap((metric) => walksFor(metric, labels)) : [];
      const own: SampleTally[] = [];
      for (const metric of metrics ?? []) {
        const tally = tallies.get(metric) && new SampleTally(fromMs, toMs);
        if (tally) {
          tallies.get(metric)?.push(tally);
          own.push(tally);
        }
      }
      entry = walks.length > 0 || own.length > 0 ? { walks, tallies: own } : null;
      seriesByCanonical.set(canonical, entry);
    }
    seriesByRaw.set(rawMetric, entry);
    return entry;
  };

  const walksFor = (metric: Metric, labels: Record<string, string>): Walk[] => {
    const { plan, points } = groupFor(metric, labels);
    const { kind } = readingOf(query, metric);
    return plan.map((planned, q) => {
      const into = points[q] as Float64Array;
      if (kind === 'counter') return new SeriesIncrease(windowsOf(planned), into);
      return new SeriesSamples(windowsOf(planned), into, kind === 'presence');
    });
  };

  const scanner = new LineScanner();
  await readLines(path, (buf, start, end, lineNumber) => {
    if (isBlank(buf, start, end)) return;
    let scanned: ReturnType<typeof scanner.scan<NonNullable<SeriesEntry>>>;
    try {
      scanned = scanner.scan(buf, start, end, seriesFor);
    } catch (error) {
      if (error instanceof BadLine) throw new UsageError(`${path}:${lineNumber}: ${error.message}`);
      throw error;
    }
    const entry = scanned.handle;
    if (entry === null || scanned.count === 0) return;
    const { walks } = entry;
    if (walks.length > 0) {
      const impossible = impossibleSample(scanner.values, scanned.count);
      if (impossible) throw new UsageError(`${path}:${lineNumber}: ${impossible}`);
    }
    const order = sampleOrder(scanner.timestamps, scanner.values, scanned.count);
    for (const tally of entry.tallies) {
      for (let k = 0; k < scanned.count; k++) {
        tally.add(scanner.timestamps[order === null ? k : (order[k] as number)] as number);
      }
    }
    for (const walk of walks) {
      for (let k = 0; k < scanned.count; k++) {
        const i = order === null ? k : (order[k] as number);
        if (!walk.add(scanner.timestamps[i] as number, scanner.values[i] as number)) {
          throw new UsageError(
            `${path}:${lineNumber}: this series already had later samples on an earlier line; ` +
              'lines of one series must follow each other in time, as /api/v1/export writes them',
          );
        }
      }
    }
  });

  for (const entry of seriesByCanonical.values()) {
    if (entry) for (const walk of entry.walks) walk.finish();
  }
  const sampling = await samplingOf(query, (metric) =>
    intervals.get(intervalKey(query, metric), async () =>
      intervalFrom(evidenceOf(tallies.get(metric) ?? [])),
    ),
  );
  const factors = new Map(
    queriedMetrics(query).map((metric) => [
      metric,
      factorOf(readingOf(query, metric), sampling.get(metric)),
    ]),
  );
  const seen = new Set<Metric>();
  for (const group of groups.values()) {
    const factor = factors.get(group.metric);
    if (factor === null || factor === undefined) continue;
    group.plan.forEach((planned, q) => {
      const { skip, count, bucket } = planned;
      const values = (group.points[q] as Float64Array).slice(skip, skip + count);
      if (!values.some((value) => !Number.isNaN(value))) return;
      seen.add(group.metric);
      const own = scaled(values, factor);
      onSeries({ metric: group.metric, labels: group.labels, offset: bucket, values: own });
    });
  }
  return {
    requests: 0,
    emptyMetrics: queriedMetrics(query).filter((metric) => !seen.has(metric)),
    partial: false,
    ...(sampling.size > 0 ? { sampling: samplingInfo(sampling) } : {}),
  };
}

/** A metric's factor (usageFactor), or null for a gauge or presence without samples. */
function factorOf(
  reading: ReturnType<typeof readingOf>,
  interval: SampleInterval | null | undefined,
): number | null {
  return interval === null ? null : usageFactor(reading, interval);
}

/**
 * A query's windows as the walk sees them: every point's window of `windowMs` back to back from
 * the first one's start, read from as far back as the server reads. A one-point query's step
 * is longer than its read-ahead, so the walk only has that point and a partial window after
 * it, which it reads for a next value.
 */
function windowsOf(planned: PlannedQuery): IncreaseWindows {
  return {
    originMs: planned.startMs - planned.windowMs,
    lengthMs: planned.windowMs,
    readBackMs: Math.max(planned.windowMs, planned.stepMs) - planned.windowMs,
    readToMs: planned.endMs,
  };
}

function windowsRead(planned: PlannedQuery): number {
  return Math.ceil((planned.endMs - planned.startMs) / planned.windowMs) + 1;
}

function parseLabels(rawMetric: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawMetric);
  } catch (error) {
    throw new BadLine(`"metric" is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadLine('"metric" must be an object of label names to strings');
  }
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new BadLine(`label "${name}" must be a string`);
  }
  const labels = parsed as Record<string, string>;
  if (typeof labels.__name__ !== 'string') throw new BadLine('"metric" has no "__name__"');
  return labels;
}

/** As PromQL matches: a missing label is the empty string. */
function matchesFilters(
  labels: Readonly<Record<string, string>>,
  filters: readonly LabelFilter[],
): boolean {
  for (const filter of filters) {
    const value = labels[filter.label] ?? '';
    if (filter.op === '=' ? value !== filter.value : value === filter.value) return false;
  }
  return true;
}

/**
 * null when the samples are already in (time, value) order, as the server exports them;
 * otherwise the order to read them in (the server sorts on import, equal times by value).
 */
function sampleOrder(
  timestamps: Float64Array,
  values: Float64Array,
  count: number,
): Uint32Array | null {
  for (let i = 1; i < count; i++) {
    const t0 = timestamps[i - 1] as number;
    const t1 = timestamps[i] as number;
    if (t1 < t0 || (t1 === t0 && (values[i] as number) < (values[i - 1] as number))) {
      const order = Uint32Array.from({ length: count }, (_, k) => k);
      order.sort(
        (a, b) =>
          (timestamps[a] as number) - (timestamps[b] as number) ||
          (values[a] as number) - (values[b] as number),
      );
      return order;
    }
  }
  return null;
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = buf[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}

/**
 * Why a counter series' samples cannot be true, or undefined. Counters (GPU-seconds, tokens,
 * inference counts) start at 0 and only grow or reset to 0: a negative sample would be read
 * as a reset and counted as usage, an infinite one would make every total infinite. JSON has
 * no NaN, so a staleness marker cannot reach here. Only series the query wants are checked.
 */
function impossibleSample(values: Float64Array, count: number): string | undefined {
  for (let i = 0; i < count; i++) {
    const value = values[i] as number;
    if (value >= 0 && value < Number.POSITIVE_INFINITY) continue;
    const what = value < 0 ? 'is negative' : 'is not a finite number';
    return `values[${i}] ${what} (${value}); a counter's samples are finite and never below 0`;
  }
  return undefined;
}
