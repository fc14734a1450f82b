// The catalogue hash: a short fingerprint of the prices, so a number can be traced to them.

import { createHash } from 'node:crypto';
import { compareText } from '../core/order.js';
import type { FxRate, PriceVersion } from '../core/types.js';

const HASH_LENGTH = 12;

/**
 * The text the hash is taken over: versions ordered by start, GPU types sorted, numbers as
 * JSON writes them, then the exchange rates (when there are any) ordered the same way.
 * Formatting, key order, notes and sources do not enter it; any rate, name, date, currency,
 * alias, MIG rule or exchange rate does. A version without aliases or MIG rules, and a
 * catalogue without fx/, hash as they did before those existed, so adding the features changed
 * no catalogue's hash.
 */
export function canonicalCatalogueText(
  versions: readonly PriceVersion[],
  fx: readonly FxRate[] = [],
): string {
  const ordered = [...versions].sort(
    (a, b) => a.effectiveFromMs - b.effectiveFromMs || compareText(a.version, b.version),
  );
  const prices = JSON.stringify(
    ordered.map((v) => ({
      version: v.version,
      effective_from: new Date(v.effectiveFromMs).toISOString(),
      currency: v.currency,
      gpu_hour: sortedEntries(v.gpuHour),
      ...(v.gpuAliases ? { gpu_aliases: sortedEntries(v.gpuAliases) } : {}),
      ...(v.mig
        ? {
            mig: sortedEntries(v.mig).map(([gpuType, rule]) => [
              gpuType,
              rule.slices ?? null,
              rule.share ? sortedEntries(rule.share) : null,
            ]),
          }
        : {}),
    })),
  );
  if (fx.length === 0) return prices;
  const rates = [...fx]
    .sort(
      (a, b) =>
        a.effectiveFromMs - b.effectiveFromMs ||
        compareText(`${a.base}${a.quote}`, `${b.base}${b.quote}`) ||
        compareText(a.version, b.version),
    )
    .map((r) => ({
      version: r.version,
      effective_from: new Date(r.effectiveFromMs).toISOString(),
      base: r.base,
      quote: r.quote,
      rate: r.rate,
    }));
  return `${prices}\n${JSON.stringify(rates)}`;
}

function sortedEntries<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.keys(record)
    .sort(compareText)
    .map((key) => [key, record[key] as T]);
}

export function catalogueHash(
  versions: readonly PriceVersion[],
  fx: readonly FxRate[] = [],
): string {
  return createHash('sha256')
    .update(canonicalCatalogueText(versions, fx))
    .digest('hex')
    .slice(0, HASH_LENGTH);
}

// Code-unit order, so the hash does not depend on the locale.
