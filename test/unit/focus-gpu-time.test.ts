// FOCUS x_ columns of busy and idle GPU time: written as charges are, so that busy + idle is
// the allocated charge to the last decimal, idle negative where busy exceeds the allocation.
import { describe, expect, it } from 'vitest';
import { chargeAmounts, gpuTimeAmounts } from '../../src/export/focus-price.js';

/** Decimal text as an exact count of its last decimal. */
const units = (text: string, decimals: number) => {
  const [whole = '', fraction = ''] = text.replace('-', '').split('.');
  const value = BigInt(whole + fraction.padEnd(decimals, '0'));
  return text.startsWith('-') ? -value : value;
};

describe('busy and idle amounts of a FOCUS charge', () => {
  it('gives hand numbers: 10 h allocated, 6 h busy at 2 EUR/h', () => {
    expect(gpuTimeAmounts(2, 10, 6)).toEqual({
      busyQuantity: '6.000000000',
      busyCost: '12.000000000000000000',
      idleQuantity: '4.000000000',
      idleCost: '8.000000000000000000',
    });
  });

  it('keeps a negative idle', () => {
    expect(gpuTimeAmounts(2, 0, 3)).toMatchObject({
      idleQuantity: '-3.000000000',
      idleCost: '-6.000000000000000000',
    });
  });

  it('adds up to the allocated charge exactly, for awkward rates and hours', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 300; i++) {
      const rate = Math.round(next() * 9_000_000) / 1_000_000;
      const allocated = next() * 500;
      const busy = next() < 0.1 ? allocated + next() * 5 : allocated * next();
      const time = gpuTimeAmounts(rate, allocated, busy);
      const charge = chargeAmounts(rate, allocated);
      expect(units(time.busyQuantity, 9) + units(time.idleQuantity, 9)).toBe(
        units(charge.quantity, 9),
      );
      expect(units(time.busyCost, 18) + units(time.idleCost, 18)).toBe(units(charge.cost, 18));
      // The busy part is what a charge of the busy time would be (the busy basis' charge).
      expect(time.busyCost).toBe(chargeAmounts(rate, busy).cost);
    }
  });
});
