// Doctor's checks of how a measure's samples are spaced in time: sparse samples, gaps, resets,
// stale and future series, read differently for counters (increase, look-back) and for gauges
// and presences (each sample worth one scrape interval). Pure.
import type { Add, MeasureReport } from './diagnose.js';

/** Sparser than this, VictoriaMetrics' own 5-minute look-back misses window starts. */
const SPARSE_INTERVAL_S = 300;
/** ml-cost reads this far before every window (query-plan.ts LOOK_AROUND_MS). */
export const LOOK_BACK_S = 86_400;

/**
 * A gauge or presence is read per sample (each worth one scrape interval): no look-back, no
 * resets; a gap is time nothing was scraped, counted as nothing.
 */
export function checkSampledTiming(measure: MeasureReport, subject: string, add: Add): void {
  if (
    measure.maxGapS !== null &&
    measure.intervalS !== null &&
    measure.maxGapS > 10 * measure.intervalS
  ) {
    add(
      'info',
      subject,
      `a gap of ${duration(measure.maxGapS)} between samples (one every ${duration(measure.intervalS)} otherwise): each sample counts one scrape interval, so the gap counts nothing`,
      'if the series held GPUs through the gap, find why the scrape stopped',
    );
  }
  checkStale(measure, subject, add);
}

export function checkTiming(measure: MeasureReport, subject: string, add: Add): void {
  if (measure.intervalS !== null && measure.intervalS > SPARSE_INTERVAL_S) {
    const lumpy = measure.intervalS > 3600 ? ', but hourly rows are lumpy' : '';
    add(
      'warning',
      subject,
      `sparse samples: one every ${duration(measure.intervalS)}, past VictoriaMetrics' own 5-minute look-back, so increase() in other tools loses the start of each window; ml-cost reads ${duration(LOOK_BACK_S)} before every window, so its totals stay whole${lumpy}`,
      'scrape or export at least every 5 minutes (scrape_interval, or the OTel export interval)',
    );
  }
  if (measure.maxGapS !== null && measure.maxGapS > LOOK_BACK_S) {
    add(
      'problem',
      subject,
      `a gap of ${duration(measure.maxGapS)} between samples: longer than ml-cost's ${duration(LOOK_BACK_S)} look-back, so a window starting inside it loses the increase up to the next sample`,
      'find why the exporter or scrape stopped; windows that start outside the gap are not affected',
    );
  }
  if (measure.future > 0) {
    add(
      'problem',
      subject,
      `${measure.future} series have samples after now`,
      'fix the exporter clock (NTP) or its timestamps (milliseconds where seconds are expected?); usage is counted in the hour the sample claims',
    );
  }
  if (measure.resetsPerDay > 0) {
    add(
      'info',
      subject,
      `${round(measure.resetsPerDay)} counter resets per day over ${measure.series} series (restarts); ml-cost counts across resets`,
    );
  }
  checkStale(measure, subject, add);
}

function checkStale(measure: MeasureReport, subject: string, add: Add): void {
  if (measure.stale > 0) {
    const all = measure.stale >= measure.series;
    add(
      all ? 'warning' : 'info',
      subject,
      all
        ? 'no series reported in the last 2 hours of the window'
        : `${measure.stale} of ${measure.series} series stopped reporting more than 2 hours before the window's end (restarts, retired models)`,
      all ? 'check that the exporter and the scrape still run' : '',
    );
  }
}

export function duration(seconds: number): string {
  if (seconds >= 2 * 86_400) return `${round(seconds / 86_400)} d`;
  if (seconds >= 3600) return `${round(seconds / 3600)} h`;
  if (seconds >= 60) return `${round(seconds / 60)} min`;
  return `${round(seconds)} s`;
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
