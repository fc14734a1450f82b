// Which catalogue version prices an instant: the one with the latest effective_from at or
// before it. Pure; shared by the catalogue's hour-by-hour plan and the forecast.
import type { PriceVersion } from './types.js';

/** Index of the version in force at ms in versions sorted by effectiveFromMs; -1 before the first. */
export function versionIndexAt(versions: readonly PriceVersion[], ms: number): number {
  let low = 0;
  let high = versions.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((versions[middle]?.effectiveFromMs ?? Number.POSITIVE_INFINITY) <= ms) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/**
 * The rate of a GPU type in a version, or undefined when the version does not price it. Only
 * the version's own keys count: a GPU type named "toString" or "constructor" must come out
 * unpriced, not as the object's inherited member (whose NaN once zeroed a report's total).
 */
export function rateOf(version: PriceVersion | undefined, gpuType: string): number | undefined {
  return version !== undefined && Object.hasOwn(version.gpuHour, gpuType)
    ? version.gpuHour[gpuType]
    : undefined;
}

export function versionAt(versions: readonly PriceVersion[], ms: number): PriceVersion | undefined {
  return versions[versionIndexAt(versions, ms)];
}
