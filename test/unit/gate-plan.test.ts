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
