// Recomputes what VictoriaMetrics answers to one query_range of `integrate(m[L])` with step L
// from one gauge series' raw samples, as export-file-increase.ts does for counters.
//
// Measured on victoria-metrics 1.79.5 (test/integration/parity.test.ts holds the cases):
// - Sample and hold, no interpolation: each sample's value counts from its time to the next
//   sample's (a gauge of 1 that steps to 3 at :30 gives 1 x 30 min + 3 x 30 min).
// - Window (a, b]: it starts at `a` with the last sample at or before `a` (the previous
//   value) when that sample is less than the "max previous interval" (estimated scrape
//   interval plus a margin, as for increase) before `a` and some sample after `a` was read;
//   never earlier than `a`, so consecutive windows do not overlap. Otherwise it starts at its
//   own first sample (a series that begins at :30 counts from :30).
// - The last value is held to the window's end `b`, even when the series stops inside it
//   (a series ending at 1h30 still fills the window to 2h; an hour later it is no point). So
//   a bucket longer than an hour holds a stopped series' last value longer: buckets of
//   different lengths need not add up to the same total for series that stop or pause.
// - A window without samples is prev x L when the previous value qualifies (a gap shorter
//   than the scrape margin, or a sample right at the window start), else no point.
// - Only samples the query reads count, from the first point - max(window, step) - 5 min up to
//   the request's end, as for increase.
import {
  estimateScrapeInterval,
  type IncreaseWindows,
  LEAD_IN_MS,
  maxPreviousInterval,
  SCRAPE_INTERVALS_SAMPLED,
} from './export-file-increase.js';

/**
 * One gauge series' walk through the query's windows. Feed samples in (timestamp, value)
 * order with add(), then finish(); integrals (value x seconds) are added into `into` (NaN
 * means "no point yet").
 */
export class SeriesIntegral {
  private readonly readFromMs: number;
  private readonly readToMs: number;
  private readonly startMs: number;
  private readonly lengthMs: number;
  /**
   * Samples held back until the scrape interval is estimated (from the first 20 intervals):
   * only then is it known which windows start with the previous value, and a window's sum
   * must be added up in the server's order (head first) to come out to the same bits.
   */
  private held: number[] | null = [];
  private maxPreviousMs = -1;
  private samples = 0;
  private orderMs = Number.NEGATIVE_INFINITY;
  private orderValue = Number.NEGATIVE_INFINITY;
  private lastMs = 0;
  private lastValue = 0;
  /** Window of the last sample; -1 is the lead-in before the first window. */
  private window = -2;

  constructor(
    windows: IncreaseWindows,
    private readonly into: Float64Array,
  ) {
    this.startMs = windows.originMs;
    this.lengthMs = windows.lengthMs;
    this.readFromMs = windows.originMs - windows.readBackMs - LEAD_IN_MS;
    this.readToMs = windows.readToMs;
  }

  /** As SeriesIncrease.add: false, ignoring the sample, when it comes before the last one fed. */
  add(timestampMs: number, value: number): boolean {
    if (timestampMs < this.readFromMs || timestampMs > this.readToMs) return true;
    if (timestampMs < this.orderMs || (timestampMs === this.orderMs && value < this.orderValue)) {
      return false;
    }
    this.orderMs = timestampMs;
    this.orderValue = value;
    const held = this.held;
    if (held === null) {
      this.walk(timestampMs, value);
      return true;
    }
    held.push(timestampMs, value);
    if (held.length > 2 * SCRAPE_INTERVALS_SAMPLED) this.settle();
    return true;
  }

  finish(): void {
    if (this.held !== null) this.settle();
    if (this.samples === 0) return;
    this.tail();
  }

  private settle(): void {
    const held = this.held ?? [];
    const timestamps: number[] = [];
    for (let i = 0; i < held.length; i += 2) timestamps.push(held[i] as number);
    this.maxPreviousMs = maxPreviousInterval(estimateScrapeInterval(timestamps));
    this.held = null;
    for (let i = 0; i < held.length; i += 2) this.walk(held[i] as number, held[i + 1] as number);
  }

  private walk(timestampMs: number, value: number): void {
    // (a, b] windows: floor((x - 1) / L) over integer milliseconds.
    const window =
      timestampMs <= this.startMs
        ? -1
        : Math.floor((timestampMs - this.startMs - 1) / this.lengthMs);
    if (this.samples === 0) {
      // The first sample read: its window starts at it, nothing before it is known.
      this.addTo(window, 0);
    } else if (window === this.window) {
      this.addTo(window, this.lastValue * ((timestampMs - this.lastMs) / 1000));
    } else {
      this.tail();
      // Windows between, without samples, and this one's head take the previous value if recent.
      for (let between = this.window + 1; between < window; between++) {
        if (this.recent(between)) this.addTo(between, this.lastValue * (this.lengthMs / 1000));
      }
      const head = this.recent(window)
        ? this.lastValue * ((timestampMs - this.startOf(window)) / 1000)
        : 0;
      this.addTo(window, head);
    }
    this.window = window;
    this.lastMs = timestampMs;
    this.lastValue = value;
    this.samples++;
  }

  /** The last sample's window holds its value to the window's end. */
  private tail(): void {
    this.addTo(this.window, this.lastValue * ((this.endOf(this.window) - this.lastMs) / 1000));
  }

  /** Whether the last sample is recent enough before window's start to be its previous value. */
  private recent(window: number): boolean {
    return this.startOf(window) - this.lastMs < this.maxPreviousMs;
  }

  private startOf(window: number): number {
    return this.startMs + window * this.lengthMs;
  }

  private endOf(window: number): number {
    return this.startMs + (window + 1) * this.lengthMs;
  }

  /** Window -1 is the lead-in: read for its last value, never a point. */
  private addTo(window: number, amount: number): void {
    if (window < 0) return;
    const current = this.into[window] as number;
    this.into[window] = Number.isNaN(current) ? amount : current + amount;
  }
}
