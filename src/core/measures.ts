// The usage measures ml-cost reads, as data: what a measure is, how a source reads it and
// how outputs name it. A new measure is one definition here plus its columns in each output,
// not a change to the ledger, the sources or summarise.

/**
 * How a source turns a metric's samples into a bucket's usage: a counter's increase over the
 * bucket; a gauge's samples in the bucket, each worth its value for one sample interval
 * (value x seconds); or a series' presence, each sample worth one sample interval whatever its
 * value (the seconds a series exists: DCGM's "this GPU is held by this pod"). See
 * sources/sample-interval.ts for the rule and why.
 */
export type MeasureKind = 'counter' | 'gauge' | 'presence';

/** Whether a kind counts samples times the sample interval (gauge, presence), not increases. */
export function readsSamples(kind: MeasureKind): boolean {
  return kind !== 'counter';
}

export interface MeasureDefinition {
  /** The key in presets, the config's `metrics` and messages, e.g. `gpu_seconds`. */
  readonly name: string;
  /** How the metric is read unless a preset or the config says otherwise. */
  readonly kind: MeasureKind;
  /** What one unit of a bucket's usage is, after increase or sampling. */
  readonly unit: 'second' | 'token' | 'inference';
  /**
   * Priced per GPU-type hour: grouped by the GPU-type label as well as the report's labels,
   * its seconds priced with the catalogue's gpu_hour rate of that type.
   */
  readonly pricedPerGpuHour: boolean;
  /** How messages name it: "no series of ml_gpu_seconds_total (GPU-seconds)". */
  readonly words: string;
  /**
   * How outputs name its quantity, and what its sum is divided by to show it there:
   * GPU-seconds show as gpu_hours (a division, as ever: x / 3600 and x * (1 / 3600) differ).
   */
  readonly output: { readonly field: string; readonly title: string; readonly divideBy: number };
}

const SECONDS_PER_HOUR = 3600;

/**
 * Every measure, in the order sources ask for them and cells hold them. `as const` keeps the
 * names as a type, so a misspelt measure is a compile error.
 */
export const MEASURES = [
  {
    name: 'gpu_seconds',
    kind: 'counter',
    unit: 'second',
    pricedPerGpuHour: true,
    words: 'GPU-seconds',
    output: { field: 'gpu_hours', title: 'GPU-hours', divideBy: SECONDS_PER_HOUR },
  },
  {
    // GPU time doing work (DCGM engine activity x time), beside the allocated gpu_seconds:
    // idle = allocated - busy. Read only when a preset or the config names it.
    name: 'gpu_busy_seconds',
    kind: 'gauge',
    unit: 'second',
    pricedPerGpuHour: true,
    words: 'busy GPU-seconds',
    output: { field: 'busy_gpu_hours', title: 'busy GPU-hours', divideBy: SECONDS_PER_HOUR },
  },
  {
    name: 'tokens',
    kind: 'counter',
    unit: 'token',
    pricedPerGpuHour: false,
    words: 'tokens',
    output: { field: 'tokens', title: 'tokens', divideBy: 1 },
  },
  {
    name: 'input_tokens',
    kind: 'counter',
    unit: 'token',
    pricedPerGpuHour: false,
    words: 'input tokens',
    output: { field: 'input_tokens', title: 'input tokens', divideBy: 1 },
  },
  {
    name: 'output_tokens',
    kind: 'counter',
    unit: 'token',
    pricedPerGpuHour: false,
    words: 'output tokens',
    output: { field: 'output_tokens', title: 'output tokens', divideBy: 1 },
  },
  {
    name: 'inferences',
    kind: 'counter',
    unit: 'inference',
    pricedPerGpuHour: false,
    words: 'inferences',
    output: { field: 'inferences', title: 'inferences', divideBy: 1 },
  },
] as const satisfies readonly MeasureDefinition[];

/** A measure's name: the key every layer uses for it. */
export type Metric = (typeof MEASURES)[number]['name'];

/** Every measure's name, in MEASURES order. */
export const METRICS: readonly Metric[] = MEASURES.map((measure) => measure.name);

const BY_NAME: ReadonlyMap<string, MeasureDefinition> = new Map(
  MEASURES.map((measure) => [measure.name, measure]),
);

/** Every measure at 0, for rows built by hand. */
export function noQuantities(): Record<Metric, number> {
  return Object.fromEntries(METRICS.map((name) => [name, 0])) as Record<Metric, number>;
}

export function measureOf(name: Metric): MeasureDefinition {
  return BY_NAME.get(name) as MeasureDefinition;
}

export function isMetric(name: string): name is Metric {
  return BY_NAME.has(name);
}

/**
 * Where each measure's sums sit in a ledger cell: one slot per measure for its quantity, then
 * per measure priced per GPU-hour one for its cost and one for its unpriced quantity. Fixed at
 * load, so the ledger's loop indexes a Float64Array instead of switching on names.
 */
export interface CellLayout {
  /** Slots per cell. */
  readonly size: number;
  /** Per measure (MEASURES order): its quantity's slot. */
  readonly quantity: Readonly<Record<Metric, number>>;
  /** Per measure priced per GPU-hour: its cost's slot, and its unpriced quantity's; -1 otherwise. */
  readonly cost: Readonly<Record<Metric, number>>;
  readonly unpriced: Readonly<Record<Metric, number>>;
}

function layout(): CellLayout {
  const quantity = {} as Record<Metric, number>;
  const cost = {} as Record<Metric, number>;
  const unpriced = {} as Record<Metric, number>;
  let size = 0;
  for (const measure of MEASURES) quantity[measure.name] = size++;
  for (const measure of MEASURES) {
    const priced = (measure as MeasureDefinition).pricedPerGpuHour;
    cost[measure.name] = priced ? size++ : -1;
    unpriced[measure.name] = priced ? size++ : -1;
  }
  return { size, quantity, cost, unpriced };
}

export const CELL_LAYOUT: CellLayout = layout();

/**
 * What a report's cost is the cost of (--cost-basis, config cost_basis): the GPU time
 * allocated (held by a workload, busy or not) or the GPU time busy.
 */
export type CostBasis = 'allocated' | 'busy';

export const COST_BASES: readonly CostBasis[] = ['allocated', 'busy'];

/** The measure each cost basis prices. */
const BASIS_MEASURE: Readonly<Record<CostBasis, Metric>> = {
  allocated: 'gpu_seconds',
  busy: 'gpu_busy_seconds',
};

/** The measure whose cost is a report's cost under a cost basis. */
export function costMeasureOf(basis: CostBasis): Metric {
  return BASIS_MEASURE[basis];
}

/** The measure whose cost is a report's cost by default: allocated GPU time. */
export const COST_MEASURE: Metric = costMeasureOf('allocated');

/**
 * The measures rows carry a field of their own for (gpuHours, tokens, inferences), and busy
 * GPU time, which outputs show beside idle GPU time and both costs (report.ts GpuTimeSplit).
 */
const OWN_FIELD: ReadonlySet<string> = new Set([
  'gpu_seconds',
  'gpu_busy_seconds',
  'tokens',
  'inferences',
]);

/**
 * The measures a report read beyond those with a field of their own, in MEASURES order: outputs
 * show them as columns of their own just before tokens (input_tokens, output_tokens, where the
 * naming tells input from output), and only when read, so reports without them stay as they were.
 */
export function extraMeasures(measured: readonly Metric[]): MeasureDefinition[] {
  return MEASURES.filter(
    (measure) => !OWN_FIELD.has(measure.name) && measured.includes(measure.name),
  );
}
