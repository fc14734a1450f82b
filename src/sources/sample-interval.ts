// How gauges and presences are read, and the sample interval I that reading needs. Pure.
//
// The rule: a sample stands for one sample interval I after it, [t, t + I). A bucket [a, b)
// gets Σ value × scale × I over a series' samples with a ≤ t < b (a presence: Σ scale × I).
// Each sample lands in exactly one bucket, so any cut of a window (total, days, hours, price
// changes) adds up to the same usage; a stopped series counts exactly I past its last sample,
// and a gap in a series counts nothing.
//
// Why not MetricsQL integrate(): measured on VictoriaMetrics 1.79.5, it holds a series' last
// value to the end of the window (a pod gone at 12:00 counts to midnight in a day bucket, a
// paused series is held across its gap), so its sums depend on how the window is cut. The
// server reads the rule as `sum_over_time(sel[L] offset 1ms)` (count_over_time for presence):
// its windows are (t - L, t], and the 1 ms offset (timestamps are whole milliseconds) makes
// them [t - L, t), so a sample right on a bucket edge belongs to the bucket it starts. The
// sum is then multiplied by I (and the scale) by ml-cost, the same way for both sources.
//
// I is the measure's `scrape_interval` (config or preset) when given. Otherwise it is found
// once per run per measure, from the data of the first window read:
// 1. the smallest average sample interval, (last - first) / (samples - 1), among series with
//    at least MIN_SAMPLES samples in the window (the smallest, because a series with a gap has
//    a longer average than its scrape interval; several, because one sample says nothing);
// 2. else the same among series with at least 2 samples in the window widened by
//    WIDE_LOOK_BACK_MS before it (a short window of sparse scrapes);
// 3. else, when the window has samples at all, ASSUMED_INTERVAL_MS (Prometheus' default scrape
//    interval), named as assumed in the report so that it can be configured;
// 4. no sample in the window: the measure has no usage there.
// Not the server's scrape_interval(): it measures from the sample before the window when it is
// recent, which the export-file source could only guess; tfirst/tlast/count_over_time read
// only the window, on both sources alike. Rounded to the millisecond, timestamps' precision.

/** The I a gauge or presence was read with, and where it came from. */
export interface SampleInterval {
  readonly ms: number;
  /**
   * configured: the measure's scrape_interval; detected: from series with MIN_SAMPLES samples
   * in the window; sparse: from series with 2 samples in the widened window; assumed: the
   * default, no series had two samples.
   */
  readonly how: 'configured' | 'detected' | 'sparse' | 'assumed';
}

/** Samples a series needs in the window for its average interval to count as detected. */
export const MIN_SAMPLES = 10;
/** How far before the window sparse series are looked for (the query plan's look-around). */
export const WIDE_LOOK_BACK_MS = 24 * 3_600_000;
/** Prometheus' default scrape_interval: I when nothing in the data tells it. */
export const ASSUMED_INTERVAL_MS = 60_000;

/** What a source found about a measure's samples, before an interval is chosen. */
export interface IntervalEvidence {
  /** Smallest average interval (seconds) of a series with MIN_SAMPLES samples in the window. */
  readonly window?: number;
  /** Smallest average interval (seconds) of a series with 2 samples in the widened window. */
  readonly wide?: number;
  /** Samples of every series in the window. */
  readonly samples: number;
}

/** The interval the evidence gives, or null when the window has no sample (no usage). */
export function intervalFrom(evidence: IntervalEvidence): SampleInterval | null {
  if (!(evidence.samples > 0)) return null;
  if (evidence.window !== undefined) return { ms: toMs(evidence.window), how: 'detected' };
  if (evidence.wide !== undefined) return { ms: toMs(evidence.wide), how: 'sparse' };
  return { ms: ASSUMED_INTERVAL_MS, how: 'assumed' };
}

/** Seconds to whole milliseconds; never 0, so that a sample always counts for something. */
function toMs(seconds: number): number {
  return Math.max(1, Math.round(seconds * 1000));
}

/**
 * A series' average sample interval in seconds, computed exactly as the server's
 * `(tlast_over_time - tfirst_over_time) / (count_over_time - 1)` does (timestamps in seconds
 * first), so that both sources round to the same millisecond.
 */
export function averageIntervalSeconds(firstMs: number, lastMs: number, samples: number): number {
  return (lastMs / 1e3 - firstMs / 1e3) / (samples - 1);
}

/** Evidence of several parts (stored names, series) as one: smallest intervals, all samples. */
export function combineEvidence(parts: readonly IntervalEvidence[]): IntervalEvidence {
  let window: number | undefined;
  let wide: number | undefined;
  let samples = 0;
  for (const part of parts) {
    if (part.window !== undefined) window = Math.min(window ?? part.window, part.window);
    if (part.wide !== undefined) wide = Math.min(wide ?? part.wide, part.wide);
    samples += part.samples;
  }
  return {
    ...(window === undefined ? {} : { window }),
    ...(wide === undefined ? {} : { wide }),
    samples,
  };
}

/** One series' samples as interval evidence: feed timestamps in order, then read evidence(). */
export class SampleTally {
  private readonly wideFromMs: number;
  private count = 0;
  private firstMs = 0;
  private lastMs = 0;
  private wideCount = 0;
  private wideFirstMs = 0;
  private wideLastMs = 0;

  constructor(
    private readonly fromMs: number,
    private readonly toMs: number,
  ) {
    this.wideFromMs = fromMs - WIDE_LOOK_BACK_MS;
  }

  add(timestampMs: number): void {
    if (timestampMs < this.wideFromMs || timestampMs >= this.toMs) return;
    if (this.wideCount++ === 0) this.wideFirstMs = timestampMs;
    this.wideLastMs = timestampMs;
    if (timestampMs < this.fromMs) return;
    if (this.count++ === 0) this.firstMs = timestampMs;
    this.lastMs = timestampMs;
  }

  evidence(): IntervalEvidence {
    return {
      ...(this.count >= MIN_SAMPLES
        ? { window: averageIntervalSeconds(this.firstMs, this.lastMs, this.count) }
        : {}),
      ...(this.wideCount >= 2
        ? { wide: averageIntervalSeconds(this.wideFirstMs, this.wideLastMs, this.wideCount) }
        : {}),
      samples: this.count,
    };
  }
}

/**
 * Intervals found once per run, per measure and stored names: every report of a run (a
 * back-fill's days, doctor's checks after a report) reads a measure with the same I.
 */
export class IntervalMemo {
  private readonly found = new Map<string, Promise<SampleInterval | null>>();

  get(key: string, detect: () => Promise<SampleInterval | null>): Promise<SampleInterval | null> {
    let interval = this.found.get(key);
    if (interval === undefined) {
      interval = detect();
      this.found.set(key, interval);
      // A failed detection is not remembered: the error is the run's, not the measure's.
      interval.catch(() => this.found.delete(key));
    }
    return interval;
  }

  /** The interval already found for key, if any (the export file detects while it reads). */
  known(key: string): Promise<SampleInterval | null> | undefined {
    return this.found.get(key);
  }
}

/**
 * A duration as Prometheus writes scrape_interval: units from years to milliseconds, each at
 * most once and in that order ("30s", "1m30s", "500ms"). Its milliseconds, or null when the
 * text is not one or is not more than 0.
 */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text);
  if (match === null || text === '') return null;
  let ms = 0;
  UNIT_MS.forEach((unit, i) => {
    const amount = match[i + 1];
    if (amount !== undefined) ms += Number(amount) * unit;
  });
  return ms > 0 && Number.isSafeInteger(ms) ? ms : null;
}

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];
