// Times as ml-cost prints them in messages and headers: ISO 8601 in UTC, whole seconds.

/** 2026-10-20T11:00:00Z: the milliseconds of toISOString() are noise in a message. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
