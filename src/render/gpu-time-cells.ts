// The busy and idle cells of the usage view (table, Markdown, HTML): hours, and costs rounded
// so that rows add up to the totals row, as the cost column's are.
import type { GpuTimeSplit, UsageRow, UsageTotals } from '../core/report.js';
import { fixed, roundToTotal } from './format.js';
import type { Column } from './usage-view.js';

/** The mark of a partly unpriced cost, as the view's cost column writes it. */
const PARTLY_UNPRICED = '*';

/** The busy and idle columns, beside GPU-h and beside cost, where busy GPU time was read. */
export const GPU_TIME_COLUMNS = {
  hours: [
    { title: 'busy GPU-h', numeric: true },
    { title: 'idle GPU-h', numeric: true },
  ],
  costs: (currency: string): Column[] => [
    { title: `busy ${currency}`, numeric: true },
    { title: `idle ${currency}`, numeric: true },
  ],
};

/** A row's busy and idle cells: hours, then the costs rounded so the rows add up to the totals. */
export type GpuTimeCells = (row: UsageRow | UsageTotals, at: number) => GpuTimeCellTexts;

export interface GpuTimeCellTexts {
  readonly hours: readonly string[];
  readonly costs: readonly string[];
}

export function roundedGpuTime(rows: readonly UsageRow[], totals: UsageTotals): GpuTimeCells {
  const splitOf = (row: UsageRow | UsageTotals) => row.gpuTime ?? EMPTY_SPLIT;
  const rounded = (pick: (split: GpuTimeSplit) => number | null) => {
    const total = pick(splitOf(totals));
    // A total that is unpriced reconciles nothing: each row is rounded on its own.
    return total === null
      ? rows.map((row) => pick(splitOf(row)) ?? 0)
      : roundToTotal(
          rows.map((row) => pick(splitOf(row)) ?? 0),
          2,
          total,
        );
  };
  const busy = rounded((split) => split.busyCost);
  const idle = rounded((split) => split.idleCost);
  return (row, at) => {
    const split = splitOf(row);
    const money = (value: number | null, shown: number | undefined, unpriced: number) =>
      value === null
        ? 'unpriced'
        : `${fixed(shown ?? value, 2)}${unpriced > 0 ? PARTLY_UNPRICED : ''}`;
    return {
      hours: [fixed(split.busyGpuHours, 2), fixed(split.idleGpuHours, 2)],
      costs: [
        money(split.busyCost, at < 0 ? undefined : busy[at], split.unpricedBusyGpuHours),
        money(split.idleCost, at < 0 ? undefined : idle[at], 0),
      ],
    };
  };
}

const EMPTY_SPLIT: GpuTimeSplit = {
  busyGpuHours: 0,
  idleGpuHours: 0,
  allocatedCost: null,
  busyCost: null,
  idleCost: null,
  unpricedAllocatedGpuHours: 0,
  unpricedBusyGpuHours: 0,
};

/** The busy and idle parts of rows, added up: costs stay null where any part is null. */
export function sumGpuTime(rows: readonly UsageRow[]): GpuTimeSplit {
  const sum = (pick: (split: GpuTimeSplit) => number) =>
    rows.reduce((total, row) => total + pick(row.gpuTime ?? EMPTY_SPLIT), 0);
  const cost = (pick: (split: GpuTimeSplit) => number | null, unpriced: number) => {
    const values = rows.map((row) => pick(row.gpuTime ?? EMPTY_SPLIT));
    const priced = values.filter((value): value is number => value !== null);
    return priced.length > 0 || unpriced === 0 ? priced.reduce((a, b) => a + b, 0) : null;
  };
  const unpricedAllocated = sum((split) => split.unpricedAllocatedGpuHours);
  const unpricedBusy = sum((split) => split.unpricedBusyGpuHours);
  const idleKnown = rows.every((row) => (row.gpuTime ?? EMPTY_SPLIT).idleCost !== null);
  return {
    busyGpuHours: sum((split) => split.busyGpuHours),
    idleGpuHours: sum((split) => split.idleGpuHours),
    allocatedCost: cost((split) => split.allocatedCost, unpricedAllocated),
    busyCost: cost((split) => split.busyCost, unpricedBusy),
    idleCost: idleKnown ? sum((split) => split.idleCost ?? 0) : null,
    unpricedAllocatedGpuHours: unpricedAllocated,
    unpricedBusyGpuHours: unpricedBusy,
  };
}
