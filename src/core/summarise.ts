// Turns ledger cells into report rows and totals: unit costs, shares, and the unpriced part,
// kept raw (unrounded) so that rounding happens once, in the renderer.
//
// The totals come first, summed straight from the ledger's cells: every row's cost share needs
// the report's cost. The rows are then made a period at a time, as they are read, and sorted
// within their period: a report of 7 million rows never holds more than one period's rows.

import type { CellStore, SumChunk } from './cell-store.js';
import { gpuTimeSplit, pricedSums } from './gpu-time.js';
import type { Ledger } from './ledger.js';
import { CELL_LAYOUT, COST_MEASURE, MEASURES, type Metric } from './measures.js';
import { compareText } from './order.js';
import type { Period, UsageRow, UsageRows, UsageTotals } from './report.js';
import type { Labels, PriceVersion } from './types.js';
import { costPerInference, exactValue, type GroupMeasures, tokensPerCost } from './unit-costs.js';

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
  /** Made as they are read, in period order (see UsageRows). */
  readonly rows: UsageRows;
  readonly totals: UsageTotals;
  readonly unpricedShare: number;
  /** Versions that priced at least one hour of usage, in effective order. */
  readonly versionsUsed: string[];
  /** The groups that have at least one row, in the order their usage was first read. */
  readonly groups: readonly Labels[];
}

/** The sums of a row or of the totals, at CELL_LAYOUT's slots. */
interface SumCell {
  readonly sums: Float64Array;
  unpricedGpuTypes: Set<string> | null;
}

const NO_TYPES: readonly string[] = Object.freeze([]);
const SLOTS = CELL_LAYOUT.size;

export function summarise(ledger: Ledger, options: SummariseOptions): Summary {
  const cells = new RowCells(ledger, options.splitVersions);
  const total: SumCell = { sums: new Float64Array(SLOTS), unpricedGpuTypes: null };
  const row: SumCell = { sums: new Float64Array(SLOTS), unpricedGpuTypes: null };
  const allVersions = new Set<number>();
  const groups: Labels[] = [];
  let rowCount = 0;
  for (let group = 0; group < ledger.groups.length; group++) {
    let rows = 0;
    for (let r = 0; r < cells.rowsPerGroup; r++) {
      if (!cells.sum(group, r, row, allVersions)) continue;
      rows++;
      addSums(total, row);
    }
    if (rows > 0) groups.push(ledger.groups[group] as Labels);
    rowCount += rows;
  }
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

  const unitCosts = options.rowUnitCosts !== false;
  const makeRow = (group: Labels, period: Period | undefined, versions: Set<number>): UsageRow => {
    const own = toTotals(row, pricing);
    // Written field by field, not spread: a row is made per group and period (millions of
    // them by hour), and spreading into a literal costs V8 a slow copy each time.
    const made: Mutable<UsageRow> = {
      group,
      versions: versionNames(versions),
      gpuHours: own.gpuHours,
      inferences: own.inferences,
      tokens: own.tokens,
      quantities: own.quantities,
      cost: own.cost,
      unpricedGpuHours: own.unpricedGpuHours,
      unpricedGpuTypes: own.unpricedGpuTypes,
      costPerInference: unitCosts ? own.costPerInference : null,
      tokensPerCost: unitCosts ? own.tokensPerCost : null,
      costShare: own.cost !== null && totals.cost ? own.cost / totals.cost : null,
    };
    if (period) made.period = period;
    if (unitCosts && own.unitCosts) made.unitCosts = own.unitCosts;
    if (own.gpuTime) made.gpuTime = own.gpuTime;
    if (own.basisGpuHours !== undefined) made.basisGpuHours = own.basisGpuHours;
    return made;
  };

  const order = new RowOrder(ledger.groups, cells, options.versions, pricing.measure);
  const rows: UsageRows = {
    length: rowCount,
    *[Symbol.iterator]() {
      const versions = new Set<number>();
      for (let p = 0; p < cells.periodCount; p++) {
        const period = options.periods ? options.periods[p] : undefined;
        // Only which rows the period has and their costs are held while it is sorted; each
        // row is made (summed again) just before it is handed out.
        const found = order.period(p);
        for (let i = 0; i < found.length; i++) {
          const at = found[i] as number;
          const group = Math.floor(at / cells.rowsPerGroup);
          versions.clear();
          cells.sum(group, at % cells.rowsPerGroup, row, versions);
          yield makeRow(ledger.groups[group] as Labels, period, versions);
        }
      }
    },
  };

  return {
    rows,
    totals,
    unpricedShare: unpricedShare(total, pricing.measure),
    versionsUsed: versionNames(allVersions),
    groups,
  };
}

/**
 * Which ledger cells make each row of a group: a period's cells together, or (split by version)
 * each cell alone. Sums them the way rows and totals are summed: from 0, cell after cell.
 */
class RowCells {
  readonly rowsPerGroup: number;
  readonly periodCount: number;
  /** Cells of a group's row r are [rowCells[r], rowCells[r + 1]). */
  private readonly rowCells: Int32Array;
  /** A group's rows of period p are [periodRows[p], periodRows[p + 1]). */
  private readonly periodRows: Int32Array;
  private readonly store: CellStore;
  /** The columns of the chunk last read (most rows in a row lie in it). */
  private chunk = -1;
  /** Its columns that hold a sum, and their slots: the others are 0 throughout the chunk. */
  private columns: SumChunk[] = [];
  private slots: number[] = [];

  constructor(
    private readonly ledger: Ledger,
    split: boolean,
  ) {
    const { plan } = ledger;
    this.store = ledger.store;
    this.periodCount = plan.periodCells.length - 1;
    if (split) {
      this.rowCells = Int32Array.from({ length: plan.cellsPerGroup + 1 }, (_, i) => i);
      this.periodRows = plan.periodCells;
    } else {
      this.rowCells = plan.periodCells;
      this.periodRows = Int32Array.from({ length: this.periodCount + 1 }, (_, i) => i);
    }
    this.rowsPerGroup = this.rowCells.length - 1;
  }

  /** A group's rows of period p are [first, end). */
  rowsOfPeriod(p: number): { first: number; end: number } {
    return { first: this.periodRows[p] as number, end: this.periodRows[p + 1] as number };
  }

  /** The first (lowest) version of a row's cells (-1 when none had one), for the row order. */
  firstVersion(group: number, r: number): number {
    const present = this.store.presenceOf(this.store.chunkOf(group));
    const base = this.store.baseOf(group);
    let first = -1;
    for (let cell = this.rowCells[r] as number; cell < (this.rowCells[r + 1] as number); cell++) {
      const version = this.ledger.plan.version[cell] as number;
      if (present[base + cell] !== 0 && version >= 0 && (first < 0 || version < first)) {
        first = version;
      }
    }
    return first;
  }

  /**
   * Sums a group's row r into `into` (from 0) and adds the versions of its cells (-1 left out)
   * to `versions`. False when no cell of the row was given a value: there is no such row.
   */
  sum(group: number, r: number, into: SumCell, versions: Set<number>): boolean {
    const { store, ledger } = this;
    const { plan } = ledger;
    const chunk = store.chunkOf(group);
    if (chunk !== this.chunk) {
      this.chunk = chunk;
      this.columns = [];
      this.slots = [];
      for (let slot = 0; slot < SLOTS; slot++) {
        const sums = store.read(slot, chunk);
        if (!sums) continue;
        this.columns.push(sums);
        this.slots.push(slot);
      }
    }
    const { columns, slots } = this;
    const present = store.presenceOf(chunk);
    const base = store.baseOf(group);
    const from = this.rowCells[r] as number;
    const to = this.rowCells[r + 1] as number;
    let found = false;
    for (let cell = from; cell < to; cell++) {
      if (present[base + cell] === 0) continue;
      if (!found) {
        into.sums.fill(0);
        into.unpricedGpuTypes = null;
        found = true;
      }
      const version = plan.version[cell] as number;
      if (version >= 0) versions.add(version);
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i] as number;
        into.sums[slot] =
          (into.sums[slot] as number) + ((columns[i] as SumChunk)[base + cell] as number);
      }
      const types = ledger.unpricedTypesOf(group * plan.cellsPerGroup + cell);
      if (types) {
        into.unpricedGpuTypes ??= new Set();
        for (const type of types) into.unpricedGpuTypes.add(type);
      }
    }
    return found;
  }
}

function addSums(into: SumCell, from: SumCell): void {
  for (let slot = 0; slot < SLOTS; slot++) {
    into.sums[slot] = (into.sums[slot] as number) + (from.sums[slot] as number);
  }
  if (from.unpricedGpuTypes) {
    into.unpricedGpuTypes ??= new Set();
    for (const type of from.unpricedGpuTypes) into.unpricedGpuTypes.add(type);
  }
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
  const gpuHours = quantity.gpu_seconds;
  const unpricedGpuHours = basis.unpricedSeconds / SECONDS_PER_HOUR;
  // The unit-cost rule judges the basis' GPU time: "no GPU time" is none busy, under busy.
  const basisHours = basis.seconds / SECONDS_PER_HOUR + 0;
  const judged: GroupMeasures = {
    gpuHours: ownBasis ? basisHours : gpuHours,
    inferences: quantity.inferences,
    tokens: quantity.tokens,
    cost: basis.cost,
    unpricedGpuHours,
  };
  // The unit-cost rule: exact figures go in the number fields, bounds only in unitCosts.
  const unitCosts = {
    costPerInference: costPerInference(judged),
    tokensPerCost: tokensPerCost(judged),
  };
  const totals: Mutable<UsageTotals> = {
    gpuHours,
    inferences: quantity.inferences,
    tokens: quantity.tokens,
    cost: basis.cost,
    unpricedGpuHours,
    quantities: quantity,
    unpricedGpuTypes: cell.unpricedGpuTypes ? [...cell.unpricedGpuTypes].sort() : NO_TYPES,
    costPerInference: exactValue(unitCosts.costPerInference),
    tokensPerCost: exactValue(unitCosts.tokensPerCost),
    unitCosts,
  };
  if (pricing.gpuTime) totals.gpuTime = gpuTimeSplit(sums);
  if (ownBasis) totals.basisGpuHours = basisHours;
  return totals;
}

/** A row or totals while it is being made: its optional fields are set only when present. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Within one period: the most expensive first; then by labels, for stable output (and, split by
 * version, by the row's version).
 */
class RowOrder {
  /** Each group's label text, made once. */
  private readonly keys: (string | undefined)[] = [];

  constructor(
    private readonly groups: readonly Labels[],
    private readonly cells: RowCells,
    private readonly versions: readonly PriceVersion[],
    private readonly measure: Metric,
  ) {}

  /** The period's rows (group * rowsPerGroup + row), in order. */
  period(p: number): Float64Array {
    const { cells } = this;
    const { first, end } = cells.rowsOfPeriod(p);
    const sums: SumCell = { sums: new Float64Array(SLOTS), unpricedGpuTypes: null };
    const ignored = new Set<number>();
    const found: number[] = [];
    const costs: number[] = [];
    for (let group = 0; group < this.groups.length; group++) {
      for (let r = first; r < end; r++) {
        if (!cells.sum(group, r, sums, ignored)) continue;
        found.push(group * cells.rowsPerGroup + r);
        costs.push(pricedSums(sums.sums, this.measure).cost ?? -1);
      }
    }
    const byIndex = Int32Array.from(found, (_, i) => i).sort((a, b) => {
      const cost = (costs[b] as number) - (costs[a] as number);
      if (cost !== 0) return cost;
      const at = found[a] as number;
      const bt = found[b] as number;
      const labels = compareText(this.key(at), this.key(bt));
      if (labels !== 0) return labels;
      return compareText(this.versionName(at), this.versionName(bt));
    });
    return Float64Array.from(byIndex, (i) => found[i] as number);
  }

  private key(at: number): string {
    const group = Math.floor(at / this.cells.rowsPerGroup);
    let key = this.keys[group];
    if (key === undefined) {
      key = JSON.stringify(this.groups[group]);
      this.keys[group] = key;
    }
    return key;
  }

  private versionName(at: number): string {
    const { rowsPerGroup } = this.cells;
    const version = this.cells.firstVersion(Math.floor(at / rowsPerGroup), at % rowsPerGroup);
    return version < 0 ? '' : (this.versions[version]?.version ?? '?');
  }
}
