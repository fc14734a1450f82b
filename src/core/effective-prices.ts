// Prices in the reporting currency: the catalogue versions and the exchange-rate versions
// resolved into one list of effective versions. A new effective version starts at every
// catalogue version's start and at every change of the rate of a pair a version needs; each
// holds its GPU-hour rates already converted at the rate in force over all of it. The bucket
// plan cuts at every effective start, so each bucket is priced, and converted, by one version:
// "every hour is converted at the rate in force at its start" holds by construction (rates
// change only on whole hours). Pure.
//
// Direction: a file gives 1 base = rate quote. A price in base is converted to quote by
// multiplying by the rate; a price in quote is converted to base by dividing by it (never by a
// rounded reciprocal), so a EUR->USD file prices a USD catalogue in EUR without a second file.
// Only direct rates count: a GBP price is not converted to EUR through USD.
import type { FxRate, PriceVersion } from './types.js';

/** How the rates of an effective version were converted from its catalogue version's. */
export interface FxApplied {
  readonly rate: FxRate;
  /** The catalogue version's currency and the reporting currency. */
  readonly from: string;
  readonly to: string;
  /** True when the file quotes to->from and prices are divided by its rate. */
  readonly inverse: boolean;
}

export interface EffectiveVersion extends PriceVersion {
  /** The catalogue version whose rates these are, as it is in the catalogue. */
  readonly source: PriceVersion;
  /** null when the catalogue version prices in the reporting currency already. */
  readonly fx: FxApplied | null;
  /** Set when no rate of the pair was in force: every GPU type is unpriced here. */
  readonly missingRate: { readonly from: string; readonly to: string } | null;
}

export interface EffectiveRequest {
  /** Catalogue versions sorted by effectiveFromMs. */
  readonly versions: readonly PriceVersion[];
  /** Exchange-rate versions, any order. */
  readonly fx: readonly FxRate[];
  /** The reporting currency. */
  readonly currency: string;
  /** --catalogue-version: this version's rates over all time. */
  readonly forcedVersion?: PriceVersion;
  /** --fx-version: each of these is the rate of its pair over all time. */
  readonly forcedFx?: readonly FxRate[];
}

/**
 * The effective versions, sorted by effectiveFromMs. Without conversions they are the
 * catalogue versions under their own names; a converted one is named
 * "<catalogue version>+<fx version>", one without a rate "<catalogue version>+no-<FROM><TO>"
 * ("+" cannot occur in a version name).
 */
export function effectiveVersions(request: EffectiveRequest): EffectiveVersion[] {
  const { currency, forcedVersion } = request;
  const timeline = forcedVersion
    ? [{ ...forcedVersion, effectiveFromMs: Number.NEGATIVE_INFINITY }]
    : request.versions;
  const rates = ratesByPair(request.fx, request.forcedFx ?? []);
  const result: EffectiveVersion[] = [];
  timeline.forEach((version, i) => {
    const source = forcedVersion ?? version;
    const startMs = version.effectiveFromMs;
    const endMs = timeline[i + 1]?.effectiveFromMs ?? Number.POSITIVE_INFINITY;
    if (version.currency === currency) {
      result.push({ ...version, source, fx: null, missingRate: null });
      return;
    }
    const series = rates.get(pairKey(version.currency, currency)) ?? [];
    const starts = [startMs];
    for (const rate of series) {
      if (rate.effectiveFromMs > startMs && rate.effectiveFromMs < endMs) {
        starts.push(rate.effectiveFromMs);
      }
    }
    for (const from of starts) {
      result.push(converted(version, source, from, rateAt(series, from), currency));
    }
  });
  return result;
}

function converted(
  version: PriceVersion,
  source: PriceVersion,
  effectiveFromMs: number,
  rate: FxRate | undefined,
  currency: string,
): EffectiveVersion {
  const from = version.currency;
  // Aliases and MIG rules are names and shares, not money: they carry over as they are.
  if (rate === undefined) {
    return {
      ...version,
      version: `${version.version}+no-${from}${currency}`,
      effectiveFromMs,
      currency,
      gpuHour: Object.freeze({}),
      source,
      fx: null,
      missingRate: { from, to: currency },
    };
  }
  const inverse = rate.base === currency;
  const gpuHour: Record<string, number> = {};
  for (const [gpuType, price] of Object.entries(version.gpuHour)) {
    gpuHour[gpuType] = inverse ? price / rate.rate : price * rate.rate;
  }
  return {
    ...version,
    version: `${version.version}+${rate.version}`,
    effectiveFromMs,
    currency,
    gpuHour: Object.freeze(gpuHour),
    source,
    fx: { rate, from, to: currency, inverse },
    missingRate: null,
  };
}

/** Each pair's rates sorted by start; a forced rate replaces its pair's series over all time. */
function ratesByPair(fx: readonly FxRate[], forced: readonly FxRate[]): Map<string, FxRate[]> {
  const pairs = new Map<string, FxRate[]>();
  for (const rate of fx) {
    const key = pairKey(rate.base, rate.quote);
    pairs.set(key, [...(pairs.get(key) ?? []), rate]);
  }
  for (const series of pairs.values()) series.sort((a, b) => a.effectiveFromMs - b.effectiveFromMs);
  for (const rate of forced) {
    pairs.set(pairKey(rate.base, rate.quote), [
      { ...rate, effectiveFromMs: Number.NEGATIVE_INFINITY },
    ]);
  }
  return pairs;
}

/** The rate in force at ms: the latest start <= ms, or undefined before the first. */
function rateAt(series: readonly FxRate[], ms: number): FxRate | undefined {
  let found: FxRate | undefined;
  for (const rate of series) {
    if (rate.effectiveFromMs <= ms) found = rate;
    else break;
  }
  return found;
}

/** The pair regardless of direction: EUR/USD and USD/EUR are one series of rates. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}/${b}` : `${b}/${a}`;
}

/** What a list of effective version names stands for: catalogue and exchange-rate versions. */
export interface Provenance {
  readonly catalogue: readonly string[];
  readonly fx: readonly string[];
}

/**
 * Maps effective version names (as the ledger and summary carry them) back to the catalogue
 * and exchange-rate versions behind them, each once, in the order given.
 */
export function provenanceOf(
  names: readonly string[],
  byName: ReadonlyMap<string, EffectiveVersion>,
): Provenance {
  const catalogue = new Set<string>();
  const fx = new Set<string>();
  for (const name of names) {
    const effective = byName.get(name);
    if (!effective) {
      catalogue.add(name);
      continue;
    }
    catalogue.add(effective.source.version);
    if (effective.fx) fx.add(effective.fx.rate.version);
  }
  return { catalogue: [...catalogue], fx: [...fx] };
}
