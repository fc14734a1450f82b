// Says which name made a report empty or flat: a metric, a --filter label or value, or a
// --by label that no series has. A typo must not look like a free month.
import type { Note } from './core/report.js';
import type { Labels, Metric } from './core/types.js';
import {
  type FetchInfo,
  type LabelFilter,
  namesText,
  type UsageQuery,
  type UsageSource,
} from './sources/types.js';

/**
 * Notes for the metrics that matched no series. When the filters are what emptied them, the
 * note names the filter (and whether its label or its value matched nothing) rather than the
 * metric. Asks the source again only then, for totals without groups: a few small queries.
 */
export async function emptyMetricNotes(
  source: UsageSource,
  query: UsageQuery,
  info: FetchInfo,
): Promise<Note[]> {
  const empty = info.emptyMetrics;
  if (empty.length === 0) return [];
  const metricNote = (metric: Metric): Note => ({
    text: `no series of ${namesText(query.metrics[metric] ?? '')} (${metric}) in the window: check the window, the metric name or --metrics-preset`,
  });
  if (query.filters.length === 0) return empty.map(metricNote);

  const stillEmpty = (filters: readonly LabelFilter[], metrics: readonly Metric[]) =>
    emptyWith(source, query, filters, metrics);
  const unnamed = await stillEmpty([], empty);
  const emptiedByFilters = empty.filter((metric) => !unnamed.includes(metric));
  const notes = unnamed.map(metricNote);
  if (emptiedByFilters.length === 0) return notes;

  const names = emptiedByFilters.map((metric) => namesText(query.metrics[metric] ?? '')).join(', ');
  for (const filter of query.filters) {
    if ((await stillEmpty([filter], emptiedByFilters)).length < emptiedByFilters.length) continue;
    const hasLabel = { label: filter.label, op: '!=', value: '' } as const;
    const labelMissing =
      filter.op === '=' &&
      filter.value !== '' &&
      (await stillEmpty([hasLabel], emptiedByFilters)).length === emptiedByFilters.length;
    notes.push({ text: `${filterText(filter)}: ${filterProblem(filter, labelMissing, names)}` });
    return notes;
  }
  notes.push({
    text: `${query.filters.map(filterText).join(' ')}: each matches series of ${names}, but no series matches them all in the window`,
  });
  return notes;
}

function filterText(filter: LabelFilter): string {
  return `--filter ${filter.label}${filter.op}${filter.value}`;
}

function filterProblem(filter: LabelFilter, labelMissing: boolean, names: string): string {
  if (labelMissing) {
    return `no series of ${names} in the window has the label ${filter.label}: check the label name`;
  }
  if (filter.op === '=') {
    return `no series of ${names} in the window has ${filter.label}=${JSON.stringify(filter.value)}: check the value`;
  }
  return `every series of ${names} in the window has ${filter.label}=${JSON.stringify(filter.value)}`;
}

/** The metrics among `metrics` that still match no series under `filters`. */
async function emptyWith(
  source: UsageSource,
  query: UsageQuery,
  filters: readonly LabelFilter[],
  metrics: readonly Metric[],
): Promise<readonly Metric[]> {
  const info = await source.fetch(
    {
      // One bucket for the whole window: one point per metric, whatever the report's periods.
      edges: Float64Array.of(query.edges[0] as number, query.edges.at(-1) as number),
      by: [],
      filters,
      metrics: Object.fromEntries(metrics.map((metric) => [metric, query.metrics[metric]])),
      ...(query.readings ? { readings: query.readings } : {}),
      gpuTypeLabel: query.gpuTypeLabel,
      ...(query.migProfileLabel === undefined ? {} : { migProfileLabel: query.migProfileLabel }),
    },
    () => {},
  );
  return info.emptyMetrics;
}

/**
 * Notes for --by labels that no row has a value for: every row then falls under "(none)",
 * which looks like a report that worked.
 */
export function unmatchedGroupNotes(groups: readonly Labels[], by: readonly string[]): Note[] {
  if (groups.length === 0) return [];
  return by
    .filter((label) => groups.every((group) => (group[label] ?? '') === ''))
    .map((label) => ({
      text: `no series in the window has the label ${label} (--by): every row is grouped under (none); check the label name`,
    }));
}
