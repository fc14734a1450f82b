// Which catalogue version prices which instant. Pure.
import { versionIndexAt } from '../core/prices.js';
import type { Catalogue, PriceVersion } from '../core/types.js';
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
