// Effective versions: catalogue versions converted into the reporting currency at the rate in
// force. The invariant: no bucket of any plan is ever converted at a rate that was not in force
// at its start, nor straddles a change of rate or price.
import { describe, expect, it } from 'vitest';
import { planBuckets } from '../../src/core/buckets.js';
import { effectiveVersions, provenanceOf } from '../../src/core/effective-prices.js';
import { dayPeriods, hourPeriods } from '../../src/core/periods.js';
import { rateOf } from '../../src/core/prices.js';
import type { Period } from '../../src/core/report.js';
import { type FxRate, HOUR_MS, type PriceVersion, type Window } from '../../src/core/types.js';

const NOV = Date.UTC(2026, 10, 1);
const usd = (version: string, fromMs: number, a100: number): PriceVersion => ({
  version,
  effectiveFromMs: fromMs,
  currency: 'USD',
  gpuHour: { 'A100-80GB': a100, L4: 0.8 },
});
const rate = (version: string, fromMs: number, base: string, quote: string, r: number): FxRate => ({
  version,
  effectiveFromMs: fromMs,
  base,
  quote,
  rate: r,
});

describe('effectiveVersions', () => {
  const versions = [usd('v1', NOV, 3.5), usd('v2', NOV + 20 * 24 * HOUR_MS, 4)];
  const fx = [
    rate('r-nov', NOV, 'EUR', 'USD', 1.25),
    rate('r-mid', NOV + (15 * 24 + 12) * HOUR_MS, 'EUR', 'USD', 1.6),
  ];

  it('are the catalogue versions, under their names, when no conversion is needed', () => {
    const same = effectiveVersions({ versions, fx, currency: 'USD' });
    expect(same.map((v) => [v.version, v.effectiveFromMs, v.gpuHour])).toEqual(
      versions.map((v) => [v.version, v.effectiveFromMs, v.gpuHour]),
    );
    expect(same.every((v) => v.fx === null && v.missingRate === null)).toBe(true);
  });

  it('start at every price and every rate change, and divide by an inverse rate', () => {
    const eur = effectiveVersions({ versions, fx, currency: 'EUR' });
    expect(eur.map((v) => [v.version, (v.effectiveFromMs - NOV) / HOUR_MS])).toEqual([
      ['v1+r-nov', 0],
      ['v1+r-mid', 15 * 24 + 12],
      ['v2+r-mid', 20 * 24],
    ]);
    // 3.50 USD / 1.25 = 2.80 EUR; 3.50 / 1.6 = 2.1875; 4.00 / 1.6 = 2.50; L4 0.80 / 1.25 = 0.64.
    expect(eur[0]?.gpuHour['A100-80GB']).toBeCloseTo(2.8, 12);
    expect(eur[0]?.gpuHour.L4).toBeCloseTo(0.64, 12);
    expect(eur[1]?.gpuHour['A100-80GB']).toBeCloseTo(2.1875, 12);
    expect(eur[2]?.gpuHour['A100-80GB']).toBeCloseTo(2.5, 12);
    expect(eur.map((v) => v.fx?.inverse)).toEqual([true, true, true]);
    expect(eur.every((v) => v.currency === 'EUR')).toBe(true);
  });

  it('multiply by a direct rate', () => {
    const eurCatalogue = [{ ...usd('e1', NOV, 2.8), currency: 'EUR' }];
    const [converted] = effectiveVersions({ versions: eurCatalogue, fx, currency: 'USD' });
    expect(converted?.gpuHour['A100-80GB']).toBeCloseTo(3.5, 12);
    expect(converted?.fx?.inverse).toBe(false);
  });

  it('leave every GPU type unpriced where no rate is in force, never at 1.0', () => {
    const late = [rate('r-late', NOV + 48 * HOUR_MS, 'EUR', 'USD', 1.25)];
    const eur = effectiveVersions({
      versions: [versions[0] as PriceVersion],
      fx: late,
      currency: 'EUR',
    });
    expect(eur[0]?.version).toBe('v1+no-USDEUR');
    expect(eur[0]?.gpuHour).toEqual({});
    expect(eur[0]?.missingRate).toEqual({ from: 'USD', to: 'EUR' });
    expect(eur[1]?.version).toBe('v1+r-late');
  });

  it('convert a forced version at the rates in force, and a forced rate over all time', () => {
    const forced = effectiveVersions({
      versions,
      fx,
      currency: 'EUR',
      forcedVersion: versions[1] as PriceVersion,
    });
    // Over all time: before the first rate there is none, so that stretch is unpriced.
    expect(forced.map((v) => [v.version, v.effectiveFromMs])).toEqual([
      ['v2+no-USDEUR', Number.NEGATIVE_INFINITY],
      ['v2+r-nov', NOV],
      ['v2+r-mid', fx[1]?.effectiveFromMs],
    ]);
    const atOneRate = effectiveVersions({
      versions,
      fx,
      currency: 'EUR',
      forcedFx: [fx[1] as FxRate],
    });
    expect(atOneRate.map((v) => v.version)).toEqual(['v1+r-mid', 'v2+r-mid']);
  });

  it('keep exporter aliases and MIG rules: names and shares, not money', () => {
    const named: PriceVersion = {
      ...usd('n1', NOV, 3.5),
      gpuAliases: { 'NVIDIA A100-SXM4-80GB': 'A100-80GB' },
      mig: { 'A100-80GB': { slices: 7 } },
    };
    const [eur] = effectiveVersions({ versions: [named], fx, currency: 'EUR' });
    // 3.50 / 1.25 = 2.80 EUR a GPU; a 1g slice of 7 is 0.40 EUR.
    expect(rateOf(eur, 'NVIDIA A100-SXM4-80GB')).toBeCloseTo(2.8, 12);
    expect(rateOf(eur, 'A100-80GB', '1g.10gb')).toBeCloseTo(0.4, 12);
  });

  it('name the catalogue and exchange-rate versions behind a list of effective names', () => {
    const eur = effectiveVersions({ versions, fx, currency: 'EUR' });
    const byName = new Map(eur.map((v) => [v.version, v]));
    expect(provenanceOf(['v1+r-nov', 'v1+r-mid', 'v2+r-mid'], byName)).toEqual({
      catalogue: ['v1', 'v2'],
      fx: ['r-nov', 'r-mid'],
    });
  });
});

// --- the invariant ----------------------------------------------------------------------

const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY'];
const ZONES = ['UTC', 'Asia/Kolkata', 'Europe/Paris', 'America/Santiago', 'Asia/Kathmandu'];

function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}

/** The rate of the pair in force at ms, found the slow way: every file of either direction. */
function rateInForce(fx: readonly FxRate[], a: string, b: string, ms: number): FxRate | undefined {
  let found: FxRate | undefined;
  for (const r of fx) {
    const samePair = (r.base === a && r.quote === b) || (r.base === b && r.quote === a);
    if (
      samePair &&
      r.effectiveFromMs <= ms &&
      (!found || r.effectiveFromMs > found.effectiveFromMs)
    ) {
      found = r;
    }
  }
  return found;
}

function versionInForce(versions: readonly PriceVersion[], ms: number): PriceVersion | undefined {
  let found: PriceVersion | undefined;
  for (const v of versions) if (v.effectiveFromMs <= ms) found = v;
  return found;
}

describe('no bucket is converted at a rate not in force at its start', () => {
  it('holds for generated catalogues, rates, windows and zones (400 seeds)', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const g = generator(seed);
      const span = 90 * 24;
      const startHours = [...new Set(Array.from({ length: 1 + g.int(4) }, () => g.int(span)))].sort(
        (a, b) => a - b,
      );
      const versions: PriceVersion[] = startHours.map((h, i) => ({
        version: `v${i}`,
        effectiveFromMs: NOV + h * HOUR_MS,
        currency: g.pick(CURRENCIES),
        gpuHour: { A: 1 + g.int(500) / 100, B: g.int(300) / 100 },
      }));
      // One direction per pair, as validation demands; a few rates each at distinct hours.
      const fx: FxRate[] = [];
      for (let i = 0; i < CURRENCIES.length; i++) {
        for (let j = i + 1; j < CURRENCIES.length; j++) {
          if (g.next() < 0.25) continue;
          const [base, quote] =
            g.next() < 0.5 ? [CURRENCIES[i], CURRENCIES[j]] : [CURRENCIES[j], CURRENCIES[i]];
          const hours = new Set(Array.from({ length: g.int(5) }, () => g.int(span) - 24 * 10));
          for (const h of hours) {
            fx.push(
              rate(
                `${base}${quote}-${h}`,
                NOV + h * HOUR_MS,
                base as string,
                quote as string,
                0.01 + g.int(20000) / 1000,
              ),
            );
          }
        }
      }
      const currency = g.pick(CURRENCIES);
      const forcedVersion = g.next() < 0.15 ? g.pick(versions) : undefined;
      const forcedFx = g.next() < 0.15 && fx.length > 0 ? [g.pick(fx)] : undefined;
      const prices = effectiveVersions({
        versions,
        fx,
        currency,
        ...(forcedVersion ? { forcedVersion } : {}),
        ...(forcedFx ? { forcedFx } : {}),
      });
      const fromMs = NOV - 5 * 24 * HOUR_MS + g.int(span * 60) * 60_000;
      const window: Window = {
        fromMs,
        toMs: fromMs + (1 + g.int(40 * 24)) * HOUR_MS + g.int(4) * 15 * 60_000,
        tz: g.pick(ZONES),
        label: `seed ${seed}`,
      };
      const granularity = g.int(3);
      const periods: Period[] | null =
        granularity === 0 ? null : granularity === 1 ? dayPeriods(window) : hourPeriods(window);
      const buckets = planBuckets({ window, periods, versions: prices });

      for (let b = 0; b < buckets.version.length; b++) {
        const start = buckets.edges[b] as number;
        const last = (buckets.edges[b + 1] as number) - 1;
        const where = `seed ${seed}, bucket ${b} at ${new Date(start).toISOString()}`;
        const catalogue = forcedVersion ?? versionInForce(versions, start);
        const index = buckets.version[b] as number;
        if (!catalogue) {
          expect(index, where).toBe(-1);
          continue;
        }
        const effective = prices[index];
        expect(effective?.source, where).toBe(catalogue);
        expect(forcedVersion ?? versionInForce(versions, last), `${where}: one price`).toBe(
          catalogue,
        );
        if (catalogue.currency === currency) {
          expect(effective?.fx, where).toBeNull();
          expect(effective?.gpuHour, where).toEqual(catalogue.gpuHour);
          continue;
        }
        const forced = forcedFx?.find(
          (r) => [r.base, r.quote].sort().join() === [catalogue.currency, currency].sort().join(),
        );
        const expected = forced ?? rateInForce(fx, catalogue.currency, currency, start);
        const atEnd = forced ?? rateInForce(fx, catalogue.currency, currency, last);
        expect(atEnd, `${where}: one rate over the bucket`).toBe(expected);
        if (!expected) {
          expect(effective?.missingRate, where).toEqual({ from: catalogue.currency, to: currency });
          expect(effective?.gpuHour, where).toEqual({});
          continue;
        }
        expect(effective?.fx?.rate.version, where).toBe(expected.version);
        for (const [type, price] of Object.entries(catalogue.gpuHour)) {
          const converted =
            expected.base === currency ? price / expected.rate : price * expected.rate;
          expect(effective?.gpuHour[type], `${where}: ${type}`).toBe(converted);
        }
      }
    }
  });
});
