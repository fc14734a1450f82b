// Folds usage into cells per (group, period, catalogue version) and prices GPU time bucket by
// bucket with the version in force in each bucket.
import { priceName } from './mig.js';
import { rateOf } from './prices.js';
import type { BucketSeries, Buckets, Labels, PriceVersion } from './types.js';

/** Accumulated usage of one group in one period under one catalogue version. */
export interface Cell {
  gpuSeconds: number;
  inferences: number;
  tokens: number;
  /** Cost of the priced GPU-seconds, in the catalogue currency. */
  cost: number;
  unpricedGpuSeconds: number;
  /** Created on the first unpriced GPU type: most cells never have one (memory at 100k groups). */
  unpricedGpuTypes: Set<string> | null;
}

export interface LedgerEntry {
  /** The same object for every entry of one group, so callers may key by it. */
  readonly group: Labels;
  readonly period: number;
  /** Index into the versions passed to the ledger; -1 when no version was in force. */
  readonly version: number;
  readonly cell: Cell;
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

export class Ledger {
  private readonly groups = new Map<string, { labels: Labels; cells: Map<number, Cell> }>();
  private readonly versionSlots: number;

  constructor(private readonly options: LedgerOptions) {
    this.versionSlots = options.versions.length + 1;
  }

  add(series: BucketSeries): void {
    const { buckets, versions, gpuTypeLabel, migProfileLabel } = this.options;
    const { period: periodOf, version: versionOf } = buckets;
    const cells = this.cellsOf(series.labels);
    const gpuType = series.labels[gpuTypeLabel] ?? '';
    const migProfile = migProfileLabel ? (series.labels[migProfileLabel] ?? '') : '';
    const { values, offset } = series;
    // Runs of buckets share a period and a version: look the cell and rate up once per run.
    let slot = -1;
    let cell: Cell | undefined;
    let rate: number | undefined;
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as number;
      const bucket = offset + i;
      if (Number.isNaN(value) || bucket >= periodOf.length) continue;
      const period = periodOf[bucket] as number;
      if (period < 0) continue;
      const version = versionOf[bucket] as number;
      if (cell === undefined || period * this.versionSlots + version + 1 !== slot) {
        slot = period * this.versionSlots + version + 1;
        cell = this.cellAt(cells, period, version);
        rate = rateOf(versions[version], gpuType, migProfile);
      }
      switch (series.metric) {
        case 'inferences':
          cell.inferences += value;
          break;
        case 'tokens':
          cell.tokens += value;
          break;
        case 'gpu_seconds': {
          cell.gpuSeconds += value;
          if (rate === undefined) {
            cell.unpricedGpuSeconds += value;
            if (value !== 0) {
              cell.unpricedGpuTypes ??= new Set();
              cell.unpricedGpuTypes.add(priceName(gpuType, migProfile));
            }
          } else {
            cell.cost += (value / SECONDS_PER_HOUR) * rate;
          }
          break;
        }
      }
    }
  }

  /** Every cell, a group's cells one after another (summarise relies on it). */
  *entries(): IterableIterator<LedgerEntry> {
    for (const { labels, cells } of this.groups.values()) {
      for (const [slot, cell] of cells) {
        yield {
          group: labels,
          period: Math.floor(slot / this.versionSlots),
          version: (slot % this.versionSlots) - 1,
          cell,
        };
      }
    }
  }

  private cellsOf(labels: Labels): Map<number, Cell> {
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

  private cellAt(cells: Map<number, Cell>, period: number, version: number): Cell {
    const slot = period * this.versionSlots + version + 1;
    let cell = cells.get(slot);
    if (!cell) {
      cell = emptyCell();
      cells.set(slot, cell);
    }
    return cell;
  }
}

/**
 * A cell with nothing in it yet. Its sums start at -0, not 0: V8 then lays the fields out as
 * doubles from the first cell on. Started as the integer 0, every cell changed layout on its
 * first fractional sum, which made pricing hourly usage four times slower (60 -> 15 ns per
 * value). -0 + x is x; summarise turns a sum that stayed -0 into 0 before anyone sees it.
 */
export function emptyCell(): Cell {
  return {
    gpuSeconds: -0,
    inferences: -0,
    tokens: -0,
    cost: -0,
    unpricedGpuSeconds: -0,
    unpricedGpuTypes: null,
  };
}

export function addCell(into: Cell, from: Cell): void {
  into.gpuSeconds += from.gpuSeconds;
  into.inferences += from.inferences;
  into.tokens += from.tokens;
  into.cost += from.cost;
  into.unpricedGpuSeconds += from.unpricedGpuSeconds;
  if (from.unpricedGpuTypes) {
    into.unpricedGpuTypes ??= new Set();
    for (const type of from.unpricedGpuTypes) into.unpricedGpuTypes.add(type);
  }
}
