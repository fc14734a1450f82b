// What `ml-cost doctor` asks a source and what it learns: a fixed set of aggregate questions
// about stored names over a window, answered alike by VictoriaMetrics and an export file. Pure.

/** A set of stored names looked at together: one configured measure, or the other presets' names. */
export interface ProbeGroup {
  readonly key: string;
  readonly names: readonly string[];
}

export interface InspectProbe {
  /** The window [fromMs, toMs); samples after nowMs are "in the future". */
  readonly fromMs: number;
  readonly toMs: number;
  readonly nowMs: number;
  readonly groups: readonly ProbeGroup[];
  /**
   * Stored names worth a look although no naming uses them (they look like a measure): the
   * source lists every name in the window first, and these become one more group, `key`.
   */
  readonly lookAlikes?: {
    readonly key: string;
    readonly pick: (allNames: readonly string[]) => readonly string[];
  };
  /** Groups whose label cardinality is counted, on the window's last UTC day. */
  readonly cardinalityGroups: readonly string[];
  /** Label values counted per label at most (the rest only says "more"). */
  readonly topLabels: number;
  /** GPU time by GPU type and use case, from these names. */
  readonly gpu: {
    readonly names: readonly string[];
    readonly gpuTypeLabel: string;
    readonly useCaseLabel: string;
    /** The MIG profile label (GPU_I_PROFILE): a slice is priced at its share, or not at all. */
    readonly migProfileLabel?: string;
  };
  /** The use cases seen on these names. */
  readonly useCases: { readonly names: readonly string[]; readonly label: string };
}

/** A series whose last sample lies this long before the window's end stopped reporting. */
export const STALE_AFTER_MS = 2 * 3_600_000;
/** How far past now samples are looked for. */
export const FUTURE_HORIZON_MS = 7 * 86_400_000;

export interface NameStats {
  /** Series with a sample in the window. */
  readonly series: number;
  /** Label names those series carry (without __name__), sorted. */
  readonly labels: readonly string[];
  /** Median over series of their mean time between samples, in seconds; null under 2 samples. */
  readonly intervalS: number | null;
  /** The longest time between two samples of one series, in seconds. */
  readonly maxGapS: number | null;
  /** Counter resets (a sample below the one before), all series together. */
  readonly resets: number;
  /** Series whose last sample is more than STALE_AFTER_MS before the window's end. */
  readonly stale: number;
  /** Series with samples after now. */
  readonly future: number;
}

export interface LabelCardinality {
  readonly label: string;
  /** Distinct values among the group's series on the day. */
  readonly values: number;
}

export interface GpuUsage {
  readonly gpuType: string;
  /** The MIG profile of a slice; '' or absent for a whole GPU. */
  readonly migProfile?: string;
  readonly useCase: string;
  readonly seconds: number;
}

export interface Observations {
  /** Stats per stored name that has series in the window; a name missing here has none. */
  readonly names: Readonly<Record<string, NameStats>>;
  /** Groups whose series outnumber what the source would select in one query. */
  readonly overLimit: readonly string[];
  /** Per cardinality group: the day counted (UTC, YYYY-MM-DD) and its labels, most values first. */
  readonly cardinality: Readonly<
    Record<string, { readonly day: string; readonly labels: readonly LabelCardinality[] }>
  >;
  readonly gpuUsage: readonly GpuUsage[];
  readonly useCases: readonly string[];
  /** Every metric name stored in the window, to point at names that look like the missing ones. */
  readonly allNames: readonly string[];
  /** -search.maxUniqueTimeseries as the server reports it, or the 1.79.5 default. */
  readonly maxUniqueTimeseries: { readonly value: number; readonly known: boolean } | null;
  /** Requests sent (0 for a file). */
  readonly requests: number;
}

/** VictoriaMetrics 1.79.5's default -search.maxUniqueTimeseries (victoria-metrics -help). */
export const DEFAULT_MAX_UNIQUE_TIMESERIES = 300_000;

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The window's last UTC day, whose per-day index the cardinality is read from. */
export function cardinalityDay(probe: Pick<InspectProbe, 'fromMs' | 'toMs'>): string {
  return utcDay(Math.max(probe.fromMs, probe.toMs - 1));
}

/** The probe's groups, and the look-alikes among the stored names as one more. */
export function withLookAlikes(
  probe: InspectProbe,
  allNames: readonly string[],
): readonly ProbeGroup[] {
  if (!probe.lookAlikes) return probe.groups;
  const names = probe.lookAlikes.pick(allNames);
  return names.length === 0
    ? probe.groups
    : [...probe.groups, { key: probe.lookAlikes.key, names }];
}
