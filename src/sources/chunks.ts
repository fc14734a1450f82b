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
 * One request per span: a single point at the span's last hour whose increase window covers
 * the whole span. Spans longer than hoursPerChunk are cut, so no request reads more raw
 * samples than an hourly chunk would (and -search.maxQueryDuration bites no sooner).
 */
export function planSpanChunks(spans: readonly HourSpan[], hoursPerChunk: number): Chunk[] {
  if (!Number.isInteger(hoursPerChunk) || hoursPerChunk < 1) {
    throw new RangeError(`hoursPerChunk must be a positive integer, got ${hoursPerChunk}`);
  }
  const chunks: Chunk[] = [];
  for (const span of spans) {
    for (let start = span.offset; start < span.offset + span.hours; start += hoursPerChunk) {
      const windowHours = Math.min(hoursPerChunk, span.offset + span.hours - start);
      const lastHour = start + windowHours - 1;
      chunks.push({
        offset: lastHour,
        hours: 1,
        queryFirstHour: lastHour,
        queryLastHour: lastHour,
        windowHours,
      });
    }
  }
  return chunks;
}
