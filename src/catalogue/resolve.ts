// Which catalogue version prices which instant, the reporting currency, named versions. Pure.
import { type EffectiveVersion, effectiveVersions, pairKey } from '../core/effective-prices.js';
import { versionIndexAt } from '../core/prices.js';
import type { Catalogue, FxRate, PriceVersion } from '../core/types.js';
import { UsageError } from '../errors.js';
import { ISO_4217_CURRENCIES } from './currencies.js';

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
 * The reporting currency: --currency, else the config's currency, else the catalogue's own
 * when every version prices in one. A catalogue of several currencies needs one named.
 */
export function reportingCurrency(
  catalogue: Catalogue,
  flag: string | undefined,
  configured: string | undefined,
): string {
  if (flag !== undefined) {
    if (!(ISO_4217_CURRENCIES as readonly string[]).includes(flag)) {
      throw new UsageError(
        `--currency: "${flag}" is not an ISO 4217 currency code in upper case, e.g. EUR, USD, GBP`,
      );
    }
    return flag;
  }
  if (configured !== undefined) return configured;
  if (catalogue.currency !== null) return catalogue.currency;
  const currencies = [...new Set(catalogue.versions.map((v) => v.currency))].join(', ');
  throw new UsageError(
    `the catalogue ${catalogue.origin} prices in ${currencies}: choose the reporting currency with --currency CODE or "currency" in the config`,
  );
}

/**
 * The exchange-rate versions named by --fx-version, each pricing its pair over the whole
 * window; a UsageError for an unknown name or two names of one pair.
 */
export function findFxVersions(catalogue: Catalogue, names: readonly string[]): FxRate[] {
  const fx = catalogue.fx ?? [];
  const found: FxRate[] = [];
  for (const name of names) {
    const rate = fx.find((r) => r.version === name);
    if (!rate) {
      const available =
        fx.map((r) => r.version).join(', ') || `none: ${catalogue.origin}/fx/ has no files`;
      throw new UsageError(
        `--fx-version: unknown exchange-rate version "${name}"; available: ${available}`,
      );
    }
    const samePair = found.find((r) => pairKey(r.base, r.quote) === pairKey(rate.base, rate.quote));
    if (samePair) {
      throw new UsageError(
        `--fx-version: "${samePair.version}" and "${name}" both rate ${pairKey(rate.base, rate.quote)}; name one version per pair`,
      );
    }
    found.push(rate);
  }
  return found;
}

/**
 * The effective versions that price a run: the catalogue (or the one --catalogue-version)
 * converted into the reporting currency at the rates in force (or the --fx-version ones).
 */
export function pricesInCurrency(
  catalogue: Catalogue,
  currency: string,
  options: {
    readonly catalogueVersion?: string | undefined;
    readonly forcedFx?: readonly FxRate[];
  },
): EffectiveVersion[] {
  return effectiveVersions({
    versions: catalogue.versions,
    fx: catalogue.fx ?? [],
    currency,
    ...(options.catalogueVersion === undefined
      ? {}
      : { forcedVersion: findVersion(catalogue, options.catalogueVersion) }),
    ...(options.forcedFx ? { forcedFx: options.forcedFx } : {}),
  });
}
