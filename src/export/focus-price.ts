// The numbers of one FOCUS charge, written so that ListCost = ListUnitPrice × PricingQuantity
// holds exactly as written: in decimal arithmetic and in the binary floating point that
// validators and dataframes read CSV numbers into.

import { formatFixed } from './decimal.js';

/** Decimals of ListUnitPrice and ContractedUnitPrice: a catalogue rate is written as it is. */
export const UNIT_PRICE_DECIMALS = 9;
/** Decimals of PricingQuantity and ConsumedQuantity: GPU-hours to 3.6 microseconds. */
export const QUANTITY_DECIMALS = 9;
/** The exact product of a unit price and a quantity has the decimals of both. */
export const COST_DECIMALS = UNIT_PRICE_DECIMALS + QUANTITY_DECIMALS;

/**
 * How far (in units of the quantity's last decimal) the written quantity may move to find
 * one whose product reads back as the same number in floating point. Of 300,000 random
 * quantities at typical rates, 63% needed no move and none more than 61 units (0.2 ms of GPU
 * time); the bound only stops a search that cannot succeed.
 */
const MAX_NUDGE = 100_000;

export interface ChargeAmounts {
  /** ListUnitPrice = ContractedUnitPrice, as written. */
  readonly unitPrice: string;
  /** PricingQuantity = ConsumedQuantity, as written. */
  readonly quantity: string;
  /** ListCost = ContractedCost = EffectiveCost = BilledCost: unitPrice × quantity, exactly. */
  readonly cost: string;
}

/** A non-negative decimal text ("2.930000000") as an integer count of its last decimal. */
function units(text: string): bigint {
  return BigInt(text.replace('.', ''));
}

function textOf(value: bigint, decimals: number): string {
  const digits = value.toString().padStart(decimals + 1, '0');
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/**
 * The unit price and quantity rounded once, to their fixed decimals, and the cost computed
 * from those written numbers in integer arithmetic, so the product is exact. A reader that
 * parses the three into doubles and multiplies (the FOCUS validator does) gets the nearest
 * double to the exact product only for some quantities: the quantity is then moved by the
 * fewest units of its last decimal that make both readings agree, alternating up and down so
 * the moves do not drift one way. The cost differs from rate × GPU-hours by at most
 * rate × (0.5 + moves) × 1e-9.
 */
export function chargeAmounts(rate: number, gpuHours: number): ChargeAmounts {
  if (!(rate >= 0) || !(gpuHours >= 0)) {
    throw new RangeError(`a FOCUS charge needs a rate and GPU-hours >= 0 (${rate}, ${gpuHours})`);
  }
  const unitPrice = formatFixed(rate, UNIT_PRICE_DECIMALS);
  const price = units(unitPrice);
  const priceAsRead = Number(unitPrice);
  const rounded = units(formatFixed(gpuHours, QUANTITY_DECIMALS));
  for (let step = 0; step <= 2 * MAX_NUDGE; step++) {
    const move = step % 2 === 1 ? -(step + 1) / 2 : step / 2;
    const scaled = rounded + BigInt(move);
    if (scaled < 0n) continue;
    const quantity = textOf(scaled, QUANTITY_DECIMALS);
    const cost = textOf(price * scaled, COST_DECIMALS);
    if (priceAsRead * Number(quantity) === Number(cost)) return { unitPrice, quantity, cost };
  }
  throw new Error(`no FOCUS quantity near ${gpuHours} reconciles with the rate ${rate}`);
}

/**
 * The same charge in its pricing currency (FOCUS PricingCurrency* columns): the catalogue's own
 * rate, written once, times the quantity exactly as the billing columns wrote it, in integer
 * arithmetic. One quantity serves both currencies, so neither cost is rounded from the other.
 */
export function pricingCurrencyAmounts(
  rate: number,
  quantity: string,
): { readonly unitPrice: string; readonly cost: string } {
  if (!(rate >= 0)) throw new RangeError(`a FOCUS charge needs a rate >= 0 (${rate})`);
  const unitPrice = formatFixed(rate, UNIT_PRICE_DECIMALS);
  return { unitPrice, cost: textOf(units(unitPrice) * units(quantity), COST_DECIMALS) };
}

/** A signed count of a last decimal as text ("-2.400000000"). */
function signedText(value: bigint, decimals: number): string {
  return value < 0n ? `-${textOf(-value, decimals)}` : textOf(value, decimals);
}

export interface GpuTimeAmounts {
  readonly busyQuantity: string;
  readonly busyCost: string;
  /** Allocated - busy as written, so the two add up to the allocated charge exactly; may be < 0. */
  readonly idleQuantity: string;
  readonly idleCost: string;
}

/**
 * A charge's busy and idle GPU time at its rate (x_ columns): each written as chargeAmounts
 * writes a charge, idle as the difference of the written allocated and busy figures, so that
 * busy + idle is the allocated charge to the last decimal, in quantity and in cost.
 */
export function gpuTimeAmounts(
  rate: number,
  allocatedHours: number,
  busyHours: number,
): GpuTimeAmounts {
  const allocated = chargeAmounts(rate, allocatedHours);
  const busy = chargeAmounts(rate, busyHours);
  return {
    busyQuantity: busy.quantity,
    busyCost: busy.cost,
    idleQuantity: signedText(units(allocated.quantity) - units(busy.quantity), QUANTITY_DECIMALS),
    idleCost: signedText(units(allocated.cost) - units(busy.cost), COST_DECIMALS),
  };
}
