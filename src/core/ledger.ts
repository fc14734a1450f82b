// Folds usage into cells per (group, period, catalogue version) and prices GPU time bucket by
// bucket with the version in force in each bucket.
import { CELL_LAYOUT, measureOf } from './measures.js';
import { NO_GPU_TYPE, priceName } from './mig.js';
import { rateOf } from './prices.js';
import type { BucketSeries, Buckets, Labels, PriceVersion } from './types.js';

/**
 * Accumulated usage: every measure's sums at sums[at + slot], the slots CELL_LAYOUT gives them
 * (quantities, and for measures priced per GPU-hour their cost in the catalogue currency and
 * their unpriced quantity).
 */
export interface Cell {
  readonly sums: Float64Array;
  readonly at: number;
  /** Created on the first unpriced GPU type: most cells never have one (memory at 100k groups). */
  readonly unpricedGpuTypes: Set<string> | null;
}

/** The usage of one group in one period under one catalogue version. */
export interface LedgerEntry extends Cell {
  /** The same object for every entry of one group, so callers may key by it. */
  readonly group: Labels;
  readonly period: number;
  /** Index into the versions passed to the ledger; -1 when no version was in force. */
  readonly version: number;
}

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

const SECONDS_PER_HOUR = 3600;

/** Room for this many cells at first; the store doubles when full. */
const INITIAL_CELLS = 1024;

export class Ledger {
  /** Per group: its labels, and where each of its cells (by period and version) starts in `store`. */
  private readonly groups = new Map<string, { labels: Labels; cells: Map<number, number> }>();
  private readonly versionSlots: number;
  /**
   * Every cell's sums, one after another. One array, not one per cell: 3 million cells (100k
   * groups by day over a month) as objects or small arrays cost twice the time of the adds.
   */
  private store = new Float64Array(INITIAL_CELLS * CELL_LAYOUT.size);
  private used = 0;
  /** By cell start: the GPU types without a rate; few cells have any. */
  private readonly unpricedTypes = new Map<number, Set<string>>();

  constructor(private readonly options: LedgerOptions) {
    this.versionSlots = options.versions.length + 1;
  }

  add(series: BucketSeries): void {
    const { buckets, versions, gpuTypeLabel, migProfileLabel } = this.options;
    const { period: periodOf, version: versionOf } = buckets;
    const cells = this.cellsOf(series.labels);
    const priced = measureOf(series.metric).pricedPerGpuHour;
    const gpuType = priced ? (series.labels[gpuTypeLabel] ?? '') : '';
    const migProfile = priced && migProfileLabel ? (series.labels[migProfileLabel] ?? '') : '';
    const quantitySlot = CELL_LAYOUT.quantity[series.metric];
    const costSlot = CELL_LAYOUT.cost[series.metric];
    const unpricedSlot = CELL_LAYOUT.unpriced[series.metric];
    const { values, offset } = series;
    // Runs of buckets share a period and a version: look the cell and rate up once per run.
    let slot = -1;
    let at = -1;
    let store = this.store;
    let rate: number | undefined;
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as number;
      const bucket = offset + i;
      if (Number.isNaN(value) || bucket >= periodOf.length) continue;
      const period = periodOf[bucket] as number;
      if (period < 0) continue;
      const version = versionOf[bucket] as number;
      if (at < 0 || period * this.versionSlots + version + 1 !== slot) {
        slot = period * this.versionSlots + version + 1;
        at = this.cellAt(cells, slot);
        // cellAt may have grown the store.
        store = this.store;
        if (priced) rate = rateOf(versions[version], gpuType, migProfile);
      }
      store[at + quantitySlot] = (store[at + quantitySlot] as number) + value;
      if (!priced) continue;
      if (rate === undefined) {
        store[at + unpricedSlot] = (store[at + unpricedSlot] as number) + value;
        if (value !== 0) {
          this.unpricedType(at, priceName(gpuType === '' ? NO_GPU_TYPE : gpuType, migProfile));
        }
      } else {
        store[at + costSlot] = (store[at + costSlot] as number) + (value / SECONDS_PER_HOUR) * rate;
      }
    }
  }

  /** Every cell, a group's cells one after another (summarise relies on it). */
  *entries(): IterableIterator<LedgerEntry> {
    for (const { labels, cells } of this.groups.values()) {
      for (const [slot, at] of cells) {
        yield {
          group: labels,
          period: Math.floor(slot / this.versionSlots),
          version: (slot % this.versionSlots) - 1,
          sums: this.store,
          at,
          unpricedGpuTypes: this.unpricedTypes.get(at) ?? null,
        };
      }
    }
  }

  private cellsOf(labels: Labels): Map<number, number> {
    const { by } = this.options;
    // Length-prefixed values: unambiguous whatever characters they hold, and cheap to build.
    let key = '';
    for (const label of by) {
      const value = labels[label] ?? '';
      key += `${value.length}:${value}`;
    }
    let group = this.groups.get(key);
    if (!group) {
      const groupLabels: Record<string, string> = {};
      for (const label of by) groupLabels[label] = labels[label] ?? '';
      group = { labels: groupLabels, cells: new Map() };
      this.groups.set(key, group);
    }
    return group.cells;
  }

  /** Where the cell at `slot` of a group starts in the store, made (zeroed) when new. */
  private cellAt(cells: Map<number, number>, slot: number): number {
    let at = cells.get(slot);
    if (at === undefined) {
      at = this.used;
      this.used += CELL_LAYOUT.size;
      if (this.used > this.store.length) {
        const grown = new Float64Array(this.store.length * 2);
        grown.set(this.store);
        this.store = grown;
      }
      cells.set(slot, at);
    }
    return at;
  }

  private unpricedType(at: number, gpuType: string): void {
    let types = this.unpricedTypes.get(at);
    if (!types) {
      types = new Set();
      this.unpricedTypes.set(at, types);
    }
    types.add(gpuType);
  }
}

/** A cell with sums of its own, to add cells into. */
export interface SumCell extends Cell {
  unpricedGpuTypes: Set<string> | null;
}

/** A SumCell with nothing in it yet. */
export function emptyCell(): SumCell {
  return { sums: new Float64Array(CELL_LAYOUT.size), at: 0, unpricedGpuTypes: null };
}

/** Adds `from` into a cell made by emptyCell. */
export function addCell(into: SumCell, from: Cell): void {
  const sums = into.sums;
  const add = from.sums;
  for (let i = 0; i < CELL_LAYOUT.size; i++) {
    sums[i] = (sums[i] as number) + (add[from.at + i] as number);
  }
  if (from.unpricedGpuTypes) {
    into.unpricedGpuTypes ??= new Set();
    for (const type of from.unpricedGpuTypes) into.unpricedGpuTypes.add(type);
  }
}
