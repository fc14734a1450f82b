// Allocated GPU time split into busy and idle, and what each costs: idle = allocated - busy per
// row, priced per GPU type like both. Pure: from a cell's sums, and over rows for the warning.
import { safeText } from '../safe-text.js';
import { CELL_LAYOUT, type Metric } from './measures.js';
import type { GpuTimeSplit, Note, UsageRow } from './report.js';
import type { Labels } from './types.js';

const SECONDS_PER_HOUR = 3600;

/** A measure's quantity, unpriced quantity (seconds) and cost as a cell's sums hold them. */
export interface PricedSums {
  readonly seconds: number;
  readonly unpricedSeconds: number;
  /** The priced part's cost; null when there is usage and none of it was priced. */
  readonly cost: number | null;
}

/** The rule for cost: the priced part, or null when none of the usage has a price. */
export function pricedSums(sums: Float64Array, metric: Metric): PricedSums {
  const seconds = sums[CELL_LAYOUT.quantity[metric]] as number;
  // Adding 0 turns a -0 (a sum of -0 pieces) into 0: "-0" must never reach a table or a file.
  const unpricedSeconds = (sums[CELL_LAYOUT.unpriced[metric]] as number) + 0;
  const nothingPriced = unpricedSeconds > 0 && seconds - unpricedSeconds <= 0;
  return {
    seconds,
    unpricedSeconds,
    cost: nothingPriced ? null : (sums[CELL_LAYOUT.cost[metric]] as number) + 0,
  };
}

/** Busy and idle GPU time of a cell (sums from index 0), and their costs. */
export function gpuTimeSplit(sums: Float64Array): GpuTimeSplit {
  const allocated = pricedSums(sums, 'gpu_seconds');
  const busy = pricedSums(sums, 'gpu_busy_seconds');
  // The difference of two priced parts bounds nothing: idle cost needs every second priced.
  const allPriced = allocated.unpricedSeconds <= 0 && busy.unpricedSeconds <= 0;
  return {
    busyGpuHours: busy.seconds / SECONDS_PER_HOUR + 0,
    idleGpuHours: (allocated.seconds - busy.seconds) / SECONDS_PER_HOUR + 0,
    allocatedCost: allocated.cost,
    busyCost: busy.cost,
    idleCost:
      allPriced && allocated.cost !== null && busy.cost !== null
        ? allocated.cost - busy.cost + 0
        : null,
    unpricedAllocatedGpuHours: allocated.unpricedSeconds / SECONDS_PER_HOUR,
    unpricedBusyGpuHours: busy.unpricedSeconds / SECONDS_PER_HOUR,
  };
}

/**
 * Idle GPU-hours below this are float noise of equal allocated and busy sums, not busy time
 * without an allocation: a thousandth of a GPU-second.
 */
const NOISE_HOURS = 1e-3 / SECONDS_PER_HOUR;

/** Groups named in the warning, at most. */
const NAMED_GROUPS = 5;

/**
 * The warning for groups busier than allocated (a DCGM pod whose GPU request kube-state-metrics
 * never showed): summed over each group's periods, the idle kept negative in every output.
 */
export function negativeIdleNote(rows: readonly UsageRow[], by: readonly string[]): Note | null {
  const byGroup = new Map<string, { group: Labels; idle: number }>();
  for (const row of rows) {
    if (!row.gpuTime || row.gpuTime.idleGpuHours >= -NOISE_HOURS) continue;
    const key = JSON.stringify(by.map((label) => row.group[label] ?? ''));
    const entry = byGroup.get(key) ?? { group: row.group, idle: 0 };
    entry.idle += row.gpuTime.idleGpuHours;
    byGroup.set(key, entry);
  }
  if (byGroup.size === 0) return null;
  const groups = [...byGroup.values()].sort((a, b) => a.idle - b.idle);
  const named = groups
    .slice(0, NAMED_GROUPS)
    .map(({ group, idle }) => `${groupText(group, by)} ${(-idle).toFixed(2)}`)
    .join('; ');
  const more = groups.length > NAMED_GROUPS ? `; and ${groups.length - NAMED_GROUPS} more` : '';
  const total = groups.reduce((sum, { idle }) => sum - idle, 0);
  return {
    text: `busy GPU time with no allocation behind it: ${total.toFixed(2)} busy GPU-hours more than allocated, kept as negative idle (${named}${more}); is the allocated metric missing for these groups?`,
  };
}

/** Longer label values are cut in the warning. */
const MAX_VALUE_CHARS = 80;

function groupText(group: Labels, by: readonly string[]): string {
  if (by.length === 0) return 'all usage';
  return by
    .map((label) => {
      const value = group[label] ?? '';
      const cut = value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}…` : value;
      return `${label}=${safeText(JSON.stringify(cut))}`;
    })
    .join(',');
}
