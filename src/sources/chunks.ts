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
export const CHUNK_OVERLAP_HOURS = 24;

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
  /** The point is a running total from the grid start: the span's usage is its difference. */
  readonly cumulative?: boolean;
}

export function planChunks(
  grid: HourGrid,
  hoursPerChunk: number,
  overlapHours = CHUNK_OVERLAP_HOURS,
): Chunk[] {
  if (!Number.isInteger(hoursPerChunk) || hoursPerChunk < 1) {
    throw new RangeError(`hoursPerChunk must be a positive integer, got ${hoursPerChunk}`);
  }
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
 * One request per span when the whole grid fits in one chunk: a single point at the span's
 * last hour whose increase window reaches back to the grid start. Each span's usage is then
 * the difference of two such cumulative increases. Cumulative windows read samples from the
 * same point as the hourly plan does, so a scrape gap across a price change is credited to the
 * span after it, as the hourly plan credits it to the first hour after the gap; separate
 * windows per span would lose it (VictoriaMetrics reads only 5 minutes before a window).
 * null for a longer grid: its chunks need the hourly plan and its overlap.
 */
export function planSpanChunks(
  grid: HourGrid,
  spans: readonly HourSpan[],
  hoursPerChunk: number,
): Chunk[] | null {
  if (!Number.isInteger(hoursPerChunk) || hoursPerChunk < 1) {
    throw new RangeError(`hoursPerChunk must be a positive integer, got ${hoursPerChunk}`);
  }
  if (grid.hours > hoursPerChunk) return null;
  return spans.map((span) => {
    const lastHour = span.offset + span.hours - 1;
    return {
      offset: lastHour,
      hours: 1,
      queryFirstHour: lastHour,
      queryLastHour: lastHour,
      windowHours: lastHour + 1,
      cumulative: true,
    };
  });
}
