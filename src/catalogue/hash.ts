// The catalogue hash: a short fingerprint of the prices, so a number can be traced to them.

import { createHash } from 'node:crypto';
import { compareText } from '../core/order.js';
import type { PriceVersion } from '../core/types.js';

const HASH_LENGTH = 12;

/**
 * The text the hash is taken over: versions ordered by start, GPU types sorted, numbers as
 * JSON writes them. Formatting, key order and notes do not enter it; any rate, name, date,
 * currency, alias or MIG rule does. A version without aliases or MIG rules hashes as it did
 * before they existed, so adding the feature changed no catalogue's hash.
 */
export function canonicalCatalogueText(versions: readonly PriceVersion[]): string {
  const ordered = [...versions].sort(
    (a, b) => a.effectiveFromMs - b.effectiveFromMs || compareText(a.version, b.version),
  );
  return JSON.stringify(
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
}

function sortedEntries<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.keys(record)
    .sort(compareText)
    .map((key) => [key, record[key] as T]);
}

export function catalogueHash(versions: readonly PriceVersion[]): string {
  return createHash('sha256')
    .update(canonicalCatalogueText(versions))
    .digest('hex')
    .slice(0, HASH_LENGTH);
}

// Code-unit order, so the hash does not depend on the locale.
