// Which catalogue version prices which instant. Pure.
import { versionIndexAt } from '../core/prices.js';
import type { Catalogue, HourGrid, PriceVersion } from '../core/types.js';
import { HOUR_MS } from '../core/types.js';
import { UsageError } from '../errors.js';

/** The version in force at ms: the latest effective_from <= ms, or undefined before the first. */
export function versionAt(catalogue: Catalogue, ms: number): PriceVersion | undefined {
  return catalogue.versions[versionIndexAt(catalogue.versions, ms)];
}

/** The version named `name`; a UsageError listing the available names if there is none. */
export function findVersion(catalogue: Catalogue, name: string): PriceVersion {
  const found = catalogue.versions.find((v) => v.version === name);
  if (found) return found;
  const available = catalogue.versions.map((v) => v.version).join(', ');
  throw new UsageError(
    `unknown catalogue version "${name}" in ${catalogue.origin}; available: ${available}`,
  );
}

/**
 * For each grid hour, the index into catalogue.versions of the version in force at the hour's
 * start, or -1 before the first version. With `forced`, every hour gets that version (to reprice
 * a whole window at one set of prices). One pass over hours and versions.
 */
export function versionIndexByHour(
  catalogue: Catalogue,
  grid: HourGrid,
  forced?: PriceVersion,
): Int32Array {
  const indices = new Int32Array(grid.hours);
  const { versions } = catalogue;
  if (forced) {
    const forcedIndex = versions.indexOf(forced);
    const index =
      forcedIndex >= 0 ? forcedIndex : versions.findIndex((v) => v.version === forced.version);
    if (index < 0) {
      throw new UsageError(`catalogue version "${forced.version}" is not in ${catalogue.origin}`);
    }
    return indices.fill(index);
  }
  let current = versionIndexAt(versions, grid.startMs);
  for (let hour = 0; hour < grid.hours; hour++) {
    const hourStart = grid.startMs + hour * HOUR_MS;
    while (
      current + 1 < versions.length &&
      (versions[current + 1]?.effectiveFromMs ?? Infinity) <= hourStart
    ) {
      current++;
    }
    indices[hour] = current;
  }
  return indices;
}
