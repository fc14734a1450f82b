// Bucket edges for source tests: whole hours from a start, as an hourly report would cut them.
const HOUR_MS = 3_600_000;

export function hourEdges(startMs: number, hours: number): Float64Array {
  return Float64Array.from({ length: hours + 1 }, (_, i) => startMs + i * HOUR_MS);
}
