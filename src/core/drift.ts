// Unit-cost drift: each checked day of a group against a trailing baseline of its own days,
// robust to outliers and aware of weekends. Pure: days, their usage and the options in,
// verdicts out; the causes are worked out in drift-cause.ts.
//
// Definitions (the contract `ml-cost drift` documents):
// - Unit costs of a day: cost per inference, cost per 1M tokens, tokens per currency unit and
//   GPU-seconds per inference, each from the day's sums (cost / inferences, ...). A metric has no
//   value on a day without its denominator (no inferences, no tokens), without GPU time, or
//   without cost (free GPU time has no unit cost to drift).
// - Unpriced days are not drift: a day with any GPU time lacking a rate is neither judged nor
//   part of any baseline (its cost is only a lower bound).
// - Baseline of day d: the `baselineDays` local days before d (trailing: it moves with d), the
//   days having a value for the metric. Fewer than `minimumHistoryDays` such days: the day is not
//   judged ("insufficient history"), never guessed.
// - Unit costs move by factors (a price +20 %, half the inferences), so the band is made on their
//   logarithms: then tokens per currency unit, the reciprocal of cost per 1M tokens, drifts
//   exactly when that does, by the same number of sigmas.
// - Weekday / weekend: the baseline splits into weekday and weekend days. When each side has at
//   least MIN_CLASS_DAYS days and their medians differ significantly (|m_we - m_wd| more than
//   SPLIT_Z standard errors of a difference of medians, 1.2533 σ / √n each), a weekend day is
//   held against weekend baseline days and a weekday against weekdays; otherwise all days count.
//   Split, the median is the kind's own, and the spread the larger of the kind's own and the one
//   of every baseline day's distance to its own kind's median (eight weekend days alone make a
//   shaky MAD).
// - Band: m = median of ln(value) over those days, σ = 1.4826 × their MAD (a robust sigma; in
//   log units it is about the relative spread), at least SIGMA_FLOOR (0.01: steady usage must
//   not alarm on moves too small to act on) and at least 1 / √N for a day of N inferences
//   (counting noise: a day of 25 inferences cannot pin a per-inference figure closer than
//   20 %). Deviation z = (ln value - m) / σ; the baseline value is e^m (the median of the
//   values), the band [e^(m - kσ), e^(m + kσ)] for sensitivity k, the change value / e^m - 1.
//   A day drifts on a metric when |z| > k. The default 3.5 is Iglewicz and Hoaglin's cut-off for
//   the modified z-score, the same rule.
// - Growth is not drift: a day whose unit costs fell only because inference volume rose (the main
//   cause is volume_rise and every metric out of its band moved the cheaper way) is 'growth'.
import { explainDrift } from './drift-cause.js';
import {
  ADVERSE_DIRECTION,
  type Baseline,
  type BaselineKind,
  type DayStatus,
  DRIFT_METRICS,
  type DriftDay,
  type DriftDayResult,
  type DriftMetric,
  type DriftOptions,
  type MetricCheck,
  MIN_CLASS_DAYS,
  minimumHistoryDays,
  SIGMA_FLOOR,
  SPLIT_Z,
} from './drift-types.js';
import { median, robustSigma } from './stats.js';

/** Standard error of a median of n normal values is about this × σ / √n. */
const MEDIAN_SE = 1.2533;

/** The value of a metric on a day; null when the day has none. */
export function metricValue(day: DriftDay, metric: DriftMetric): number | null {
  if (!(day.gpuHours > 0)) return null;
  switch (metric) {
    case 'cost_per_inference':
      return day.inferences > 0 && day.cost > 0 ? day.cost / day.inferences : null;
    case 'cost_per_million_tokens':
      return day.tokens > 0 && day.cost > 0 ? (day.cost / day.tokens) * 1e6 : null;
    case 'tokens_per_cost':
      return day.cost > 0 && day.tokens > 0 ? day.tokens / day.cost : null;
    case 'gpu_seconds_per_inference':
      return day.inferences > 0 ? (day.gpuHours * 3600) / day.inferences : null;
  }
}

function isPriced(day: DriftDay): boolean {
  return !(day.unpricedGpuHours > 0);
}

function hasUsage(day: DriftDay): boolean {
  return day.gpuHours > 0 || day.inferences > 0 || day.tokens > 0;
}

/**
 * Judges every day from `firstCheckedIndex` on. `days` are consecutive local days, oldest
 * first: the baseline days before the checked ones, then the checked ones.
 */
export function detectDrift(
  days: readonly DriftDay[],
  firstCheckedIndex: number,
  options: DriftOptions,
): DriftDayResult[] {
  // Each day's log of each metric, once: NaN where it has none or is unpriced (no baseline).
  const logs = DRIFT_METRICS.map((metric) =>
    Float64Array.from(days, (day) => {
      const value = isPriced(day) ? metricValue(day, metric) : null;
      return value === null ? Number.NaN : Math.log(value);
    }),
  );
  const series: DaySeries = { days, logs };
  const results: DriftDayResult[] = [];
  for (let index = Math.max(firstCheckedIndex, 0); index < days.length; index++) {
    const result = judgeDay(series, index, options);
    const previous = results[results.length - 1];
    const continued =
      result.explanation !== undefined && previous?.explanation?.cause === result.explanation.cause;
    results.push(continued ? { ...result, continued: true } : result);
  }
  return results;
}

/** A group's days and, per metric (in DRIFT_METRICS order), each day's log value or NaN. */
interface DaySeries {
  readonly days: readonly DriftDay[];
  readonly logs: readonly Float64Array[];
}

function judgeDay(series: DaySeries, index: number, options: DriftOptions): DriftDayResult {
  const day = series.days[index] as DriftDay;
  const from = Math.max(0, index - options.baselineDays);
  const base = {
    startMs: day.startMs,
    endMs: day.endMs,
    weekend: day.weekend,
    inferences: day.inferences,
    gpuHours: day.gpuHours,
    unpricedGpuHours: day.unpricedGpuHours,
    versions: day.versions,
  };
  if (!hasUsage(day)) return { ...base, status: 'no_usage', metrics: [] };
  if (!isPriced(day)) return { ...base, status: 'unpriced', metrics: [] };
  const metrics = DRIFT_METRICS.map((metric, m) =>
    checkMetric(series, m, index, from, metric, options),
  );
  const drifting = metrics.filter((check) => check.status === 'drift');
  if (drifting.length > 0) {
    // The cause is sought for the metric furthest out of its band.
    const worst = drifting.reduce((a, b) =>
      Math.abs(b.deviation ?? 0) > Math.abs(a.deviation ?? 0) ? b : a,
    );
    const history = series.days.slice(from, index).filter(isPriced);
    const comparable = comparableDays(day, history, worst.baseline?.kind ?? 'all');
    const move = Math.abs(Math.log((worst.value ?? 1) / (worst.baseline?.median ?? 1)));
    const explanation = explainDrift(day, comparable, Number.isFinite(move) ? move : 0);
    // Cheaper per inference only because more inferences share the GPU time: growth, not drift.
    const growth =
      explanation.cause === 'volume_rise' &&
      drifting.every((check) => (check.deviation ?? 0) * ADVERSE_DIRECTION[check.metric] < 0);
    if (growth) {
      const relabelled = metrics.map(
        (check): MetricCheck => (check.status === 'drift' ? { ...check, status: 'growth' } : check),
      );
      return { ...base, status: 'growth', metrics: relabelled, explanation };
    }
    return { ...base, status: 'drift', metrics, explanation };
  }
  const status: DayStatus = metrics.some((check) => check.status === 'ok')
    ? 'ok'
    : metrics.some((check) => check.status === 'insufficient_history')
      ? 'insufficient_history'
      : 'no_value';
  return { ...base, status, metrics };
}

function comparableDays(
  day: DriftDay,
  history: readonly DriftDay[],
  kind: BaselineKind,
): DriftDay[] {
  return kind === 'all' ? [...history] : history.filter((other) => other.weekend === day.weekend);
}

function checkMetric(
  series: DaySeries,
  m: number,
  index: number,
  from: number,
  metric: DriftMetric,
  options: DriftOptions,
): MetricCheck {
  const day = series.days[index] as DriftDay;
  const value = metricValue(day, metric);
  const empty = { metric, value, baseline: null, deviation: null, deviationShare: null };
  if (value === null) return { ...empty, status: 'no_value' };
  const logs = series.logs[m] as Float64Array;
  const weekdayLogs: number[] = [];
  const weekendLogs: number[] = [];
  for (let i = from; i < index; i++) {
    const log = logs[i] as number;
    if (Number.isNaN(log)) continue;
    if ((series.days[i] as DriftDay).weekend) weekendLogs.push(log);
    else weekdayLogs.push(log);
  }
  const historyDays = weekdayLogs.length + weekendLogs.length;
  if (historyDays < minimumHistoryDays(options.baselineDays)) {
    return { ...empty, status: 'insufficient_history', historyDays };
  }
  const { kind, center, sigma, days } = logBaseline(weekdayLogs, weekendLogs, day);
  const deviation = (Math.log(value) - center) / sigma;
  const k = options.sensitivity;
  const baseline: Baseline = {
    kind,
    days,
    median: Math.exp(center),
    sigma,
    lower: Math.exp(center - k * sigma),
    upper: Math.exp(center + k * sigma),
  };
  return {
    metric,
    value,
    baseline,
    deviation,
    deviationShare: value / baseline.median - 1,
    status: Math.abs(deviation) > k ? 'drift' : 'ok',
  };
}

/**
 * Median and robust sigma of the logs of one metric's baseline values, for one day: from the
 * same kind of day when weekends differ, the sigma floored (SIGMA_FLOOR, counting noise).
 */
export function logBaseline(
  weekdayLogs: readonly number[],
  weekendLogs: readonly number[],
  day: { readonly weekend: boolean; readonly inferences: number },
): { kind: BaselineKind; center: number; sigma: number; days: number } {
  const { weekend } = day;
  const kind: BaselineKind = weekendsDiffer(weekdayLogs, weekendLogs)
    ? weekend
      ? 'weekend'
      : 'weekday'
    : 'all';
  const logs =
    kind === 'all' ? [...weekdayLogs, ...weekendLogs] : weekend ? weekendLogs : weekdayLogs;
  const center = median(logs);
  // Split, each kind keeps its own median; the spread is the larger of its own days' and that of
  // every baseline day's distance to its own kind's median: eight weekend days alone give a
  // shaky MAD, and weekends are often noisier than weekdays (fewer inferences share the floor).
  const own = logs.map((log) => log - center);
  const weekdayMedian = median(weekdayLogs);
  const weekendMedian = median(weekendLogs);
  const pooled = [
    ...weekdayLogs.map((log) => log - weekdayMedian),
    ...weekendLogs.map((log) => log - weekendMedian),
  ];
  // Two corrections make the band a prediction band for a new day: the MAD of a sample of n,
  // less the medians fitted to it, runs low (Croux and Rousseeuw's n / (n - 0.8) per median),
  // and the day's distance to the median also carries the median's own error (π/2 · σ² / n).
  const corrected = (residuals: readonly number[], medians: number) =>
    robustSigma(residuals, 0) * (residuals.length / Math.max(residuals.length - 0.8 * medians, 1));
  const spread =
    Math.max(corrected(own, 1), kind === 'all' ? 0 : corrected(pooled, 2)) *
    Math.sqrt(1 + Math.PI / 2 / logs.length);
  const sigma = Math.max(
    spread,
    SIGMA_FLOOR,
    day.inferences > 0 ? 1 / Math.sqrt(day.inferences) : 0,
  );
  return { kind, center, sigma, days: logs.length };
}

/** Whether weekday and weekend logs differ by more than their medians' noise explains. */
export function weekendsDiffer(weekdays: readonly number[], weekends: readonly number[]): boolean {
  if (weekdays.length < MIN_CLASS_DAYS || weekends.length < MIN_CLASS_DAYS) return false;
  const weekdayMedian = median(weekdays);
  const weekendMedian = median(weekends);
  const spread = (values: readonly number[], center: number) =>
    Math.max(robustSigma(values, center), SIGMA_FLOOR);
  const standardError = Math.sqrt(
    (MEDIAN_SE * spread(weekdays, weekdayMedian)) ** 2 / weekdays.length +
      (MEDIAN_SE * spread(weekends, weekendMedian)) ** 2 / weekends.length,
  );
  return Math.abs(weekendMedian - weekdayMedian) > SPLIT_Z * standardError;
}
