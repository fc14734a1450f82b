import { describe, expect, it } from 'vitest';
import {
  leastSquares,
  logGamma,
  median,
  robustSigma,
  rSquared,
  studentTCdf,
  studentTQuantile,
} from '../../src/core/stats.js';

describe('studentTQuantile', () => {
  // Values from printed t tables (one-sided upper quantiles).
  it.each([
    [0.9, 1, 3.0777],
    [0.9, 2, 1.8856],
    [0.9, 3, 1.6377],
    [0.9, 5, 1.4759],
    [0.9, 10, 1.3722],
    [0.9, 28, 1.3125],
    [0.9, 30, 1.3104],
    [0.9, 120, 1.2886],
    [0.95, 1, 6.3138],
    [0.975, 10, 2.2281],
    [0.995, 3, 5.8409],
  ])('t(%f, df=%i) = %f', (p, df, expected) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(expected, 4);
  });

  it('matches the closed forms for df 1 and 2', () => {
    expect(studentTQuantile(0.9, 1)).toBeCloseTo(Math.tan(Math.PI * 0.4), 10);
    expect(studentTQuantile(0.9, 2)).toBeCloseTo(0.8 / Math.sqrt(2 * 0.9 * 0.1), 10);
  });

  it('is symmetric about zero and inverts the CDF', () => {
    expect(studentTQuantile(0.5, 7)).toBe(0);
    expect(studentTQuantile(0.1, 7)).toBeCloseTo(-studentTQuantile(0.9, 7), 12);
    expect(studentTCdf(studentTQuantile(0.9, 17), 17)).toBeCloseTo(0.9, 12);
  });

  it('rejects probabilities and degrees of freedom out of range', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, 0)).toThrow(RangeError);
  });
});

describe('logGamma', () => {
  it('gives ln of factorials and of Γ(1/2) = √π', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
});

describe('leastSquares', () => {
  // x = 1..4, y = 2, 4, 5, 8 worked by hand: x̄ 2.5, ȳ 4.75, Sxx 5, Sxy 9.5.
  const fit = leastSquares([1, 2, 3, 4], [2, 4, 5, 8]);

  it('fits slope, intercept and residuals', () => {
    expect(fit.slope).toBeCloseTo(1.9, 12);
    expect(fit.intercept).toBeCloseTo(0, 12);
    expect(fit.sxx).toBe(5);
    fit.residuals.forEach((r, i) => {
      expect(r).toBeCloseTo([0.1, 0.2, -0.7, 0.4][i] ?? Number.NaN, 12);
    });
    expect(fit.sse).toBeCloseTo(0.7, 12);
    expect(fit.sst).toBeCloseTo(18.75, 12);
  });

  it('gives R² = 1 - SSE/SST', () => {
    expect(rSquared(fit)).toBeCloseTo(1 - 0.7 / 18.75, 12);
  });

  it('has no R² for a series that does not vary', () => {
    expect(rSquared(leastSquares([1, 2, 3], [5, 5, 5]))).toBeNull();
  });

  it('needs two distinct x values', () => {
    expect(() => leastSquares([1], [1])).toThrow(RangeError);
    expect(() => leastSquares([2, 2], [1, 3])).toThrow(RangeError);
  });
});

describe('median and robustSigma', () => {
  it('take the middle value, or the mean of the two middle ones, leaving the input alone', () => {
    const values = [5, 1, 4, 2, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 4, 2, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    // |v - 3| = 2, 2, 1, 1, 0: MAD 1, × 1.4826.
    expect(robustSigma(values)).toBeCloseTo(1.4826, 12);
    // One wild value moves it no more than any other.
    expect(robustSigma([5, 1, 4, 2, 3e9])).toBeCloseTo(robustSigma([5, 1, 4, 2, 6]), 12);
  });

  it('hold for long inputs beyond the first buffer', () => {
    const values = Array.from({ length: 1001 }, (_, i) => (i * 7919) % 1001);
    expect(median(values)).toBe(500);
  });
});
