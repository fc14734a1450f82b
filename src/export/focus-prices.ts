// What a FOCUS charge needs to know about the prices behind its row: the rate in the billing
// currency, when that rate was in force, and the catalogue's own currency and rate. Rows name a
// catalogue version and, when converted, an exchange-rate version; together they name one
// effective version (both lists only move forward in time, so each pair starts once).
import type { EffectiveVersion } from '../core/effective-prices.js';
import { priceKeyOf, rateOf } from '../core/prices.js';
import type { FocusLayoutOptions } from './focus.js';

export function focusPriceLookup(
  prices: readonly EffectiveVersion[],
): Pick<FocusLayoutOptions, 'rateOf' | 'spanOf' | 'pricingOf' | 'priceKeyOf'> {
  const key = (version: string, fxVersion: string | undefined) =>
    `${version}\u0000${fxVersion ?? ''}`;
  const index = new Map<string, number>();
  prices.forEach((price, i) => {
    if (price.missingRate === null) index.set(key(price.source.version, price.fx?.rate.version), i);
  });
  const find = (version: string, fxVersion: string | undefined) =>
    index.get(key(version, fxVersion));
  const sources = new Map(prices.map((price) => [price.source.version, price.source]));
  return {
    rateOf: (version, gpuType, migProfile, fxVersion) => {
      const i = find(version, fxVersion);
      return i === undefined ? undefined : rateOf(prices[i], gpuType, migProfile);
    },
    spanOf: (version, fxVersion) => {
      const i = find(version, fxVersion);
      return {
        startMs:
          i === undefined ? Number.NEGATIVE_INFINITY : (prices[i]?.effectiveFromMs ?? -Infinity),
        endMs:
          i === undefined ? Number.POSITIVE_INFINITY : (prices[i + 1]?.effectiveFromMs ?? Infinity),
      };
    },
    priceKeyOf: (version, gpuType) => {
      const source = sources.get(version);
      return source === undefined ? undefined : priceKeyOf(source, gpuType);
    },
    pricingOf: (version, gpuType, migProfile) => {
      const source = sources.get(version);
      const rate = rateOf(source, gpuType, migProfile);
      return source === undefined || rate === undefined
        ? undefined
        : { currency: source.currency, rate };
    },
  };
}
