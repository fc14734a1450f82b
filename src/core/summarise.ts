// Turns ledger cells into report rows and totals: unit costs, shares, and the unpriced part,
// kept raw (unrounded) so that rounding happens once, in the renderer.

import { gpuTimeSplit, pricedSums } from './gpu-time.js';
import { addCell, emptyCell, type LedgerEntry, type SumCell } from './ledger.js';
import { CELL_LAYOUT, COST_MEASURE, MEASURES, type Metric } from './measures.js';
import { compareText } from './order.js';
import type { Period, UsageRow, UsageTotals } from './report.js';
import type { Labels, PriceVersion } from './types.js';
import { costPerInference, exactValue, tokensPerCost } from './unit-costs.js';

const SECONDS_PER_HOUR = 3600;

export interface SummariseOptions {
  readonly periods: readonly Period[] | null;
  readonly versions: readonly PriceVersion[];
  /** Keep one row per catalogue version (exports) instead of merging versions. */
  readonly splitVersions: boolean;
  /**
   * False when the rows split usage by a label only GPU time carries (the GPU type):
   * inferences and tokens cannot follow, so per-row unit costs would be meaningless.
   */
  readonly rowUnitCosts?: boolean;
  /** The measure whose cost is the rows' cost (default COST_MEASURE, allocated GPU time). */
  readonly costMeasure?: Metric;
  /** Split GPU time into busy and idle in every row and the totals (busy GPU time was read). */
  readonly gpuTime?: boolean;
}

export interface Summary {
  readonly rows: UsageRow[];
  readonly totals: UsageTotals;
  readonly unpricedShare: number;
  /** Versions that priced at least one hour of usage, in effective order. */
  readonly versionsUsed: string[];
}

interface Bucket {
  readonly group: Labels;
  readonly period: number;
  /** Indexes of the versions that priced the bucket's usage (few: usually one). */
  readonly versions: number[];
  readonly cell: SumCell;
}

const NO_TYPES: readonly string[] = Object.freeze([]);

/** Entries must come a group at a time, as Ledger.entries() hands them out. */
export function summarise(entries: Iterable<LedgerEntry>, options: SummariseOptions): Summary {
  const buckets: Bucket[] = [];
  const allVersions = new Set<number>();
  const versionSlots = options.versions.length + 1;
  // The ledger hands out a group's entries together: one map of its buckets at a time,
  // reused, instead of a map per group (10,000 groups made 10,000 maps).
  let group: Labels | undefined;
  const groupBuckets = new Map<number, Bucket>();
  for (const entry of entries) {
    if (entry.group !== group) {
      group = entry.group;
      groupBuckets.clear();
    }
    // One bucket per period, or per period and version (-1, none in force, is slot 0).
    const versionSlot = options.splitVersions ? entry.version + 1 : 0;
    const key = entry.period * versionSlots + versionSlot;
    let bucket = groupBuckets.get(key);
    if (!bucket) {
      bucket = { group, period: entry.period, versions: [], cell: emptyCell() };
      groupBuckets.set(key, bucket);
      buckets.push(bucket);
    }
    if (entry.version >= 0) {
      if (!bucket.versions.includes(entry.version)) bucket.versions.push(entry.version);
      allVersions.add(entry.version);
    }
    addCell(bucket.cell, entry);
  }

  const total = emptyCell();
  for (const bucket of buckets) addCell(total, bucket.cell);
  const pricing: Pricing = {
    measure: options.costMeasure ?? COST_MEASURE,
    gpuTime: options.gpuTime === true,
  };
  const totals = toTotals(total, pricing);

  // Most rows share their list of versions: name each distinct list once.
  const namesByKey = new Map<string, string[]>();
  const versionNames = (indexes: Iterable<number>): string[] => {
    const sorted = [...indexes].sort((a, b) => a - b);
    const key = sorted.join(',');
    let names = namesByKey.get(key);
    if (!names) {
      names = sorted.map((i) => options.versions[i]?.version ?? '?');
      namesByKey.set(key, names);
    }
    return names;
  };

  const rows = buckets.map((bucket): UsageRow => {
    const own = toTotals(bucket.cell, pricing);
    const unitCosts = options.rowUnitCosts !== false;
    const period = options.periods ? options.periods[bucket.period] : undefined;
    return {
      group: bucket.group,
      ...(period ? { period } : {}),
      versions: versionNames(bucket.versions),
      gpuHours: own.gpuHours,
      inferences: own.inferences,
      tokens: own.tokens,
      quantities: own.quantities,
      cost: own.cost,
      unpricedGpuHours: own.unpricedGpuHours,
      unpricedGpuTypes: own.unpricedGpuTypes,
      costPerInference: unitCosts ? own.costPerInference : null,
      tokensPerCost: unitCosts ? own.tokensPerCost : null,
      ...(unitCosts && own.unitCosts ? { unitCosts: own.unitCosts } : {}),
      costShare: own.cost !== null && totals.cost ? own.cost / totals.cost : null,
      ...(own.gpuTime ? { gpuTime: own.gpuTime } : {}),
      ...(own.basisGpuHours !== undefined ? { basisGpuHours: own.basisGpuHours } : {}),
    };
  });
  sortRows(rows);

  return {
    rows,
    totals,
    unpricedShare: unpricedShare(total, pricing.measure),
    versionsUsed: versionNames(allVersions),
  };
}

/** What a row's cost is the cost of, and whether rows split GPU time into busy and idle. */
interface Pricing {
  readonly measure: Metric;
  readonly gpuTime: boolean;
}

function unpricedShare(total: SumCell, measure: Metric): number {
  const quantity = total.sums[CELL_LAYOUT.quantity[measure]] as number;
  return quantity > 0 ? (total.sums[CELL_LAYOUT.unpriced[measure]] as number) / quantity : 0;
}

/** Each measure's quantity in the unit outputs show it in (GPU-seconds as hours). */
function quantities(sums: Float64Array): Record<Metric, number> {
  const out = {} as Record<Metric, number>;
  for (const measure of MEASURES) {
    // Adding 0 turns a -0 (a sum of -0 pieces) into 0: "-0" must never reach a table or a file.
    out[measure.name] =
      (sums[CELL_LAYOUT.quantity[measure.name]] as number) / measure.output.divideBy + 0;
  }
  return out;
}

function toTotals(cell: SumCell, pricing: Pricing): UsageTotals {
  const { sums } = cell;
  const quantity = quantities(sums);
  // A row whose GPU time could not be priced at all has no cost, not a zero cost.
  const basis = pricedSums(sums, pricing.measure);
  const ownBasis = pricing.measure !== COST_MEASURE;
  const measures = {
    gpuHours: quantity.gpu_seconds,
    inferences: quantity.inferences,
    tokens: quantity.tokens,
    cost: basis.cost,
    unpricedGpuHours: basis.unpricedSeconds / SECONDS_PER_HOUR,
  };
  // The unit-cost rule judges the basis' GPU time: "no GPU time" is none busy, under busy.
  const basisHours = basis.seconds / SECONDS_PER_HOUR + 0;
  const judged = ownBasis ? { ...measures, gpuHours: basisHours } : measures;
  // The unit-cost rule: exact figures go in the number fields, bounds only in unitCosts.
  const unitCosts = {
    costPerInference: costPerInference(judged),
    tokensPerCost: tokensPerCost(judged),
  };
  return {
    ...measures,
    quantities: quantity,
    unpricedGpuTypes: cell.unpricedGpuTypes ? [...cell.unpricedGpuTypes].sort() : NO_TYPES,
    costPerInference: exactValue(unitCosts.costPerInference),
    tokensPerCost: exactValue(unitCosts.tokensPerCost),
    unitCosts,
    ...(pricing.gpuTime ? { gpuTime: gpuTimeSplit(sums) } : {}),
    ...(ownBasis ? { basisGpuHours: basisHours } : {}),
  };
}

/** Periods in time order; within one, the most expensive first; then by labels, for stable output. */
function sortRows(rows: UsageRow[]): void {
  // Each group's label text once, not twice per comparison.
  const labelKeys = new Map<Labels, string>();
  const labelKey = (group: Labels) => {
    let key = labelKeys.get(group);
    if (key === undefined) {
      key = JSON.stringify(group);
      labelKeys.set(group, key);
    }
    return key;
  };
  rows.sort((a, b) => {
    const period = (a.period?.startMs ?? 0) - (b.period?.startMs ?? 0);
    if (period !== 0) return period;
    const cost = (b.cost ?? -1) - (a.cost ?? -1);
    if (cost !== 0) return cost;
    const labels = compareText(labelKey(a.group), labelKey(b.group));
    if (labels !== 0) return labels;
    return compareText(a.versions[0] ?? '', b.versions[0] ?? '');
  });
}
