// What VictoriaMetrics answers to one query_range of `sum_over_time(m[L] offset 1ms)` (or
// count_over_time, for a presence) with step L, from one series' raw samples: the sum (count)
// of its samples in each window [origin + i L, origin + (i+1) L), no point for a window
// without one. Nothing before a window counts, so unlike increase (export-file-increase.ts)
// there is no baseline, scrape-interval estimate or lead-in to reproduce. The rule and why:
// sample-interval.ts.
import type { IncreaseWindows } from './export-file-increase.js';

/**
 * One gauge or presence series' walk through the query's windows. Feed samples in
 * (timestamp, value) order with add(); sums are added into `into` (NaN: no point yet).
 */
export class SeriesSamples {
  private readonly originMs: number;
  private readonly lengthMs: number;
  private readonly readToMs: number;
  private orderMs = Number.NEGATIVE_INFINITY;
  private orderValue = Number.NEGATIVE_INFINITY;
  private window = -1;
  private sum = 0;

  constructor(
    windows: IncreaseWindows,
    private readonly into: Float64Array,
    /** Count samples (presence) instead of adding their values (gauge). */
    private readonly count: boolean,
  ) {
    this.originMs = windows.originMs;
    this.lengthMs = windows.lengthMs;
    this.readToMs = windows.readToMs;
  }

  /** False, ignoring the sample, when it comes before the last one fed. */
  add(timestampMs: number, value: number): boolean {
    if (timestampMs < this.orderMs || (timestampMs === this.orderMs && value < this.orderValue)) {
      return false;
    }
    this.orderMs = timestampMs;
    this.orderValue = value;
    if (timestampMs < this.originMs || timestampMs >= this.readToMs) return true;
    const window = Math.floor((timestampMs - this.originMs) / this.lengthMs);
    if (window >= this.into.length) return true;
    if (window !== this.window) {
      this.flush();
      this.window = window;
    }
    // A series' window is summed on its own, in time order, then added to its group's: as
    // the server sums a series' samples before `sum by` adds the series up.
    this.sum += this.count ? 1 : value;
    return true;
  }

  finish(): void {
    this.flush();
  }

  private flush(): void {
    if (this.window < 0) return;
    const current = this.into[this.window] as number;
    this.into[this.window] = Number.isNaN(current) ? this.sum : current + this.sum;
    this.window = -1;
    this.sum = 0;
  }
}
