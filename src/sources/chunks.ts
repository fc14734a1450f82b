// Cuts an hour grid into query_range requests. Pure.
import type { HourGrid, HourSpan } from '../core/types.js';

/**
 * Hours each request may overlap its neighbours by, within the grid. VictoriaMetrics reads
 * samples only from an hour (plus 5 minutes) before a query's start and none after its end;
 * it needs the sample before a scrape gap to credit the gap's increase to the first hour
 * after it, and the sample after a brand-new series' first one to decide whether that first
 * value counts. Measured on 1.79.5: without overlap a gap straddling a chunk edge lost its
 * whole increase. With it, chunked answers equal one long query for gaps up to this long.
 */
const CHUNK_OVERLAP_HOURS = 24;

export interface Chunk {
  /** First grid hour this chunk delivers. */
  readonly offset: number;
  /** Grid hours it delivers. */
  readonly hours: number;
  /** First and last grid hour the request asks for, overlap included. */
  readonly queryFirstHour: number;
  readonly queryLastHour: number;
  /** The increase window of each point in hours: 1 for hourly points, more for a span's sum. */
  readonly windowHours: number;
  /**
   * Set for span points: the point is a running total since the chunk's base, and this names
   * the series of totals it belongs to; a span's usage is its difference from the one before.
   */
  readonly running?: number;
  /** A running total that only measures the overlap before a chunk: taken off, not delivered. */
  readonly lead?: boolean;
  /**
   * The only point of its running series (one span in the chunk, no lead): its total is its
   * usage, with nothing to take off and nothing after it to remember it for.
   */
  readonly alone?: boolean;
}

function assertHoursPerChunk(hoursPerChunk: number): void {
  if (!Number.isInteger(hoursPerChunk) || hoursPerChunk < 1) {
    throw new RangeError(`hoursPerChunk must be a positive integer, got ${hoursPerChunk}`);
  }
}

export function planChunks(
  grid: HourGrid,
  hoursPerChunk: number,
  overlapHours = CHUNK_OVERLAP_HOURS,
): Chunk[] {
  assertHoursPerChunk(hoursPerChunk);
  const chunks: Chunk[] = [];
  for (let offset = 0; offset < grid.hours; offset += hoursPerChunk) {
    const hours = Math.min(hoursPerChunk, grid.hours - offset);
    chunks.push({
      offset,
      hours,
      queryFirstHour: Math.max(0, offset - overlapHours),
      queryLastHour: Math.min(grid.hours - 1, offset + hours - 1 + overlapHours),
      windowHours: 1,
    });
  }
  return chunks;
}

/**
 * Sums per span from running totals, so answers are one point per group instead of one per
 * hour. The grid is cut into chunks as for the hourly plan; within a chunk every span is asked
 * as the increase from the chunk's base to the span's end, and its usage is the difference of
 * consecutive running totals. A chunk after the first starts its base CHUNK_OVERLAP_HOURS
 * early, and one more request (the "lead") measures that overlap so it can be taken off again.
 *
 * Why running totals and the overlap: VictoriaMetrics reads samples only 5 minutes before a
 * window. Separate windows per span would lose a scrape gap that straddles a price change or
 * a chunk edge; a window reaching back to before the gap credits it to the span after it, as
 * the hourly plan credits it to the first hour after the gap.
 */
export function planSpanChunks(
  grid: HourGrid,
  spans: readonly HourSpan[],
  hoursPerChunk: number,
  overlapHours = CHUNK_OVERLAP_HOURS,
): Chunk[] {
  assertHoursPerChunk(hoursPerChunk);
  const chunks: Chunk[] = [];
  const point = (lastHour: number, base: number, running: number, lead: boolean): Chunk => ({
    offset: lastHour,
    hours: 1,
    queryFirstHour: lastHour,
    queryLastHour: lastHour,
    windowHours: lastHour + 1 - base,
    running,
    ...(lead ? { lead: true } : {}),
  });
  for (let start = 0, index = 0; start < grid.hours; start += hoursPerChunk, index++) {
    const end = Math.min(grid.hours, start + hoursPerChunk);
    const base = Math.max(0, start - overlapHours);
    const first = chunks.length;
    if (base < start) chunks.push(point(start - 1, base, index, true));
    for (const span of spans) {
      const spanEnd = Math.min(end, span.offset + span.hours);
      if (span.offset + span.hours <= start || span.offset >= end) continue;
      chunks.push(point(spanEnd - 1, base, index, false));
    }
    // A lead alone (no span in the chunk) only measures an overlap: it is never usage.
    const only = chunks[first];
    if (chunks.length === first + 1 && only && !only.lead) chunks[first] = { ...only, alone: true };
  }
  return chunks;
}

/**
 * Turns the running totals of span points back into each span's own usage: the difference from
 * the previous total of the same metric, chunk and group (none before a chunk's first point).
 */
export class RunningTotals {
  private readonly last = new Map<string, number>();

  /** The usage since the previous point of the same series of totals. */
  difference(metric: string, running: number, labels: object, total: number): number {
    const key = `${metric}\u0000${running}\u0000${JSON.stringify(labels)}`;
    const previous = this.last.get(key) ?? 0;
    this.last.set(key, total);
    return total - previous;
  }
}
