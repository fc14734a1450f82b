// Cuts a window into the buckets usage is summed in: one bucket wherever a report period and
// a catalogue version meet, so every bucket lies in one period and is priced by one version.
// Pure.
import { versionIndexAt } from './prices.js';
import type { Period } from './report.js';
import type { Buckets, PriceVersion, Window } from './types.js';

export interface BucketRequest {
  readonly window: Window;
  /** The report's periods (days, hours), or null for one period: the whole window. */
  readonly periods: readonly Period[] | null;
  readonly versions: readonly PriceVersion[];
  /** Index into versions of a version that prices the whole window (--catalogue-version). */
  readonly forcedVersion?: number;
}

/**
 * The bucket edges are the window's ends, the edges of its periods and every price change
 * inside it. A price takes effect at its effective_from whatever the zone: in Asia/Kolkata the
 * hours of a report run from :30 to :30, and an hour holding a change at 00:00 UTC is two
 * buckets, each priced by its own version.
 */
export function planBuckets(request: BucketRequest): Buckets {
  const { window, periods, versions, forcedVersion } = request;
  const cuts = new Set<number>([window.fromMs, window.toMs]);
  for (const period of periods ?? []) {
    cuts.add(clip(period.startMs, window));
    cuts.add(clip(period.endMs, window));
  }
  if (forcedVersion === undefined) {
    for (const version of versions) cuts.add(clip(version.effectiveFromMs, window));
  }
  const edges = Float64Array.from(cuts).sort();
  const count = edges.length - 1;
  const period = new Int32Array(count);
  const version = new Int32Array(count);
  let p = 0;
  for (let bucket = 0; bucket < count; bucket++) {
    const startMs = edges[bucket] as number;
    if (periods === null) {
      period[bucket] = 0;
    } else {
      while (p < periods.length && (periods[p] as Period).endMs <= startMs) p++;
      period[bucket] = p < periods.length && (periods[p] as Period).startMs <= startMs ? p : -1;
    }
    version[bucket] = forcedVersion ?? versionIndexAt(versions, startMs);
  }
  return { edges, period, version };
}

function clip(ms: number, window: Window): number {
  return Math.min(Math.max(ms, window.fromMs), window.toMs);
}
