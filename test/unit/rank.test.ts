import { describe, expect, it } from 'vitest';
import { type RankInput, rankUseCases } from '../../src/core/rank.js';
import { priced } from '../helpers/usage-report.js';

// Hand-worked: total priced cost 1250; value of the valued use cases 500 + 100 + 1000 + 300 = 1900.
const useCases: RankInput[] = [
  priced('chat', 300, 1000, 0.5),
  // The seed example: EUR 3 per inference against EUR 0.50 earned.
  priced('summarise', 600, 200, 0.5),
  priced('search', 100, 10_000, 0.1),
  priced('vision', 200, 100, 3),
  priced('experimental', 50, 10),
];

describe('rankUseCases', () => {
  const ranking = rankUseCases(useCases);

  it('orders judged use cases by total margin, most destructive first, unvalued last', () => {
    expect(ranking.rows.map((r) => r.useCase)).toEqual([
      'summarise',
      'vision',
      'chat',
      'search',
      'experimental',
    ]);
    expect(ranking.rows.map((r) => r.totalMargin)).toEqual([-500, 100, 200, 900, null]);
  });

  it('computes unit economics and shares', () => {
    const summarise = ranking.rows[0];
    expect(summarise?.costPerInference).toBe(3);
    expect(summarise?.marginPerInference).toBe(-2.5);
    expect(summarise?.costShare).toBeCloseTo(0.48, 12);
    expect(summarise?.valueShare).toBeCloseTo(100 / 1900, 12);
    expect(ranking.rows.map((r) => r.cumulativeCostShare)).toEqual([
      expect.closeTo(0.48, 12),
      expect.closeTo(0.64, 12),
      expect.closeTo(0.88, 12),
      expect.closeTo(0.96, 12),
      expect.closeTo(1, 12),
    ]);
  });

  it('flags negative margins and cost shares beyond factor × value share', () => {
    expect(ranking.rows.map((r) => r.marginal)).toEqual([true, false, false, false, null]);
    expect(ranking.rows[0]?.reasons).toEqual(['negative-margin', 'cost-share-exceeds-value-share']);
    expect(ranking.rows[4]?.notJudged).toBe('no-value');
    expect(ranking.summary.marginal).toBe(1);
    expect(ranking.summary.marginalCostShare).toBeCloseTo(0.48, 12);
    expect(ranking.summary.withoutValue).toEqual(['experimental']);
  });

  it('uses the factor given: at 1, vision (16% of cost, 15.8% of value) is marginal too', () => {
    const strict = rankUseCases(useCases, 1);
    expect(strict.rows[1]?.useCase).toBe('vision');
    expect(strict.rows[1]?.marginal).toBe(true);
    expect(strict.rows[1]?.reasons).toEqual(['cost-share-exceeds-value-share']);
    expect(strict.summary.marginal).toBe(2);
    expect(strict.summary.marginalCostShare).toBeCloseTo(800 / 1250, 12);
  });

  it('does not judge an unpriced use case, and never counts it as free', () => {
    const ranking = rankUseCases([
      priced('a', 10, 10, 2),
      {
        useCase: 'b',
        cost: null,
        gpuHours: 1,
        unpricedGpuHours: 1,
        inferences: 10,
        valuePerInference: 2,
      },
    ]);
    expect(ranking.rows[1]).toMatchObject({ useCase: 'b', marginal: null, notJudged: 'unpriced' });
    expect(ranking.summary.unpriced).toEqual(['b']);
    expect(ranking.rows[0]?.costShare).toBe(1);
  });

  it('judges a partly unpriced use case only when its priced part alone is a loss', () => {
    const partly = rankUseCases([
      // Priced part 400 already exceeds its value 100: a loss whatever the rest costs.
      {
        useCase: 'lossy',
        cost: 400,
        gpuHours: 1,
        unpricedGpuHours: 0.5,
        inferences: 200,
        valuePerInference: 0.5,
      },
      // Priced part 50 against value 1000: the unpriced rest could go either way.
      {
        useCase: 'unsure',
        cost: 50,
        gpuHours: 1,
        unpricedGpuHours: 0.5,
        inferences: 1000,
        valuePerInference: 1,
      },
      priced('fine', 550, 1000, 1),
    ]);
    const byName = Object.fromEntries(partly.rows.map((row) => [row.useCase, row]));
    expect(byName.lossy).toMatchObject({
      marginal: true,
      totalMargin: -300,
      costIsLowerBound: true,
    });
    expect(byName.unsure).toMatchObject({ marginal: null, notJudged: 'unpriced', cost: 50 });
    // Priced parts count in the totals: 400 + 50 + 550.
    expect(partly.summary.totalCost).toBe(1000);
    expect(partly.summary.unpriced).toEqual(['unsure']);
    expect(partly.rows.map((row) => row.useCase)).toEqual(['lossy', 'fine', 'unsure']);
  });

  it('counts cost without inferences as a negative margin', () => {
    const ranking = rankUseCases([priced('idle', 5, 0, 1)]);
    expect(ranking.rows[0]).toMatchObject({
      totalMargin: -5,
      costPerInference: null,
      marginPerInference: null,
      marginal: true,
    });
  });

  it('breaks ties by cost, then name, whatever the input order', () => {
    const tied: RankInput[] = [
      priced('b', 10, 10, 2),
      priced('a', 10, 10, 2),
      priced('c', 20, 15, 2),
    ];
    const names = (input: RankInput[]) => rankUseCases(input).rows.map((r) => r.useCase);
    expect(names(tied)).toEqual(['c', 'a', 'b']);
    expect(names([...tied].reverse())).toEqual(['c', 'a', 'b']);
  });

  it('does not judge inferences without GPU time: their cost is missing, not zero', () => {
    const ranking = rankUseCases([
      {
        useCase: 'ghost',
        gpuHours: 0,
        unpricedGpuHours: 0,
        cost: 0,
        inferences: 500,
        valuePerInference: 1,
      },
    ]);
    expect(ranking.rows[0]).toMatchObject({
      costPerInference: null,
      marginal: null,
      notJudged: 'no-gpu-time',
    });
    expect(ranking.summary.withoutGpuTime).toEqual(['ghost']);
  });
});
