// The one rule for a group's cost and unit costs, shared by report, rank, gate and forecast:
// each figure is exact, a bound, or undefined with the reason. Pure.
//
// - Cost is exact when every GPU-hour was priced; a lower bound when some GPU-hours have no
//   rate (the priced part is what is known); undefined ('unpriced') when none has a rate.
// - Cost per inference = cost / inferences, with the cost's kind. Undefined without inferences,
//   and without GPU time: inferences that used no GPU time are not free, their GPU time is
//   missing or counted elsewhere.
// - Tokens per currency unit = tokens / cost. A lower bound on cost is an upper bound on tokens
//   per currency unit. Undefined without GPU time, or without tokens and cost. Tokens whose GPU
//   time cost exactly nothing (a rate of 0) have an unbounded ratio (Infinity).
// - A limit is held against a figure: an exact figure passes or breaches; a bound on the safe
//   side of the limit passes, on the far side breaches, and otherwise proves nothing, so the
//   check fails as undecided (a lower bound under a maximum never passes).

/** What a figure is: the value itself, or a bound on it. */
export type FigureKind = 'exact' | 'lower_bound' | 'upper_bound';

/** Why a figure has no value. */
export type UndefinedReason = 'unpriced' | 'no_gpu_time' | 'no_inferences' | 'no_tokens';

export type Figure =
  | { readonly kind: FigureKind; readonly value: number }
  | { readonly kind: 'undefined'; readonly reason: UndefinedReason };

/** The measures of a group (or scope) the rule needs. UsageTotals and UsageRow have them. */
export interface GroupMeasures {
  readonly gpuHours: number;
  readonly unpricedGpuHours: number;
  readonly inferences: number;
  readonly tokens: number;
  /** Cost of the priced GPU-hours; null when there is GPU time and none of it was priced. */
  readonly cost: number | null;
}

export function groupCost(
  group: Pick<GroupMeasures, 'gpuHours' | 'unpricedGpuHours' | 'cost'>,
): Figure {
  const pricedHours = group.gpuHours - group.unpricedGpuHours;
  if (group.cost === null || (group.unpricedGpuHours > 0 && pricedHours <= 0)) {
    return { kind: 'undefined', reason: 'unpriced' };
  }
  return { kind: group.unpricedGpuHours > 0 ? 'lower_bound' : 'exact', value: group.cost };
}

export function costPerInference(group: GroupMeasures): Figure {
  if (group.inferences <= 0) return { kind: 'undefined', reason: 'no_inferences' };
  if (group.gpuHours <= 0) return { kind: 'undefined', reason: 'no_gpu_time' };
  const cost = groupCost(group);
  if (cost.kind === 'undefined') return cost;
  return { kind: cost.kind, value: cost.value / group.inferences };
}

export function tokensPerCost(group: GroupMeasures): Figure {
  if (group.gpuHours <= 0) return { kind: 'undefined', reason: 'no_gpu_time' };
  const cost = groupCost(group);
  if (cost.kind === 'undefined') return cost;
  // No tokens for a cost is 0 per currency unit; no tokens for nothing is no ratio at all.
  if (group.tokens <= 0 && cost.value <= 0) return { kind: 'undefined', reason: 'no_tokens' };
  const value = cost.value > 0 ? group.tokens / cost.value : Number.POSITIVE_INFINITY;
  return { kind: cost.kind === 'lower_bound' ? 'upper_bound' : cost.kind, value };
}

/** The value of an exact, finite figure; null for a bound, an unbounded ratio or no value. */
export function exactValue(figure: Figure): number | null {
  return figure.kind === 'exact' && Number.isFinite(figure.value) ? figure.value : null;
}

/** The kind of limit: a maximum holds at or below it, a minimum at or above it. */
export type LimitSide = 'max' | 'min';

export type LimitOutcome = 'pass' | 'breach' | 'undecided';

/** How a figure stands against a limit; an undefined figure decides nothing either. */
export function holdLimit(figure: Figure, limit: number, side: LimitSide): LimitOutcome {
  if (figure.kind === 'undefined') return 'undecided';
  const within = side === 'max' ? figure.value <= limit : figure.value >= limit;
  if (figure.kind === 'exact') return within ? 'pass' : 'breach';
  // A bound pointing away from the limit still says where the true value lies.
  const safeBound = side === 'max' ? 'upper_bound' : 'lower_bound';
  if (figure.kind === safeBound) return within ? 'pass' : 'undecided';
  return within ? 'undecided' : 'breach';
}
