// Recomputes what VictoriaMetrics answers to one query_range of `increase(m[L])` with step L
// from one series' raw samples, so the export file source yields exactly what a server would.
//
// Behaviours reproduced (checked against victoria-metrics 1.79.5, see the parity test):
// - The server only reads samples in [first point - max(window, step) - 5 min, the request's
//   end]; older samples do not exist for the query (not as baseline, not for resets), and
//   samples after the last point are only a "next value" (the end may lie past the last point).
// - Point i (window (origin + i L, origin + (i+1) L]) is last sample in the window minus the
//   last sample at or before the window start, however old (within the read range): a gap is
//   credited to the first point after it.
// - Counter resets: a drop of less than 1/8 of the previous value is jitter (no increase);
//   otherwise the counter restarted from 0 and the new value is the increase.
// - The series' first sample read is counted as an increase from 0 only when
//   |v0| < 10 * (|d| + 1), d being the step to the next sample (0 when there is none);
//   otherwise it is the baseline.
// - A window with no samples is no point, except that it is 0 when a later sample exists and
//   the previous sample lies within the "max previous interval" (estimated scrape interval
//   plus a margin) before the window start.
// "Hours" below are the query's windows of L, whatever L is.

/** How far before what its step and window cover the server reads samples (its max silence interval). */
export const LEAD_IN_MS = 5 * 60_000;
const DEFAULT_SCRAPE_INTERVAL_MS = LEAD_IN_MS;
/** The server estimates the scrape interval from the first 20 intervals it reads. */
export const SCRAPE_INTERVALS_SAMPLED = 20;

/** The windows one query reads: (originMs + i lengthMs, originMs + (i+1) lengthMs], up to readToMs. */
export interface IncreaseWindows {
  readonly originMs: number;
  readonly lengthMs: number;
  /** How much further back than originMs (beyond the 5 minutes) the server reads: step - window. */
  readonly readBackMs: number;
  /** The request's end: samples after it are not read. */
  readonly readToMs: number;
}

interface PendingGap {
  readonly previousMs: number;
  readonly fromHour: number;
  readonly toHour: number;
}

/**
 * One series' walk through the grid. Feed samples in (timestamp, value) order with add(),
 * then call finish(); increases are added into `into` (NaN means "no point yet").
 */
export class SeriesIncrease {
  private readonly readFromMs: number;
  private readonly readToMs: number;
  private readonly startMs: number;
  private readonly lengthMs: number;
  private samples = 0;
  private readonly firstTimestamps: number[] = [];
  private maxPreviousMs = -1;
  private pendingGaps: PendingGap[] | null = null;
  private correction = 0;
  private previousRaw = 0;
  private lastMs = Number.NEGATIVE_INFINITY;
  private lastRawForOrder = Number.NEGATIVE_INFINITY;
  /** Hour of the last sample read; -1 is the lead-in before the first window. */
  private hour = -2;
  private samplesInHour = 0;
  private baseline = Number.NaN;
  private firstInHour = 0;
  private secondInHour = 0;
  private lastCorrected = 0;

  /** `into` has a slot for every window up to readToMs (a partial last one included). */
  constructor(
    windows: IncreaseWindows,
    private readonly into: Float64Array,
  ) {
    this.startMs = windows.originMs;
    this.lengthMs = windows.lengthMs;
    this.readFromMs = windows.originMs - windows.readBackMs - LEAD_IN_MS;
    this.readToMs = windows.readToMs;
  }

  /**
   * Feeds one sample. Returns false, ignoring it, when it comes before the last one fed: the
   * server sorts a series by time (equal times by value), a stream can only follow that order.
   */
  add(timestampMs: number, value: number): boolean {
    if (timestampMs < this.readFromMs || timestampMs > this.readToMs) return true;
    if (
      timestampMs < this.lastMs ||
      (timestampMs === this.lastMs && value < this.lastRawForOrder)
    ) {
      return false;
    }
    this.lastRawForOrder = value;
    let corrected: number;
    if (this.samples === 0) {
      corrected = value;
    } else {
      const previous = this.previousRaw;
      const step = value - previous;
      if (step < 0) {
        this.correction += -step * 8 < previous ? previous - value : previous;
      }
      corrected = value + this.correction;
    }
    this.previousRaw = value;
    if (this.firstTimestamps.length <= SCRAPE_INTERVALS_SAMPLED) {
      this.firstTimestamps.push(timestampMs);
      if (this.firstTimestamps.length > SCRAPE_INTERVALS_SAMPLED) this.settleMaxPrevious();
    }
    // Integer milliseconds: floor((x - 1) / h) is ceil(x / h) - 1, the hour whose window (a, b] holds x.
    const hour =
      timestampMs <= this.startMs
        ? -1
        : Math.floor((timestampMs - this.startMs - 1) / this.lengthMs);

    if (this.samples === 0) {
      this.openHour(hour, corrected, Number.NaN);
    } else if (hour === this.hour) {
      this.samplesInHour++;
      if (this.samplesInHour === 2) this.secondInHour = corrected;
      this.lastCorrected = corrected;
    } else {
      this.closeHour(corrected);
      this.emptyHours(this.lastMs, this.hour + 1, hour - 1);
      this.openHour(hour, corrected, this.lastCorrected);
    }
    this.lastMs = timestampMs;
    this.samples++;
    return true;
  }

  finish(): void {
    if (this.samples === 0) return;
    this.closeHour(Number.NaN);
    if (this.maxPreviousMs < 0) this.settleMaxPrevious();
  }

  private openHour(hour: number, corrected: number, baseline: number): void {
    this.hour = hour;
    this.samplesInHour = 1;
    this.firstInHour = corrected;
    this.lastCorrected = corrected;
    this.baseline = baseline;
  }

  private closeHour(nextCorrected: number): void {
    if (this.hour < 0) return;
    let increase: number;
    if (!Number.isNaN(this.baseline)) {
      increase = this.lastCorrected - this.baseline;
    } else {
      const first = this.firstInHour;
      let step = 0;
      if (this.samplesInHour >= 2) step = this.secondInHour - first;
      else if (!Number.isNaN(nextCorrected)) step = nextCorrected - first;
      increase =
        Math.abs(first) < 10 * (Math.abs(step) + 1)
          ? this.lastCorrected
          : this.lastCorrected - first;
    }
    this.addTo(this.hour, increase);
  }

  /** Hours fromHour..toHour had no samples, the last one before them was at previousMs. */
  private emptyHours(previousMs: number, fromHour: number, toHour: number): void {
    if (fromHour > toHour) return;
    if (this.maxPreviousMs < 0) {
      this.pendingGaps ??= [];
      this.pendingGaps.push({ previousMs, fromHour, toHour });
      return;
    }
    for (let hour = fromHour; hour <= toHour; hour++) {
      if (previousMs <= this.startMs + hour * this.lengthMs - this.maxPreviousMs) break;
      this.addTo(hour, 0);
    }
  }

  private settleMaxPrevious(): void {
    this.maxPreviousMs = maxPreviousInterval(estimateScrapeInterval(this.firstTimestamps));
    const pending = this.pendingGaps;
    this.pendingGaps = null;
    if (pending)
      for (const gap of pending) this.emptyHours(gap.previousMs, gap.fromHour, gap.toHour);
  }

  private addTo(hour: number, increase: number): void {
    const current = this.into[hour] as number;
    this.into[hour] = Number.isNaN(current) ? increase : current + increase;
  }
}

/** The server's estimate: the 0.6 quantile (linear interpolation) of the first 20 intervals. */
export function estimateScrapeInterval(timestamps: readonly number[]): number {
  if (timestamps.length < 2) return DEFAULT_SCRAPE_INTERVAL_MS;
  const intervals: number[] = [];
  const last = Math.min(timestamps.length, SCRAPE_INTERVALS_SAMPLED + 1);
  for (let i = 1; i < last; i++) {
    intervals.push((timestamps[i] as number) - (timestamps[i - 1] as number));
  }
  intervals.sort((a, b) => a - b);
  const rank = 0.6 * (intervals.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.min(intervals.length - 1, lower + 1);
  const weight = rank - lower;
  const quantile =
    (intervals[lower] as number) * (1 - weight) + (intervals[upper] as number) * weight;
  const interval = Math.trunc(quantile);
  return interval > 0 ? interval : DEFAULT_SCRAPE_INTERVAL_MS;
}

/** The server widens small scrape intervals more, to ride out jitter. */
export function maxPreviousInterval(scrapeIntervalMs: number): number {
  const s = scrapeIntervalMs;
  if (s <= 2_000) return s + 4 * s;
  if (s <= 4_000) return s + 2 * s;
  if (s <= 8_000) return s + s;
  if (s <= 16_000) return s + Math.trunc(s / 2);
  if (s <= 32_000) return s + Math.trunc(s / 4);
  return s + Math.trunc(s / 8);
}
