import { describe, expect, it } from 'vitest';
import {
  evaluateCheck,
  evaluateGate,
  type GateCheck,
  type ScopeUsage,
  sumScope,
} from '../../src/core/gate.js';
import { usageRow } from '../helpers/usage-report.js';

function usage(overrides: Partial<ScopeUsage> = {}): ScopeUsage {
  return {
    found: true,
    gpuHours: 100,
    unpricedGpuHours: 0,
    inferences: 10_000,
    tokens: 2_000_000,
    cost: 293, // 100 GPU-hours x 2.93
    ...overrides,
  };
}

const budget = (limit: number, extra: Partial<GateCheck> = {}): GateCheck => ({
  metric: 'cost',
  limit,
  basis: 'actual',
  ...extra,
});

describe('evaluateCheck', () => {
  it('passes a budget at or under the limit and reports the headroom', () => {
    expect(evaluateCheck(budget(300), usage())).toMatchObject({
      status: 'pass',
      measured: 293,
      headroom: 7,
    });
    expect(evaluateCheck(budget(293), usage()).status).toBe('pass');
  });

  it('fails a budget over the limit with negative headroom', () => {
    expect(evaluateCheck(budget(250), usage())).toMatchObject({
      status: 'fail',
      measured: 293,
      headroom: -43,
    });
  });

  it('holds the forecast against the budget when asked to', () => {
    const check = budget(400, { basis: 'forecast' });
    expect(
      evaluateCheck(check, usage({ forecastCost: { kind: 'exact', value: 450 } })),
    ).toMatchObject({
      status: 'fail',
      measured: 450,
      headroom: -50,
    });
  });

  it('fails a forecast budget when no forecast could be made', () => {
    const check = budget(400, { basis: 'forecast' });
    expect(evaluateCheck(check, usage())).toMatchObject({
      status: 'fail',
      unmeasured: 'no_forecast',
    });
    const unpriced = { kind: 'undefined', reason: 'unpriced' } as const;
    expect(evaluateCheck(check, usage({ forecastCost: unpriced }))).toMatchObject({
      status: 'fail',
      unmeasured: 'unpriced',
    });
  });

  it('measures cost per inference as cost / inferences', () => {
    const check: GateCheck = { metric: 'cost_per_inference', limit: 0.02, basis: 'actual' };
    // 293 / 10 000 = 0.0293 per inference, over a 0.02 limit.
    const result = evaluateCheck(check, usage());
    expect(result.status).toBe('fail');
    expect(result.measured).toBeCloseTo(0.0293, 12);
    expect(result.headroom).toBeCloseTo(-0.0093, 12);
  });

  it('measures tokens per currency unit as a minimum', () => {
    const check: GateCheck = { metric: 'tokens_per_cost', limit: 5000, basis: 'actual' };
    // 2 000 000 / 293 = 6825.94 tokens per EUR.
    const result = evaluateCheck(check, usage());
    expect(result.status).toBe('pass');
    expect(result.measured).toBeCloseTo(2_000_000 / 293, 9);
    expect(result.headroom).toBeCloseTo(2_000_000 / 293 - 5000, 9);
    expect(evaluateCheck({ ...check, limit: 7000 }, usage()).status).toBe('fail');
  });

  it('tokens on GPU time priced at zero meet any minimum', () => {
    const check: GateCheck = { metric: 'tokens_per_cost', limit: 1e9, basis: 'actual' };
    expect(evaluateCheck(check, usage({ cost: 0 }))).toMatchObject({
      status: 'pass',
      measured: Number.POSITIVE_INFINITY,
    });
  });

  it('fails unit-cost checks it cannot measure', () => {
    const perInference: GateCheck = { metric: 'cost_per_inference', limit: 1, basis: 'actual' };
    const perToken: GateCheck = { metric: 'tokens_per_cost', limit: 1, basis: 'actual' };
    expect(evaluateCheck(perInference, usage({ inferences: 0 })).unmeasured).toBe('no_inferences');
    expect(evaluateCheck(perToken, usage({ tokens: 0 })).unmeasured).toBe('no_tokens');
    const unpriced = usage({ cost: null, unpricedGpuHours: 100 });
    expect(evaluateCheck(perInference, unpriced).unmeasured).toBe('unpriced');
  });

  it('fails cost checks on a scope without GPU time: a misnamed metric is not a free month', () => {
    for (const metric of ['cost', 'cost_per_inference', 'tokens_per_cost'] as const) {
      const check: GateCheck = { metric, limit: 1e12, basis: 'actual' };
      expect(evaluateCheck(check, usage({ gpuHours: 0, cost: 0 })).unmeasured).toBe('no_gpu_usage');
    }
  });

  it('fails closed on any unpriced usage with the default 0 % share', () => {
    const check: GateCheck = { metric: 'unpriced_share', limit: 0, basis: 'actual' };
    expect(evaluateCheck(check, usage({ unpricedGpuHours: 0.001 })).status).toBe('fail');
    expect(evaluateCheck(check, usage()).status).toBe('pass');
  });

  it('allows unpriced usage up to an explicit share', () => {
    const check: GateCheck = { metric: 'unpriced_share', limit: 0.05, basis: 'actual' };
    // 4 of 100 GPU-hours unpriced: 4 %.
    expect(evaluateCheck(check, usage({ unpricedGpuHours: 4 }))).toMatchObject({
      status: 'pass',
      measured: 0.04,
    });
    expect(evaluateCheck(check, usage({ unpricedGpuHours: 6 })).status).toBe('fail');
  });

  it('fails every check when the scope has no usage at all', () => {
    for (const metric of [
      'cost',
      'cost_per_inference',
      'tokens_per_cost',
      'unpriced_share',
    ] as const) {
      const check: GateCheck = { metric, limit: 1e12, basis: 'actual' };
      expect(evaluateCheck(check, usage({ found: false })).unmeasured).toBe('no_usage');
      expect(evaluateCheck(check, undefined).unmeasured).toBe('no_usage');
    }
  });
});

describe('evaluateGate', () => {
  it('passes only when every check passes, each against its own scope', () => {
    const scopes: Record<string, ScopeUsage> = {
      all: usage(),
      chat: usage({ cost: 200, inferences: 4000 }),
    };
    const usageOf = (useCase: string | undefined) => scopes[useCase ?? 'all'];
    const passing = evaluateGate([budget(300), budget(250, { useCase: 'chat' })], usageOf);
    expect(passing.passed).toBe(true);
    const breached = evaluateGate([budget(300), budget(150, { useCase: 'chat' })], usageOf);
    expect(breached.passed).toBe(false);
    expect(breached.results.map((r) => r.status)).toEqual(['pass', 'fail']);
  });

  it('a use case that is not in the data fails', () => {
    const result = evaluateGate([budget(300, { useCase: 'typo' })], () => undefined);
    expect(result.passed).toBe(false);
  });

  it('no checks is not a pass', () => {
    expect(evaluateGate([], () => usage()).passed).toBe(false);
  });
});

describe('sumScope', () => {
  const row = usageRow;

  it('adds the priced part of each row and keeps the unpriced hours', () => {
    const scope = sumScope([
      row({ gpuHours: 10, cost: 29.3, inferences: 5 }),
      row({ gpuHours: 2, cost: null, unpricedGpuHours: 2 }),
    ]);
    expect(scope).toMatchObject({ found: true, gpuHours: 12, unpricedGpuHours: 2, inferences: 5 });
    expect(scope.cost).toBeCloseTo(29.3, 12);
  });

  it('has no cost when none of the GPU usage was priced', () => {
    expect(sumScope([row({ gpuHours: 2, cost: null, unpricedGpuHours: 2 })]).cost).toBeNull();
  });

  it('finds no usage in empty or all-zero rows', () => {
    expect(sumScope([]).found).toBe(false);
    expect(sumScope([row({})]).found).toBe(false);
  });
});
