// Use cases ranked by margin (value - cost), the economically destructive ones flagged. Pure.
//
// Definitions (the contract `ml-cost rank` documents):
// - cost per inference = cost / inferences; margin per inference = value per inference - cost per
//   inference; total margin = value per inference × inferences - cost (so a use case that costs
//   money with no inferences has a negative margin).
// - cost share = cost / priced cost of all use cases; value share = value / value of all use cases
//   that have a value per inference.
// - marginal: total margin < 0, or cost share > factor × value share (factor default 2).
// - Cost and cost per inference follow the unit-cost rule (unit-costs.ts), as in report and gate.
// - Not judged (marginal = null): a use case without a value per inference, whose cost cannot
//   be priced (unpriced usage is never costed as zero), or whose inferences used no GPU time
//   (their cost is missing or elsewhere, not zero). A use case with part of its GPU time
//   unpriced has a known lower bound on its cost: if even that bound makes its margin negative
//   it is marginal for certain; otherwise it is not judged. Its priced part counts in the totals.
// - Order: judged use cases by total margin, most negative first; then the unjudged ones by cost,
//   highest first (unpriced last). Ties: higher cost first, then use case name (code-unit order),
//   so the order never depends on the input order.
// - Cumulative cost share runs down the rows in that order.

import { compareText } from './order.js';
import type { CatalogueUse, MeasureSampling, Note } from './report.js';
import { sum } from './stats.js';
import type { Window } from './types.js';
import {
  type GroupMeasures,
  groupCost,
  costPerInference as unitCostPerInference,
} from './unit-costs.js';

export const DEFAULT_MARGINAL_FACTOR = 2;

export interface RankInput extends Omit<GroupMeasures, 'tokens'> {
  readonly useCase: string;
  readonly valuePerInference?: number;
}

export type MarginalReason = 'negative-margin' | 'cost-share-exceeds-value-share';

/** no-gpu-time: inferences without GPU time are not free, their cost is missing or elsewhere. */
export type NotJudgedReason = 'no-value' | 'unpriced' | 'no-gpu-time';

export interface RankRow {
  readonly useCase: string;
  readonly cost: number | null;
  /** cost (and so cost per inference and cost share) is a lower bound: some usage is unpriced. */
  readonly costIsLowerBound: boolean;
  readonly inferences: number;
  readonly costPerInference: number | null;
  readonly valuePerInference: number | null;
  readonly value: number | null;
  readonly marginPerInference: number | null;
  readonly totalMargin: number | null;
  readonly costShare: number | null;
  readonly valueShare: number | null;
  readonly cumulativeCostShare: number | null;
  /** null when not judged. */
  readonly marginal: boolean | null;
  readonly reasons: readonly MarginalReason[];
  readonly notJudged?: NotJudgedReason;
}

export interface RankSummary {
  readonly useCases: number;
  readonly judged: number;
  readonly marginal: number;
  /** Priced cost of the marginal use cases. */
  readonly marginalCost: number;
  /** Their share of the priced cost of all use cases; null when there is none. */
  readonly marginalCostShare: number | null;
  readonly totalCost: number;
  readonly totalValue: number;
  readonly totalMargin: number;
  readonly withoutValue: readonly string[];
  readonly unpriced: readonly string[];
  readonly withoutGpuTime: readonly string[];
}

export interface Ranking {
  readonly factor: number;
  readonly rows: readonly RankRow[];
  readonly summary: RankSummary;
}

export function rankUseCases(
  inputs: readonly RankInput[],
  factor: number = DEFAULT_MARGINAL_FACTOR,
): Ranking {
  const totalCost = sum(inputs.map((u) => u.cost ?? 0));
  const totalValue = sum(
    inputs.map((u) => (u.valuePerInference === undefined ? 0 : u.valuePerInference * u.inferences)),
  );

  const unsorted = inputs.map((u) => judge(u, totalCost, totalValue, factor));
  const sorted = [...unsorted].sort(compareRows);

  let cumulative = 0;
  const rows = sorted.map((row) => {
    cumulative += row.cost ?? 0;
    return { ...row, cumulativeCostShare: totalCost > 0 ? cumulative / totalCost : null };
  });

  const marginal = rows.filter((r) => r.marginal === true);
  const marginalCost = sum(marginal.map((r) => r.cost ?? 0));
  const judged = rows.filter((r) => r.marginal !== null);
  return {
    factor,
    rows,
    summary: {
      useCases: rows.length,
      judged: judged.length,
      marginal: marginal.length,
      marginalCost,
      marginalCostShare: totalCost > 0 ? marginalCost / totalCost : null,
      totalCost,
      totalValue,
      totalMargin: sum(judged.map((r) => r.totalMargin ?? 0)),
      withoutValue: rows.filter((r) => r.notJudged === 'no-value').map((r) => r.useCase),
      unpriced: rows.filter((r) => r.notJudged === 'unpriced').map((r) => r.useCase),
      withoutGpuTime: rows.filter((r) => r.notJudged === 'no-gpu-time').map((r) => r.useCase),
    },
  };
}

function judge(input: RankInput, totalCost: number, totalValue: number, factor: number): RankRow {
  const { useCase, inferences } = input;
  // Cost and cost per inference by the unit-cost rule, as report and gate have them.
  const costFigure = groupCost(input);
  const cost = costFigure.kind === 'undefined' ? null : costFigure.value;
  const perInference = unitCostPerInference({ ...input, tokens: 0 });
  const costPerInference = perInference.kind === 'undefined' ? null : perInference.value;
  const valuePerInference = input.valuePerInference ?? null;
  const value = valuePerInference === null ? null : valuePerInference * inferences;
  const costShare = cost !== null && totalCost > 0 ? cost / totalCost : null;
  const valueShare = value !== null && totalValue > 0 ? value / totalValue : null;
  const costIsLowerBound = costFigure.kind === 'lower_bound';
  const base = {
    useCase,
    cost,
    costIsLowerBound,
    inferences,
    costPerInference,
    valuePerInference,
    value,
    costShare,
    valueShare,
    cumulativeCostShare: null,
  };
  const notJudged = (reason: NotJudgedReason): RankRow => ({
    ...base,
    marginPerInference: null,
    totalMargin: null,
    marginal: null,
    reasons: [],
    notJudged: reason,
  });
  if (cost === null) return notJudged('unpriced');
  if (input.gpuHours <= 0 && inferences > 0) return notJudged('no-gpu-time');
  if (value === null || valuePerInference === null) return notJudged('no-value');
  const totalMargin = value - cost;
  // A lower-bound cost with a margin still positive: the unpriced part could turn it negative.
  if (costIsLowerBound && totalMargin >= 0) return notJudged('unpriced');
  const marginPerInference =
    costPerInference === null ? null : valuePerInference - costPerInference;
  const reasons: MarginalReason[] = [];
  if (totalMargin < 0) reasons.push('negative-margin');
  if (costShare !== null && costShare > factor * (valueShare ?? 0)) {
    reasons.push('cost-share-exceeds-value-share');
  }
  return {
    ...base,
    marginPerInference,
    totalMargin,
    marginal: reasons.length > 0,
    reasons,
  };
}

function compareRows(a: RankRow, b: RankRow): number {
  const aJudged = a.totalMargin !== null;
  const bJudged = b.totalMargin !== null;
  if (aJudged !== bJudged) return aJudged ? -1 : 1;
  if (aJudged && bJudged && a.totalMargin !== b.totalMargin) {
    return (a.totalMargin ?? 0) - (b.totalMargin ?? 0);
  }
  if (a.cost !== b.cost) {
    if (a.cost === null) return 1;
    if (b.cost === null) return -1;
    return b.cost - a.cost;
  }
  return compareText(a.useCase, b.useCase);
}

/** Everything `ml-cost rank` prints. */
export interface RankReport {
  readonly window: Window;
  /** The label that names use cases. */
  readonly useCaseLabel: string;
  readonly source: string;
  readonly catalogue: CatalogueUse;
  readonly partial: boolean;
  /** How each gauge or presence was read (UsageReport.sampling). */
  readonly sampling?: readonly MeasureSampling[];
  readonly notes: readonly Note[];
  readonly ranking: Ranking;
  /** Where each value per inference came from. */
  readonly valueSources: Readonly<Record<string, 'config' | 'flag'>>;
}
