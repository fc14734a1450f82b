// The exchange-rate side of `ml-cost pricing`: list, show and diff the rates of fx/.
import { pairKey } from '../core/effective-prices.js';
import type { Catalogue, FxRate } from '../core/types.js';
import { UsageError } from '../errors.js';
import { isoUtc } from '../iso-time.js';

type Standing = 'superseded' | 'in force' | 'upcoming';

/** Per rate: superseded, in force or upcoming at now, within its own pair. */
export function fxStandings(fx: readonly FxRate[], now: number): Standing[] {
  const current = new Map<string, number>();
  fx.forEach((rate, i) => {
    const pair = pairKey(rate.base, rate.quote);
    const best = current.get(pair);
    const later = best === undefined || rate.effectiveFromMs >= (fx[best]?.effectiveFromMs ?? 0);
    if (rate.effectiveFromMs <= now && later) current.set(pair, i);
  });
  return fx.map((rate, i) => {
    const inForce = current.get(pairKey(rate.base, rate.quote));
    if (inForce === i) return 'in force';
    return rate.effectiveFromMs <= now ? 'superseded' : 'upcoming';
  });
}

export function fxListJson(catalogue: Catalogue, now: number) {
  const fx = catalogue.fx ?? [];
  if (fx.length === 0) return {};
  const standing = fxStandings(fx, now);
  return {
    fx: fx.map((rate, i) => ({
      version: rate.version,
      effective_from: isoUtc(rate.effectiveFromMs),
      base: rate.base,
      quote: rate.quote,
      rate: rate.rate,
      status: standing[i],
    })),
  };
}

export function fxListRows(catalogue: Catalogue, now: number): string[][] {
  const fx = catalogue.fx ?? [];
  const standing = fxStandings(fx, now);
  return fx.map((rate, i) => [
    rate.version,
    isoUtc(rate.effectiveFromMs),
    `${rate.base}->${rate.quote}`,
    String(rate.rate),
    standing[i] ?? '',
  ]);
}

export const FX_LIST_HEAD = ['fx version', 'effective_from', 'pair', 'rate', 'status'];

/** The exchange-rate version called `name`, or undefined. */
export function findFx(catalogue: Catalogue, name: string): FxRate | undefined {
  return (catalogue.fx ?? []).find((rate) => rate.version === name);
}

export function fxShowJson(rate: FxRate) {
  return {
    version: rate.version,
    effective_from: isoUtc(rate.effectiveFromMs),
    base: rate.base,
    quote: rate.quote,
    rate: rate.rate,
    source: rate.source ?? null,
  };
}

/** "1 EUR = 1.14 USD", and the inverse ml-cost computes by dividing (shown, never stored). */
export function fxShowLines(rate: FxRate): string[] {
  return [
    `Exchange rate ${rate.version}, in force from ${isoUtc(rate.effectiveFromMs)} until the next ${rate.base}->${rate.quote} rate`,
    `1 ${rate.base} = ${rate.rate} ${rate.quote}  (a ${rate.quote} price is divided by ${rate.rate} to give ${rate.base}: 1 ${rate.quote} ≈ ${(1 / rate.rate).toPrecision(6)} ${rate.base})`,
    `source: ${rate.source ?? '(none given)'}`,
  ];
}

export interface FxDiff {
  readonly from: FxRate;
  readonly to: FxRate;
  readonly changePercent: number;
}

/** Two rates of one pair, in the same direction (validation allows only one per pair). */
export function diffFx(from: FxRate, to: FxRate): FxDiff {
  if (pairKey(from.base, from.quote) !== pairKey(to.base, to.quote)) {
    throw new UsageError(
      `pricing diff: "${from.version}" rates ${from.base}->${from.quote} but "${to.version}" rates ${to.base}->${to.quote}; compare two rates of one pair`,
    );
  }
  return { from, to, changePercent: ((to.rate - from.rate) / from.rate) * 100 };
}

export function fxDiffJson(diff: FxDiff) {
  const { from, to } = diff;
  return {
    pair: `${from.base}->${from.quote}`,
    from: { version: from.version, effective_from: isoUtc(from.effectiveFromMs), rate: from.rate },
    to: { version: to.version, effective_from: isoUtc(to.effectiveFromMs), rate: to.rate },
    change_pct: Number(diff.changePercent.toFixed(4)),
  };
}

export function fxDiffLines(diff: FxDiff): string[] {
  const { from, to, changePercent } = diff;
  const sign = changePercent > 0 ? '+' : '';
  return [
    `Exchange rate ${from.base}->${from.quote}: ${from.version} -> ${to.version}`,
    `${from.rate} -> ${to.rate} (${sign}${changePercent.toFixed(2)}%): a ${from.base} price converts to ${Math.abs(changePercent).toFixed(2)}% ${changePercent >= 0 ? 'more' : 'less'} ${from.quote}; a ${from.quote} price to ${Math.abs((from.rate / to.rate - 1) * 100).toFixed(2)}% ${from.rate >= to.rate ? 'more' : 'less'} ${from.base}`,
  ];
}
