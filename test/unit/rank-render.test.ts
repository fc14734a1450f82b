import { describe, expect, it } from 'vitest';
import { rankUseCases } from '../../src/core/rank.js';
import { summarySentence } from '../../src/render/rank-view.js';
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
