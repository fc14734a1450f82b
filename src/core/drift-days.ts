// Daily usage rows (grouped by the drift's labels and the GPU type) folded into one run of days
// per group, every day of the fetch present, days without usage included. Pure.
import type { DriftDay, DriftGpuUsage } from './drift-types.js';
import { LabelGroups } from './label-groups.js';
import { compareText } from './order.js';
import { costGpuHours, type Period, type UsageRow } from './report.js';
import type { Labels } from './types.js';

export interface DriftPeriod extends Period {
  readonly weekend: boolean;
}

interface DayAccumulator {
  gpuHours: number;
  unpricedGpuHours: number;
  inferences: number;
  tokens: number;
  cost: number;
  gpu: Map<string, { gpuHours: number; cost: number }>;
  versions: Set<string>;
  fxVersions: Set<string> | null;
}

/**
 * Rows must carry a period (granularity day). Inferences and tokens have no GPU-type label: their
 * rows come with an empty GPU type and add to the day's sums, not to its GPU mix.
 */
export function driftDays(
  rows: Iterable<UsageRow>,
  by: readonly string[],
  gpuTypeLabel: string,
  periods: readonly DriftPeriod[],
): { group: Labels; days: DriftDay[] }[] {
  const groups = new LabelGroups<Map<number, DayAccumulator>>(by, () => new Map());
  for (const row of rows) {
    if (!row.period) continue;
    const days = groups.of(row.group);
    let day = days.get(row.period.startMs);
    if (!day) {
      day = {
        gpuHours: 0,
        unpricedGpuHours: 0,
        inferences: 0,
        tokens: 0,
        cost: 0,
        gpu: new Map(),
        versions: new Set(),
        fxVersions: null,
      };
      days.set(row.period.startMs, day);
    }
    // The basis' GPU time, which the cost is of: rates and the GPU mix come out of the two.
    const hours = costGpuHours(row);
    day.gpuHours += hours;
    day.unpricedGpuHours += row.unpricedGpuHours;
    day.inferences += row.inferences;
    day.tokens += row.tokens;
    day.cost += row.cost ?? 0;
    for (const version of row.versions) day.versions.add(version);
    if (row.fxVersions) {
      day.fxVersions ??= new Set();
      for (const version of row.fxVersions) day.fxVersions.add(version);
    }
    if (hours > 0) {
      const type = row.group[gpuTypeLabel] ?? '';
      const gpu = day.gpu.get(type) ?? { gpuHours: 0, cost: 0 };
      gpu.gpuHours += hours;
      gpu.cost += row.cost ?? 0;
      day.gpu.set(type, gpu);
    }
  }
  return groups.sorted().map(({ group, value: days }) => ({
    group,
    days: periods.map((period) => toDay(period, days.get(period.startMs))),
  }));
}

function toDay(period: DriftPeriod, day: DayAccumulator | undefined): DriftDay {
  const gpu: DriftGpuUsage[] = [...(day?.gpu ?? [])]
    .sort(([a], [b]) => compareText(a, b))
    .map(([gpuType, usage]) => ({ gpuType, ...usage }));
  return {
    startMs: period.startMs,
    endMs: period.endMs,
    weekend: period.weekend,
    gpuHours: day?.gpuHours ?? 0,
    unpricedGpuHours: day?.unpricedGpuHours ?? 0,
    inferences: day?.inferences ?? 0,
    tokens: day?.tokens ?? 0,
    cost: day?.cost ?? 0,
    gpu,
    versions: [...(day?.versions ?? [])].sort(compareText),
    ...(day?.fxVersions ? { fxVersions: [...day.fxVersions].sort(compareText) } : {}),
  };
}
