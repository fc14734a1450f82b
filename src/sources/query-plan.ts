// Turns bucket edges into query_range requests of `increase(m[window])`. Pure.
//
// Why the plan looks as it does (measured on VictoriaMetrics 1.79.5):
// - A query reads samples from max(window, step) + 5 minutes before its first point, and up to
//   its `end`. A point finds its baseline (the last sample before its window) only among the
//   samples read, so with step = window the first point of a query loses the increase between
//   the last sample before it and the first inside it whenever scrapes are sparser than 5
//   minutes or a gap straddles it. Every query therefore reads LOOK_AROUND_MS further back:
//   a window's first bucket is then credited exactly as it is inside a longer window.
// - A brand-new series' first sample counts as increase only when it is small beside the
//   step to the next sample, which may lie after the point. A query's `end` therefore
//   reaches LOOK_AROUND_MS past its last point, so that next sample is read.
// - Consecutive points of one query add up to the increase over all of them, so runs of
//   buckets of one length are one request (a by-day month: ~30 points per series, not 720).
//   A run reads back through extra points before its first bucket, not delivered.
// - A bucket longer than the look-around is not worth extra points of its own length: it is
//   one point whose step is its length plus the look-around, which makes the server read
//   that much further back.
// - Gauges and presences (sum_over_time, count_over_time: sample-interval.ts) need none of
//   this: a point counts only the samples inside its own window. Their plan has no
//   look-around (planQueries with lookAroundMs 0): each run of equal buckets is one request
//   of exactly its points, whatever the bucket length, so an hourly day reads one day of
//   samples (plus the server's 5 minutes), not three.

import { type MeasureKind, readsSamples } from '../core/measures.js';

/**
 * Buckets one request delivers at most, unless the source is told otherwise. A 31-day month
 * with a DST change is 745 hours, so an hourly month is one request per metric. Smaller than
 * the 30000-point limit because that limit is not the one that bites:
 * -search.maxSamplesPerQuery (1e9 raw samples) is reached by about 4,000 series scraped every
 * 15 s over 1,000 hours, by 400 over 10,000.
 */
export const DEFAULT_POINTS_PER_QUERY = 1_000;

/** How far every counter's query reads before its first bucket and after its last. */
export const LOOK_AROUND_MS = 24 * 3_600_000;

/** How far a query of a metric of this kind looks around: counters only need to. */
export function lookAroundOf(kind: MeasureKind): number {
  return readsSamples(kind) ? 0 : LOOK_AROUND_MS;
}

export interface PlannedQuery {
  /** The increase window of each point. */
  readonly windowMs: number;
  /** Points are this far apart; the server reads max(windowMs, stepMs) before the first one. */
  readonly stepMs: number;
  /** The first point, and the request's `end` (past the last point, to read ahead). */
  readonly startMs: number;
  readonly endMs: number;
  /** Points [skip, skip + count) are delivered, to buckets [bucket, bucket + count). */
  readonly skip: number;
  readonly count: number;
  readonly bucket: number;
}

function assertPointsPerQuery(pointsPerQuery: number): void {
  if (!Number.isInteger(pointsPerQuery) || pointsPerQuery < 1) {
    throw new RangeError(`pointsPerQuery must be a positive integer, got ${pointsPerQuery}`);
  }
}

/**
 * The requests, per metric, that deliver every bucket's increase exactly once.
 * `pointsPerQuery` bounds the points a request delivers; a `lookAroundMs` of 0 plans without
 * looking around (for metrics read per sample).
 */
export function planQueries(
  edges: ArrayLike<number>,
  pointsPerQuery: number,
  lookAroundMs = LOOK_AROUND_MS,
): PlannedQuery[] {
  assertPointsPerQuery(pointsPerQuery);
  const queries: PlannedQuery[] = [];
  const buckets = edges.length - 1;
  for (let first = 0; first < buckets; ) {
    const lengthMs = (edges[first + 1] as number) - (edges[first] as number);
    let end = first + 1;
    while (end < buckets && (edges[end + 1] as number) - (edges[end] as number) === lengthMs) {
      end++;
    }
    if (lookAroundMs > 0 && lengthMs > lookAroundMs) {
      for (let bucket = first; bucket < end; bucket++) {
        queries.push(longBucket(edges[bucket] as number, lengthMs, bucket, lookAroundMs));
      }
    } else {
      for (let chunk = first; chunk < end; chunk += pointsPerQuery) {
        const count = Math.min(pointsPerQuery, end - chunk);
        queries.push(run(edges[chunk] as number, lengthMs, count, chunk, lookAroundMs));
      }
    }
    first = end;
  }
  return queries;
}

/** `count` buckets of `lengthMs` from startMs, with whole extra points to look around. */
function run(
  startMs: number,
  lengthMs: number,
  count: number,
  bucket: number,
  lookAroundMs: number,
): PlannedQuery {
  const extra = Math.ceil(lookAroundMs / lengthMs);
  return {
    windowMs: lengthMs,
    stepMs: lengthMs,
    startMs: startMs + (1 - extra) * lengthMs,
    endMs: startMs + (count + extra) * lengthMs,
    skip: extra,
    count,
    bucket,
  };
}

/** One bucket longer than the look-around: a point whose step reaches back before it. */
function longBucket(
  startMs: number,
  lengthMs: number,
  bucket: number,
  lookAroundMs: number,
): PlannedQuery {
  return {
    windowMs: lengthMs,
    // Longer than the read-ahead too: no second point before `end`.
    stepMs: lengthMs + lookAroundMs,
    startMs: startMs + lengthMs,
    endMs: startMs + lengthMs + lookAroundMs,
    skip: 0,
    count: 1,
    bucket,
  };
}
