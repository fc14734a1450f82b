import { describe, expect, it } from 'vitest';
import { rankUseCases } from '../../src/core/rank.js';
import { summarySentence } from '../../src/render/rank-view.js';

describe('summarySentence', () => {
  it('says how many use cases are marginal and what share of GPU cost they consume', () => {
    // a and b lose money: 35.2 of 100.
    const ranking = rankUseCases([
      {
        useCase: 'a',
        gpuHours: 1,
        unpricedGpuHours: 0,
        cost: 20,
        inferences: 10,
        valuePerInference: 1,
      },
      {
        useCase: 'b',
        gpuHours: 1,
        unpricedGpuHours: 0,
        cost: 15.2,
        inferences: 10,
        valuePerInference: 1,
      },
      {
        useCase: 'c',
        gpuHours: 1,
        unpricedGpuHours: 0,
        cost: 64.8,
        inferences: 1000,
        valuePerInference: 1,
      },
      { useCase: 'd', gpuHours: 1, unpricedGpuHours: 0, cost: 0, inferences: 5 },
    ]);
    expect(summarySentence(ranking, 'EUR')).toBe(
      '2 marginal use cases consume 35.2% of GPU cost (EUR 35.20 of EUR 100.00). Not judged, no value per inference set: d.',
    );
  });

  it('speaks in the singular for one', () => {
    const ranking = rankUseCases([
      {
        useCase: 'a',
        gpuHours: 1,
        unpricedGpuHours: 0,
        cost: 5,
        inferences: 1,
        valuePerInference: 1,
      },
    ]);
    expect(summarySentence(ranking, 'EUR')).toMatch(/^1 marginal use case consumes 100\.0% /);
  });
});
