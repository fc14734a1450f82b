// Rate-by-rate comparison of two catalogue versions. Pure.

import { compareText } from '../core/order.js';
import { rateOf } from '../core/prices.js';
import type { PriceVersion } from '../core/types.js';

export type RateStatus = 'changed' | 'unchanged' | 'added' | 'removed';

export interface RateChange {
  readonly gpuType: string;
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly status: RateStatus;
  /** Relative change in percent; undefined when added, removed, or from a rate of 0. */
  readonly changePercent: number | undefined;
}

/** Every GPU type in either version, sorted by name, with its old and new rate. */
export function diffVersions(from: PriceVersion, to: PriceVersion): RateChange[] {
  const gpuTypes = [...new Set([...Object.keys(from.gpuHour), ...Object.keys(to.gpuHour)])].sort(
    compareText,
  );
  return gpuTypes.map((gpuType) => {
    const old = rateOf(from, gpuType);
    const next = rateOf(to, gpuType);
    if (old === undefined) return change(gpuType, old, next, 'added');
    if (next === undefined) return change(gpuType, old, next, 'removed');
    return change(gpuType, old, next, old === next ? 'unchanged' : 'changed');
  });
}

function change(
  gpuType: string,
  from: number | undefined,
  to: number | undefined,
  status: RateStatus,
): RateChange {
  const changePercent =
    from !== undefined && to !== undefined && from !== 0 ? ((to - from) / from) * 100 : undefined;
  return { gpuType, from, to, status, changePercent };
}

export interface AliasChange {
  readonly alias: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly status: RateStatus;
}

/** Every alias in either version, sorted, with the GPU type it names in each. */
export function diffAliases(from: PriceVersion, to: PriceVersion): AliasChange[] {
  const old = from.gpuAliases ?? {};
  const next = to.gpuAliases ?? {};
  return unionKeys(old, next).map((alias) => {
    const a = Object.hasOwn(old, alias) ? old[alias] : undefined;
    const b = Object.hasOwn(next, alias) ? next[alias] : undefined;
    return { alias, from: a, to: b, status: statusOf(a, b) };
  });
}

export interface MigChange {
  readonly gpuType: string;
  /** "slices", or the MIG profile whose share is set. */
  readonly rule: string;
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly status: RateStatus;
}

/** Every MIG setting in either version (slices, and each profile's share), sorted. */
export function diffMig(from: PriceVersion, to: PriceVersion): MigChange[] {
  const old = from.mig ?? {};
  const next = to.mig ?? {};
  const changes: MigChange[] = [];
  for (const gpuType of unionKeys(old, next)) {
    const a = Object.hasOwn(old, gpuType) ? old[gpuType] : undefined;
    const b = Object.hasOwn(next, gpuType) ? next[gpuType] : undefined;
    if (a?.slices !== undefined || b?.slices !== undefined) {
      changes.push(migChange(gpuType, 'slices', a?.slices, b?.slices));
    }
    const oldShares = a?.share ?? {};
    const newShares = b?.share ?? {};
    for (const profile of unionKeys(oldShares, newShares)) {
      const x = Object.hasOwn(oldShares, profile) ? oldShares[profile] : undefined;
      const y = Object.hasOwn(newShares, profile) ? newShares[profile] : undefined;
      changes.push(migChange(gpuType, profile, x, y));
    }
  }
  return changes;
}

function migChange(
  gpuType: string,
  rule: string,
  from: number | undefined,
  to: number | undefined,
): MigChange {
  return { gpuType, rule, from, to, status: statusOf(from, to) };
}

function statusOf<T>(from: T | undefined, to: T | undefined): RateStatus {
  if (from === undefined) return 'added';
  if (to === undefined) return 'removed';
  return from === to ? 'unchanged' : 'changed';
}

function unionKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareText);
}
