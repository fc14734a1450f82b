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
