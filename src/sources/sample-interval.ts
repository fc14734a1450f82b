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
// only the window, on both sources alike (the server in one pass: aggr_over_time, one request,
// a second only for the widened window when no series has enough samples). Rounded to the
// millisecond, timestamps' precision.

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
 * One series' samples in a span of time: how many, the first's and the last's timestamps in
 * seconds, as VictoriaMetrics' count_over_time, tfirst_over_time and tlast_over_time give them
 * (a timestamp in ms / 1e3), so that both sources work the average out to the same bits.
 */
export interface SampleSpan {
  readonly count: number;
  readonly firstS: number;
  readonly lastS: number;
}

/** The smallest average interval (seconds) among spans of at least `least` samples. */
export function smallestAverage(spans: Iterable<SampleSpan>, least: number): number | undefined {
  let smallest: number | undefined;
  for (const { count, firstS, lastS } of spans) {
    if (count < least) continue;
    const average = (lastS - firstS) / (count - 1);
    smallest = smallest === undefined ? average : Math.min(smallest, average);
  }
  return smallest;
}

/** Samples of all spans. */
export function samplesOf(spans: Iterable<SampleSpan>): number {
  let samples = 0;
  for (const span of spans) samples += span.count;
  return samples;
}

/** One series' samples as spans of the window and the widened window: feed timestamps, in order or not. */
export class SampleTally {
  private readonly wideFromMs: number;
  private count = 0;
  private firstMs = Number.POSITIVE_INFINITY;
  private lastMs = Number.NEGATIVE_INFINITY;
  private wideCount = 0;
  private wideFirstMs = Number.POSITIVE_INFINITY;
  private wideLastMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly fromMs: number,
    private readonly toMs: number,
  ) {
    this.wideFromMs = fromMs - WIDE_LOOK_BACK_MS;
  }

  add(timestampMs: number): void {
    if (timestampMs < this.wideFromMs || timestampMs >= this.toMs) return;
    this.wideCount++;
    this.wideFirstMs = Math.min(this.wideFirstMs, timestampMs);
    this.wideLastMs = Math.max(this.wideLastMs, timestampMs);
    if (timestampMs < this.fromMs) return;
    this.count++;
    this.firstMs = Math.min(this.firstMs, timestampMs);
    this.lastMs = Math.max(this.lastMs, timestampMs);
  }

  /** The samples in [from, to). */
  window(): SampleSpan {
    return { count: this.count, firstS: this.firstMs / 1e3, lastS: this.lastMs / 1e3 };
  }

  /** The samples in [from - WIDE_LOOK_BACK_MS, to). */
  wide(): SampleSpan {
    return { count: this.wideCount, firstS: this.wideFirstMs / 1e3, lastS: this.wideLastMs / 1e3 };
  }
}

/** A measure's evidence from the tallies of all its series. */
export function evidenceOf(tallies: readonly SampleTally[]): IntervalEvidence {
  const windows = tallies.map((tally) => tally.window());
  const window = smallestAverage(windows, MIN_SAMPLES);
  const wide = smallestAverage(
    tallies.map((tally) => tally.wide()),
    2,
  );
  return {
    ...(window === undefined ? {} : { window }),
    ...(wide === undefined ? {} : { wide }),
    samples: samplesOf(windows),
  };
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
