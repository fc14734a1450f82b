import { describe, expect, it } from 'vitest';
import { rankUseCases } from '../../src/core/rank.js';
import { rankView, summarySentence } from '../../src/render/rank-view.js';
import { priced } from '../helpers/usage-report.js';

describe('summarySentence', () => {
  it('says how many use cases are marginal and what share of GPU cost they consume', () => {
    // a and b lose money: 35.2 of 100.
    const ranking = rankUseCases([
      priced('a', 20, 10, 1),
      priced('b', 15.2, 10, 1),
      priced('c', 64.8, 1000, 1),
      priced('d', 0, 5),
    ]);
    expect(summarySentence(ranking, 'EUR')).toBe(
      '2 marginal use cases consume 35.2% of GPU cost (EUR 35.20 of EUR 100.00). Not judged, no value per inference set: d.',
    );
  });

  it('speaks in the singular for one', () => {
    const ranking = rankUseCases([priced('a', 5, 1, 1)]);
    expect(summarySentence(ranking, 'EUR')).toMatch(/^1 marginal use case consumes 100\.0% /);
  });
});

describe('rank without values', () => {
  const ranking = rankUseCases([
    priced('a', 20, 10),
    { ...priced('b', 5, 10), unpricedGpuHours: 0.5 },
  ]);

  it('says that no use case has a value, not "0 marginal use cases consume 0.0%"', () => {
    expect(summarySentence(ranking, 'EUR')).toBe(
      'No use case has a value per inference, so none is judged: set use_cases.<name>.value_per_inference in ml-cost.config.json or pass --value name=AMOUNT. ≥: part of the GPU time has no rate in the catalogue; the cost shown is what could be priced.',
    );
  });

  it('shows no total margin, and a total cost marked as a lower bound', () => {
    const view = rankView({
      window: { fromMs: 0, toMs: 3_600_000, tz: 'UTC', label: 'x' },
      useCaseLabel: 'use_case',
      source: 'test',
      catalogue: { origin: 'test', hash: 'h', currency: 'EUR', versions: ['v1'] },
      partial: false,
      notes: [],
      ranking,
      valueSources: {},
    });
    // total, cost, inferences, cost/inf, value/inf, margin/inf, margin
    expect(view.totals.slice(0, 2)).toEqual(['total', '≥ 25.00']);
    expect(view.totals[6]).toBe('–');
  });
});
