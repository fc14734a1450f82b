// The usage report: what `report`, `export`, `forecast`, `rank` and `gate` are all built from.
import type { CostBasis } from './measures.js';
import type { Labels, Metric, Window } from './types.js';
import type { Figure } from './unit-costs.js';

export type Granularity = 'total' | 'day' | 'hour';

/** One period of a report: [startMs, endMs), labelled in the report's time zone by the renderer. */
export interface Period {
  readonly startMs: number;
  readonly endMs: number;
}

/** Usage and cost of a whole report, or of one of its rows. */
export interface UsageTotals {
  readonly gpuHours: number;
  readonly inferences: number;
  readonly tokens: number;
  /**
   * Every measure's quantity as outputs show it (MeasureDefinition.output): gpuHours,
   * inferences and tokens again, and the measures that have no field of their own.
   */
  readonly quantities: Readonly<Record<Metric, number>>;
  /**
   * Cost of the priced GPU-hours. null when there is GPU usage but none of it could be
   * priced: unpriced usage is never shown as zero.
   */
  readonly cost: number | null;
  /**
   * GPU-hours (of the cost basis) of types the catalogue version in force had no rate for (or
   * no version at all).
   */
  readonly unpricedGpuHours: number;
  readonly unpricedGpuTypes: readonly string[];
  /**
   * Exact only (unit-costs.ts): null without inferences or GPU time, or when part of the usage
   * is unpriced (unitCosts then has the bound).
   */
  readonly costPerInference: number | null;
  /** Exact and finite only: null when cost is zero or part of the usage is unpriced. */
  readonly tokensPerCost: number | null;
  /** Both unit costs by the unit-cost rule, bounds included; absent where rows have none. */
  readonly unitCosts?: UnitCosts;
  /** Busy and idle GPU time and their costs: present when busy GPU time was read. */
  readonly gpuTime?: GpuTimeSplit;
  /**
   * GPU-hours of the cost basis when that is not the allocated GPU time (gpuHours): what cost
   * and unpricedGpuHours are of. Absent under the allocated basis (costGpuHours() reads it).
   */
  readonly basisGpuHours?: number;
}

/**
 * Allocated GPU time split into busy and idle, priced per GPU type. Idle = allocated - busy,
 * never clamped: a negative idle is busy time with no allocation behind it (warned about).
 */
export interface GpuTimeSplit {
  readonly busyGpuHours: number;
  readonly idleGpuHours: number;
  /** Cost of the allocated GPU time, by the rule for cost (null: none of it priced). */
  readonly allocatedCost: number | null;
  /** Cost of the busy GPU time, by the rule for cost (null: none of it priced). */
  readonly busyCost: number | null;
  /** allocatedCost - busyCost; null when any allocated or busy GPU time is unpriced (no bound). */
  readonly idleCost: number | null;
  readonly unpricedAllocatedGpuHours: number;
  readonly unpricedBusyGpuHours: number;
}

/** The GPU-hours a row's cost is the cost of: busy under the busy basis, else allocated. */
export function costGpuHours(row: Pick<UsageTotals, 'gpuHours' | 'basisGpuHours'>): number {
  return row.basisGpuHours ?? row.gpuHours;
}

export interface UnitCosts {
  readonly costPerInference: Figure;
  readonly tokensPerCost: Figure;
}

/** Usage and cost of one group (and period, and — when split — catalogue version). */
export interface UsageRow extends UsageTotals {
  readonly group: Labels;
  /** Absent when granularity is 'total'. */
  readonly period?: Period;
  /** Catalogue versions whose prices made this row's cost, in effective order. */
  readonly versions: readonly string[];
  /** Exchange-rate versions that converted this row's cost; absent when none did. */
  readonly fxVersions?: readonly string[];
  /** Share of the report's priced cost, 0..1; null when the report has no priced cost. */
  readonly costShare: number | null;
}

export interface CatalogueUse {
  readonly origin: string;
  readonly hash: string;
  /** The reporting currency: every cost, in every row, is in it. */
  readonly currency: string;
  /**
   * The exchange-rate versions that converted at least one hour of usage into the reporting
   * currency (for a window without usage, those in force over it); empty when no conversion
   * was needed (or absent).
   */
  readonly fxVersions?: readonly string[];
  /**
   * Currencies the catalogue (or the forced version) prices in, sorted; present only when one
   * differs from currency, that is when figures are converted.
   */
  readonly pricingCurrencies?: readonly string[];
  /** Pairs without a rate in force for part of the window ("EUR->GBP from <hour>"): unpriced. */
  readonly missingFx?: readonly string[];
  /** Set when --fx-version forced rates over the whole window. */
  readonly forcedFxVersions?: readonly string[];
  /**
   * The versions that priced at least one hour of the window's usage; for a window without
   * usage, the versions in force over it.
   */
  readonly versions: readonly string[];
  /** Set when --catalogue-version forced one version over the whole window. */
  readonly forcedVersion?: string;
  /**
   * What every cost is the cost of: allocated or busy GPU time. Set (and named by every output,
   * beside the versions) when busy GPU time is configured; without it the basis is allocated.
   */
  readonly costBasis?: CostBasis;
}

/** Something to tell with a result: on stderr, never in stdout's result (JSON lists them too). */
export interface Note {
  readonly text: string;
  /**
   * Set on the note about unpriced usage: tables and Markdown already show that in their own
   * way (the footnote on starred costs, lower bounds), so it goes to stderr only beside data.
   */
  readonly unpriced?: true;
}

/**
 * Usage no attribution rule claims (with rules), or whose series carry no use-case label:
 * already in the totals and in the rows (under an empty use case), counted here to be named.
 */
export interface Unattributed {
  readonly totals: UsageTotals;
  /** Share of the report's GPU-hours, 0..1 (0 without GPU usage). */
  readonly gpuShare: number;
  /** True when attribution rules decided; false when a missing use-case label did. */
  readonly byRules: boolean;
  /** How many distinct label sets were unattributed, and a few of them (the labels read). */
  readonly labelSets: number;
  readonly examples: readonly Labels[];
}

export interface UsageReport {
  readonly window: Window;
  readonly granularity: Granularity;
  readonly by: readonly string[];
  readonly source: string;
  readonly catalogue: CatalogueUse;
  readonly rows: readonly UsageRow[];
  readonly totals: UsageTotals;
  /** Share of GPU-hours that could not be priced, 0..1 (0 when there was no GPU usage). */
  readonly unpricedShare: number;
  /** Warnings worth printing with the result (window cut, empty metrics, partial data). */
  readonly notes: readonly Note[];
  readonly partial: boolean;
  /** True when none of the metrics read had a series in the window: an empty or misnamed source. */
  readonly noSeries: boolean;
  /** The measures the naming has and the report read (input_tokens and output_tokens only when named). */
  readonly measured: readonly Metric[];
  /** Present when attribution rules are set or some usage has no use case. */
  readonly unattributed?: Unattributed;
  /** How each gauge or presence read was sampled (absent when only counters were read). */
  readonly sampling?: readonly MeasureSampling[];
}

/** A gauge's or presence's sample interval, as the report's provenance names it. */
export interface MeasureSampling {
  readonly measure: Metric;
  readonly kind: 'gauge' | 'presence';
  readonly interval: {
    readonly ms: number;
    readonly how: 'configured' | 'detected' | 'sparse' | 'assumed';
  };
}

/**
 * Whether a report read allocated and busy GPU time: rows then split it into busy and idle, and
 * outputs show their columns (as they show input_tokens only when read).
 */
export function splitsGpuTime(report: Partial<Pick<UsageReport, 'measured'>>): boolean {
  const measured = report.measured ?? [];
  return measured.includes('gpu_seconds') && measured.includes('gpu_busy_seconds');
}
