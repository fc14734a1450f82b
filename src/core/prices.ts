// Which catalogue version prices an instant (the one with the latest effective_from at or
// before it) and what it charges a GPU type, an exporter's name for one, or a MIG slice. Pure;
// shared by the ledger, the catalogue's plan, the forecast and the exports.
import { migShare } from './mig.js';
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
 * The rate per hour of one GPU of `gpuType` in a version, or undefined when the version does
 * not price it. `gpuType` is a key of the version's gpu_hour or one of its aliases (the name
 * an exporter writes); `migProfile` ('' for a whole GPU) makes it a MIG slice, priced at its
 * share of the whole GPU (mig.ts). Only the version's own keys count: a GPU type named
 * "toString" or "constructor" must come out unpriced, not as the object's inherited member
 * (whose NaN once zeroed a report's total).
 */
export function rateOf(
  version: PriceVersion | undefined,
  gpuType: string,
  migProfile = '',
): number | undefined {
  if (version === undefined) return undefined;
  const key = priceKeyOf(version, gpuType);
  if (key === undefined) return undefined;
  const rate = version.gpuHour[key] as number;
  if (migProfile === '') return rate;
  const rules = version.mig;
  const share = migShare(rules && Object.hasOwn(rules, key) ? rules[key] : undefined, migProfile);
  return share === undefined ? undefined : rate * share;
}

/** The gpu_hour key a name prices as: the name itself, or the key its alias names. */
export function priceKeyOf(version: PriceVersion, gpuType: string): string | undefined {
  if (Object.hasOwn(version.gpuHour, gpuType)) return gpuType;
  const aliases = version.gpuAliases;
  if (aliases === undefined || !Object.hasOwn(aliases, gpuType)) return undefined;
  const key = aliases[gpuType] as string;
  // The catalogue refuses an alias to a missing key; a hand-built version is checked here too.
  return Object.hasOwn(version.gpuHour, key) ? key : undefined;
}

export function versionAt(versions: readonly PriceVersion[], ms: number): PriceVersion | undefined {
  return versions[versionIndexAt(versions, ms)];
}
