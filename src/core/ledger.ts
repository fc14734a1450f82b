// Folds usage into cells per (group, period, catalogue version) and prices GPU time bucket by
// bucket with the version in force in each bucket.
import { addInto, CellStore, type SumChunk } from './cell-store.js';
import { CELL_LAYOUT, measureOf } from './measures.js';
import { NO_GPU_TYPE, priceName } from './mig.js';
import { rateOf } from './prices.js';
import type { BucketSeries, Buckets, Labels, PriceVersion } from './types.js';

export interface LedgerOptions {
  /** Each bucket's period (-1 to leave it out) and version (-1 when none was in force). */
  readonly buckets: Buckets;
  /** The report's grouping labels, in order. */
  readonly by: readonly string[];
  readonly gpuTypeLabel: string;
  /** The label naming a series' MIG profile ('' or absent: whole GPUs); it prices a slice. */
  readonly migProfileLabel?: string;
  readonly versions: readonly PriceVersion[];
}

/**
 * Each group has the same cells: one per (period, version) pair some bucket has, periods in
 * time order and, within a period, versions in the order its buckets meet them. A cell's sums
 * are at CELL_LAYOUT's slots (a quantity per measure; a cost in the catalogue currency and an
 * unpriced quantity per measure priced per GPU-hour).
 */
export interface CellPlan {
  readonly cellsPerGroup: number;
  /** Cells of period p are [periodCells[p], periodCells[p + 1]). */
  readonly periodCells: Int32Array;
  /** Per cell: its period, and its version (-1 when none was in force). */
  readonly period: Int32Array;
  readonly version: Int32Array;
}

/** The usage of one group in one period under one catalogue version (for inspection and tests). */
export interface LedgerEntry {
  readonly group: Labels;
  readonly period: number;
  readonly version: number;
  /** The cell's sums at CELL_LAYOUT's slots. */
  readonly sums: Float64Array;
  readonly unpricedGpuTypes: ReadonlySet<string> | null;
}

const SECONDS_PER_HOUR = 3600;

export class Ledger {
  readonly plan: CellPlan;
  readonly store: CellStore;
  /** Groups in the order their first series came. */
  readonly groups: Labels[] = [];
  private readonly groupIndex = new Map<string, number>();
  /** Per bucket: its cell within a group, or -1 when the bucket lies in no period. */
  private readonly cellOfBucket: Int32Array;
  /** By cell (group * cellsPerGroup + cell): the GPU types without a rate; few cells have any. */
  private readonly unpricedTypes = new Map<number, Set<string>>();

  constructor(private readonly options: LedgerOptions) {
    const { plan, cellOfBucket } = planCells(options.buckets);
    this.plan = plan;
    this.cellOfBucket = cellOfBucket;
    this.store = new CellStore(plan.cellsPerGroup, CELL_LAYOUT.size);
  }

  add(series: BucketSeries): void {
    const { versions, gpuTypeLabel, migProfileLabel } = this.options;
    const { store, cellOfBucket } = this;
    const cellVersion = this.plan.version;
    const group = this.groupOf(series.labels);
    const chunk = store.chunkOf(group);
    const base = store.baseOf(group);
    const present = store.presenceOf(chunk);
    const priced = measureOf(series.metric).pricedPerGpuHour;
    const gpuType = priced ? (series.labels[gpuTypeLabel] ?? '') : '';
    const migProfile = priced && migProfileLabel ? (series.labels[migProfileLabel] ?? '') : '';
    const quantitySlot = CELL_LAYOUT.quantity[series.metric];
    const costSlot = CELL_LAYOUT.cost[series.metric];
    const unpricedSlot = CELL_LAYOUT.unpriced[series.metric];
    // Chunks are made on the first non-zero value (adding 0 changes no sum).
    let quantity: SumChunk | undefined;
    let cost: SumChunk | undefined;
    let unpriced: SumChunk | undefined;
    const { values, offset } = series;
    const end = Math.min(values.length, cellOfBucket.length - offset);
    // Runs of buckets share a version: look the rate up once per run.
    let rateVersion = -2;
    let rate: number | undefined;
    for (let i = 0; i < end; i++) {
      const value = values[i] as number;
      if (Number.isNaN(value)) continue;
      const cell = cellOfBucket[offset + i] as number;
      if (cell < 0) continue;
      const at = base + cell;
      present[at] = 1;
      if (value === 0) continue;
      quantity ??= store.write(quantitySlot, chunk);
      quantity = addInto(store, quantitySlot, chunk, quantity, at, value);
      if (!priced) continue;
      const version = cellVersion[cell] as number;
      if (version !== rateVersion) {
        rateVersion = version;
        rate = rateOf(versions[version], gpuType, migProfile);
      }
      if (rate === undefined) {
        unpriced ??= store.write(unpricedSlot, chunk);
        unpriced = addInto(store, unpricedSlot, chunk, unpriced, at, value);
        this.unpricedType(
          group * store.cellsPerGroup + cell,
          priceName(gpuType === '' ? NO_GPU_TYPE : gpuType, migProfile),
        );
      } else {
        cost ??= store.write(costSlot, chunk);
        cost = addInto(store, costSlot, chunk, cost, at, (value / SECONDS_PER_HOUR) * rate);
      }
    }
  }

  /** The GPU types a cell (group * cellsPerGroup + cell) had no rate for, or null. */
  unpricedTypesOf(cell: number): ReadonlySet<string> | null {
    return this.unpricedTypes.get(cell) ?? null;
  }

  /** Every cell that was given a value, a group's cells one after another. */
  *entries(): IterableIterator<LedgerEntry> {
    const { store, plan } = this;
    for (let group = 0; group < this.groups.length; group++) {
      const chunk = store.chunkOf(group);
      const base = store.baseOf(group);
      for (let cell = 0; cell < plan.cellsPerGroup; cell++) {
        if (store.presenceOf(chunk)[base + cell] === 0) continue;
        const sums = new Float64Array(CELL_LAYOUT.size);
        for (let slot = 0; slot < CELL_LAYOUT.size; slot++) {
          sums[slot] = store.read(slot, chunk)?.[base + cell] ?? 0;
        }
        yield {
          group: this.groups[group] as Labels,
          period: plan.period[cell] as number,
          version: plan.version[cell] as number,
          sums,
          unpricedGpuTypes: this.unpricedTypesOf(group * plan.cellsPerGroup + cell),
        };
      }
    }
  }

  private groupOf(labels: Labels): number {
    const { by } = this.options;
    // Length-prefixed values: unambiguous whatever characters they hold, and cheap to build.
    let key = '';
    for (const label of by) {
      const value = labels[label] ?? '';
      key += `${value.length}:${value}`;
    }
    let group = this.groupIndex.get(key);
    if (group === undefined) {
      const groupLabels: Record<string, string> = {};
      for (const label of by) groupLabels[label] = labels[label] ?? '';
      group = this.store.addGroup();
      this.groups.push(groupLabels);
      this.groupIndex.set(key, group);
    }
    return group;
  }

  private unpricedType(cell: number, gpuType: string): void {
    let types = this.unpricedTypes.get(cell);
    if (!types) {
      types = new Set();
      this.unpricedTypes.set(cell, types);
    }
    types.add(gpuType);
  }
}

/** The cells every group has, from the bucket plan, and each bucket's cell. */
function planCells(buckets: Buckets): { plan: CellPlan; cellOfBucket: Int32Array } {
  const count = buckets.period.length;
  let periods = 0;
  for (let b = 0; b < count; b++) periods = Math.max(periods, (buckets.period[b] as number) + 1);
  // Per period, its versions in the order its buckets meet them.
  const versionsOf: number[][] = Array.from({ length: periods }, () => []);
  for (let b = 0; b < count; b++) {
    const period = buckets.period[b] as number;
    if (period < 0) continue;
    const seen = versionsOf[period] as number[];
    const version = buckets.version[b] as number;
    if (!seen.includes(version)) seen.push(version);
  }
  const periodCells = new Int32Array(periods + 1);
  const cellPeriod: number[] = [];
  const cellVersion: number[] = [];
  for (let p = 0; p < periods; p++) {
    periodCells[p] = cellPeriod.length;
    for (const version of versionsOf[p] as number[]) {
      cellPeriod.push(p);
      cellVersion.push(version);
    }
  }
  periodCells[periods] = cellPeriod.length;
  const cellOfBucket = new Int32Array(count);
  for (let b = 0; b < count; b++) {
    const period = buckets.period[b] as number;
    cellOfBucket[b] =
      period < 0
        ? -1
        : (periodCells[period] as number) +
          (versionsOf[period] as number[]).indexOf(buckets.version[b] as number);
  }
  return {
    plan: {
      cellsPerGroup: cellPeriod.length,
      periodCells,
      period: Int32Array.from(cellPeriod),
      version: Int32Array.from(cellVersion),
    },
    cellOfBucket,
  };
}
