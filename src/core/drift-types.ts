// The shapes of unit-cost drift (drift.ts, drift-cause.ts) and its documented constants.
import type { CatalogueUse, MeasureSampling, Note } from './report.js';
import type { Labels, Window } from './types.js';

export const DRIFT_METRICS = [
  'cost_per_inference',
  'cost_per_million_tokens',
  'tokens_per_cost',
  'gpu_seconds_per_inference',
] as const;
export type DriftMetric = (typeof DRIFT_METRICS)[number];

/** The direction in which each metric getting worse means paying more for the same work. */
export const ADVERSE_DIRECTION: Readonly<Record<DriftMetric, 1 | -1>> = {
  cost_per_inference: 1,
  cost_per_million_tokens: 1,
  tokens_per_cost: -1,
  gpu_seconds_per_inference: 1,
};

export const DEFAULT_BASELINE_DAYS = 30;
export const DEFAULT_SENSITIVITY = 3.5;
export const MIN_BASELINE_DAYS = 7;
export const MIN_CLASS_DAYS = 4;
export const SPLIT_Z = 3;
export const SIGMA_FLOOR = 0.01;

/** GPU time of one type on one day. */
export interface DriftGpuUsage {
  readonly gpuType: string;
  readonly gpuHours: number;
  /** Cost of its priced GPU-hours (all of them on a day that is judged). */
  readonly cost: number;
}

/** One local day of a group: its sums, and the catalogue versions that priced it. */
export interface DriftDay {
  readonly startMs: number;
  readonly endMs: number;
  readonly weekend: boolean;
  readonly gpuHours: number;
  readonly unpricedGpuHours: number;
  readonly inferences: number;
  readonly tokens: number;
  /** Cost of the priced GPU-hours. */
  readonly cost: number;
  readonly gpu: readonly DriftGpuUsage[];
  readonly versions: readonly string[];
  /** Exchange-rate versions that converted the day's cost; absent without conversions. */
  readonly fxVersions?: readonly string[];
}

export interface DriftOptions {
  readonly baselineDays: number;
  readonly sensitivity: number;
}

/** Days with a value needed in a baseline of `baselineDays` days: half of them, at least 7. */
export function minimumHistoryDays(baselineDays: number): number {
  return Math.max(MIN_BASELINE_DAYS, Math.ceil(baselineDays / 2));
}

export type BaselineKind = 'all' | 'weekday' | 'weekend';

export interface Baseline {
  readonly kind: BaselineKind;
  /** Baseline days whose values made the band. */
  readonly days: number;
  /** e^(median of the logs): the median of the values. */
  readonly median: number;
  /** Robust sigma of ln(value), floored: about the relative spread (0.05 is ±5 %). */
  readonly sigma: number;
  /** The band: values inside it are no drift. */
  readonly lower: number;
  readonly upper: number;
}

/** growth: out of the band the cheaper way, only because more inferences shared the GPU time. */
export type MetricStatus = 'ok' | 'drift' | 'growth' | 'insufficient_history' | 'no_value';

export interface MetricCheck {
  readonly metric: DriftMetric;
  readonly status: MetricStatus;
  /** The day's value; null when it has none. */
  readonly value: number | null;
  readonly baseline: Baseline | null;
  /** Robust sigmas from the baseline median; null when not judged. */
  readonly deviation: number | null;
  /** value / median - 1; null when not judged or the median is 0. */
  readonly deviationShare: number | null;
  /** Baseline days with a value, when there were too few. */
  readonly historyDays?: number;
}

export type DriftCause =
  | 'price_change'
  | 'gpu_mix_change'
  | 'volume_drop'
  | 'volume_rise'
  | 'tokens_per_inference_change'
  | 'gpu_time_per_inference_change'
  | 'unexplained';

/** What moved between the baseline and the day, as ratios day / baseline (1: no change). */
export interface CauseEvidence {
  /** The day's cost over its usage priced at the baseline's rates. */
  readonly price: number;
  /** Average rate of the day's GPU mix over the baseline's mix, both at baseline rates. */
  readonly gpuMix: number;
  /** Share of GPU time that moved between types (total variation, 0..1). */
  readonly gpuMixShift: number;
  /** Inferences per hour. */
  readonly volume: number;
  readonly tokensPerInference: number | null;
  readonly gpuSecondsPerInference: number;
  /** Catalogue versions of the day not among the baseline's. */
  readonly newVersions: readonly string[];
  readonly baselineVersions: readonly string[];
  /**
   * Exchange-rate versions of the day not among the baseline's: in the reporting currency a
   * new rate is a price change as much as a new catalogue version. Absent without conversions.
   */
  readonly newFxVersions?: readonly string[];
}

export interface DriftExplanation {
  readonly cause: DriftCause;
  /** Every cause that explains a part of the move, the main one first. */
  readonly causes: readonly DriftCause[];
  readonly evidence: CauseEvidence;
}

export type DayStatus =
  | 'ok'
  | 'drift'
  | 'growth'
  | 'insufficient_history'
  | 'unpriced'
  | 'no_usage'
  /** Usage, but no unit cost to compute (GPU time without inferences or tokens, or none). */
  | 'no_value';

export interface DriftDayResult {
  readonly startMs: number;
  readonly endMs: number;
  readonly weekend: boolean;
  readonly status: DayStatus;
  readonly metrics: readonly MetricCheck[];
  readonly inferences: number;
  readonly gpuHours: number;
  readonly unpricedGpuHours: number;
  readonly versions: readonly string[];
  /** Set on a day that drifts (or grows). */
  readonly explanation?: DriftExplanation;
  /** A drifting day whose previous day drifted too, for the same main cause. */
  readonly continued?: true;
}

export interface GroupDrift {
  readonly group: Labels;
  readonly days: readonly DriftDayResult[];
}

/** Everything `ml-cost drift` prints. */
export interface DriftReport {
  /** The checked window: whole local days. */
  readonly window: Window;
  /** Start of the first baseline day of the first checked day. */
  readonly baselineFromMs: number;
  readonly options: DriftOptions;
  readonly minimumHistoryDays: number;
  readonly by: readonly string[];
  readonly source: string;
  readonly catalogue: CatalogueUse;
  readonly partial: boolean;
  /** How each gauge or presence was read (UsageReport.sampling). */
  readonly sampling?: readonly MeasureSampling[];
  readonly notes: readonly Note[];
  readonly groups: readonly GroupDrift[];
}
