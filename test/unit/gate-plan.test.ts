import { describe, expect, it } from 'vitest';
import { type ConfiguredGates, planGate } from '../../src/core/gate-plan.js';

const configured: ConfiguredGates = {
  limits: { budget: 200 },
  basis: 'forecast',
  period: '2026-11',
  useCases: { search: { budget: 10, maxCostPerInference: 0.01 }, chat: { budget: 50 } },
};

describe('planGate', () => {
  it('makes one check per limit flag and scope, the unpriced share always checked', () => {
    const plan = planGate({
      flagLimits: { budget: 100, minTokensPerCost: 40_000 },
      useCases: ['chat', 'search'],
      basis: 'forecast',
      configured,
      configName: 'ml-cost.config.json',
    });
    expect(plan.basis).toBe('forecast');
    expect(plan.period).toBeUndefined();
    expect(plan.checks.map((c) => [c.metric, c.useCase, c.basis, c.limit])).toEqual([
      ['cost', 'chat', 'forecast', 100],
      ['tokens_per_cost', 'chat', 'actual', 40_000],
      ['unpriced_share', 'chat', 'actual', 0],
      ['cost', 'search', 'forecast', 100],
      ['tokens_per_cost', 'search', 'actual', 40_000],
      ['unpriced_share', 'search', 'actual', 0],
    ]);
  });

  it('takes the configured gates without limit flags, use cases in name order', () => {
    const plan = planGate({
      flagLimits: { maxUnpricedShare: 0.05 },
      configured,
      configName: 'ml-cost.config.json',
    });
    expect(plan).toMatchObject({ basis: 'forecast', period: '2026-11' });
    expect(plan.checks.map((c) => [c.metric, c.useCase ?? 'all', c.limit])).toEqual([
      ['cost', 'all', 200],
      ['unpriced_share', 'all', 0.05],
      ['cost', 'chat', 50],
      ['unpriced_share', 'chat', 0.05],
      ['cost', 'search', 10],
      ['cost_per_inference', 'search', 0.01],
      ['unpriced_share', 'search', 0.05],
    ]);
  });

  it('picks config sections with --use-case, and names the file when there is none', () => {
    const request = { flagLimits: {}, configured, configName: '/x/ml-cost.config.json' };
    const plan = planGate({ ...request, useCases: ['search'] });
    expect(new Set(plan.checks.map((c) => c.useCase))).toEqual(new Set(['search']));
    expect(() => planGate({ ...request, useCases: ['nope'] })).toThrow(
      /--use-case nope: no such use case under gates\.use_cases in \/x\/ml-cost\.config\.json/,
    );
  });

  it('refuses a gate without any check', () => {
    expect(() => planGate({ flagLimits: {}, configName: 'the config' })).toThrow(/no checks/);
  });
});

describe('planGate: drift and odds', () => {
  it('adds a drift check per scope from --max-drift, in the table order', () => {
    const plan = planGate({
      flagLimits: { budget: 100, maxDrift: 4 },
      useCases: ['chat'],
      configName: 'the config',
    });
    expect(plan.checks.map((c) => [c.metric, c.useCase, c.limit])).toEqual([
      ['cost', 'chat', 100],
      ['drift', 'chat', 4],
      ['unpriced_share', 'chat', 0],
    ]);
    // --max-drift alone is a check.
    expect(planGate({ flagLimits: { maxDrift: 3.5 }, configName: 'x' }).checks[0]).toMatchObject({
      metric: 'drift',
      limit: 3.5,
    });
  });

  it('turns a forecast budget into odds with a confidence: breach above 1 - P', () => {
    const plan = planGate({
      flagLimits: { budget: 12_000 },
      basis: 'forecast',
      confidence: 0.9,
      configName: 'the config',
    });
    expect(plan.checks[0]).toEqual({
      metric: 'overrun_probability',
      limit: expect.closeTo(0.1, 12),
      budget: 12_000,
      confidence: 0.9,
      basis: 'forecast',
    });
    // Without a confidence, --on forecast keeps the fail-closed budget.
    expect(
      planGate({ flagLimits: { budget: 1 }, basis: 'forecast', configName: 'x' }).checks[0]?.metric,
    ).toBe('cost');
  });

  it('takes confidence and max_drift from the configured gates', () => {
    const plan = planGate({
      flagLimits: {},
      configured: {
        limits: { budget: 200 },
        basis: 'forecast',
        confidence: 0.8,
        useCases: { chat: { maxDrift: 5 } },
      },
      configName: 'ml-cost.config.json',
    });
    expect(plan.checks.map((c) => [c.metric, c.useCase ?? 'all', c.limit])).toEqual([
      ['overrun_probability', 'all', expect.closeTo(0.2, 12)],
      ['unpriced_share', 'all', 0],
      ['drift', 'chat', 5],
      ['unpriced_share', 'chat', 0],
    ]);
  });

  it('refuses a confidence without a forecast basis or without a budget', () => {
    expect(() => planGate({ flagLimits: { budget: 1 }, confidence: 0.9, configName: 'x' })).toThrow(
      /--confidence: the odds of ending over budget come from the forecast; add --on forecast/,
    );
    expect(() =>
      planGate({
        flagLimits: { maxDrift: 3 },
        basis: 'forecast',
        confidence: 0.9,
        configName: 'x',
      }),
    ).toThrow(/--confidence: a confidence needs a budget/);
  });
});
