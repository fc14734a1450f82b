// The unit-cost rule on generated groups: a bound is never presented as exact, every figure is
// true of the group whatever the unpriced GPU time turns out to cost, and a check never passes
// on a bound that cannot decide it.
import { describe, expect, it } from 'vitest';
import { evaluateCheck, type GateCheck, type ScopeUsage } from '../../src/core/gate.js';
import {
  costPerInference,
  type Figure,
  type GroupMeasures,
  groupCost,
  holdLimit,
  tokensPerCost,
} from '../../src/core/unit-costs.js';
import { prng } from '../../src/example/generate.js';

interface Case {
  readonly group: GroupMeasures;
  /** What the unpriced GPU-hours would cost at some rate the catalogue does not have. */
  readonly trueCost: number;
}

/** Groups with zero, some or all GPU time unpriced, and with or without inferences and tokens. */
function generate(seed: number): Case {
  const random = prng(seed);
  const pick = <T>(options: readonly T[]): T => options[Math.floor(random() * options.length)] as T;
  const gpuHours = pick([0, 0.25, 1, 37.5, 1000 * random()]);
  const unpricedGpuHours = gpuHours * pick([0, 0, 0.3 * random(), 1]);
  const pricedHours = gpuHours - unpricedGpuHours;
  const rate = pick([0, 0.71, 2.93, 10 * random()]);
  const priced = pricedHours * rate;
  const cost = unpricedGpuHours > 0 && pricedHours <= 0 ? null : priced;
  const group = {
    gpuHours,
    unpricedGpuHours,
    inferences: pick([0, 1, 480, Math.floor(100_000 * random())]),
    tokens: pick([0, 1000, Math.floor(1e7 * random())]),
    cost,
  };
  return { group, trueCost: priced + unpricedGpuHours * pick([0, 0.5, 5, 50]) };
}

const SEEDS = Array.from({ length: 2000 }, (_, i) => i + 1);

/** Whether the figure holds of the true value: equal, or on the right side of a bound. */
function holdsOf(figure: Figure, truth: number): boolean {
  if (figure.kind === 'undefined') return true;
  if (figure.value === truth) return true;
  const tolerance = 1e-9 * Math.max(1, Math.abs(truth));
  if (figure.kind === 'exact') {
    return Math.abs(figure.value - truth) <= tolerance;
  }
  if (figure.kind === 'lower_bound') return figure.value <= truth + tolerance;
  return figure.value >= truth - tolerance;
}

describe('the unit-cost rule on generated groups', () => {
  it('is exact only when every GPU-hour was priced, and undefined when none was', () => {
    for (const seed of SEEDS) {
      const { group } = generate(seed);
      for (const figure of [groupCost(group), costPerInference(group), tokensPerCost(group)]) {
        if (group.unpricedGpuHours > 0) expect(figure.kind, `seed ${seed}`).not.toBe('exact');
        if (group.cost === null) expect(figure.kind, `seed ${seed}`).toBe('undefined');
      }
    }
  });

  it('gives figures that hold whatever the unpriced GPU time costs', () => {
    for (const seed of SEEDS) {
      const { group, trueCost } = generate(seed);
      expect(holdsOf(groupCost(group), trueCost), `seed ${seed}`).toBe(true);
      const perInference = costPerInference(group);
      if (perInference.kind !== 'undefined') {
        expect(holdsOf(perInference, trueCost / group.inferences), `seed ${seed}`).toBe(true);
      }
      const perCost = tokensPerCost(group);
      if (perCost.kind !== 'undefined') {
        const truth = trueCost > 0 ? group.tokens / trueCost : Number.POSITIVE_INFINITY;
        expect(holdsOf(perCost, truth), `seed ${seed}`).toBe(true);
      }
    }
  });

  it('has no cost per inference or tokens per currency unit without GPU time', () => {
    const noGpu = { gpuHours: 0, unpricedGpuHours: 0, inferences: 10, tokens: 1000, cost: 0 };
    expect(costPerInference(noGpu)).toEqual({ kind: 'undefined', reason: 'no_gpu_time' });
    expect(tokensPerCost(noGpu)).toEqual({ kind: 'undefined', reason: 'no_gpu_time' });
  });

  it('turns a lower bound on cost into an upper bound on tokens per currency unit', () => {
    // 10 of 40 GPU-hours unpriced; 30 x 2 = 60 EUR priced; 600 000 tokens, 300 inferences.
    const group = {
      gpuHours: 40,
      unpricedGpuHours: 10,
      inferences: 300,
      tokens: 600_000,
      cost: 60,
    };
    expect(groupCost(group)).toEqual({ kind: 'lower_bound', value: 60 });
    expect(costPerInference(group)).toEqual({ kind: 'lower_bound', value: 0.2 });
    expect(tokensPerCost(group)).toEqual({ kind: 'upper_bound', value: 10_000 });
  });
});

describe('a gate on generated groups', () => {
  const checks = (limit: number): GateCheck[] => [
    { metric: 'cost', limit: limit * 100, basis: 'actual' },
    { metric: 'cost_per_inference', limit: limit / 100, basis: 'actual' },
    { metric: 'tokens_per_cost', limit: limit * 1000, basis: 'actual' },
  ];

  it('never passes on a bound, and passes or breaches only where the truth agrees', () => {
    let bounds = 0;
    let provenBreaches = 0;
    for (const seed of SEEDS) {
      const { group, trueCost } = generate(seed);
      const usage: ScopeUsage = { found: true, ...group };
      const limit = prng(seed * 7919)() * 3;
      for (const check of checks(limit)) {
        const result = evaluateCheck(check, usage);
        const truth =
          check.metric === 'cost'
            ? trueCost
            : check.metric === 'cost_per_inference'
              ? trueCost / group.inferences
              : trueCost > 0
                ? group.tokens / trueCost
                : Number.POSITIVE_INFINITY;
        const within =
          check.metric === 'tokens_per_cost' ? truth >= check.limit : truth <= check.limit;
        if (result.bound !== undefined) {
          bounds++;
          // Cost limits are maxima, fed lower bounds; the minimum is fed an upper bound.
          expect(result.status, `seed ${seed} ${check.metric}`).toBe('fail');
        }
        if (result.status === 'pass') expect(within, `seed ${seed} ${check.metric}`).toBe(true);
        if (result.headroom !== null && result.headroom < 0) {
          if (result.bound !== undefined) provenBreaches++;
          expect(within, `seed ${seed} ${check.metric}`).toBe(false);
        }
      }
    }
    // The generator must reach the cases the property is about.
    expect(bounds).toBeGreaterThan(100);
    expect(provenBreaches).toBeGreaterThan(10);
  });
});

describe('holdLimit', () => {
  it.each([
    [{ kind: 'exact', value: 5 }, 'max', 'pass'],
    [{ kind: 'exact', value: 11 }, 'max', 'breach'],
    [{ kind: 'lower_bound', value: 5 }, 'max', 'undecided'],
    [{ kind: 'lower_bound', value: 10 }, 'max', 'undecided'],
    [{ kind: 'lower_bound', value: 11 }, 'max', 'breach'],
    [{ kind: 'upper_bound', value: 5 }, 'max', 'pass'],
    [{ kind: 'upper_bound', value: 11 }, 'max', 'undecided'],
    [{ kind: 'upper_bound', value: 11 }, 'min', 'undecided'],
    [{ kind: 'upper_bound', value: 9 }, 'min', 'breach'],
    [{ kind: 'lower_bound', value: 11 }, 'min', 'pass'],
    [{ kind: 'undefined', reason: 'unpriced' }, 'max', 'undecided'],
  ] as const)('%j against %s 10 is %s', (figure, side, outcome) => {
    expect(holdLimit(figure, 10, side)).toBe(outcome);
  });
});
