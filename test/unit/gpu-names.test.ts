// GPU types as exporters name them: an alias prices as the GPU type it names, a MIG slice as
// its share of the whole GPU, and a name the catalogue does not know stays unpriced, named.
import { describe, expect, it } from 'vitest';
import { remainingPrices } from '../../src/core/forecast-projection.js';
import { Ledger } from '../../src/core/ledger.js';
import { migShare, priceKey, priceName, splitPriceKey } from '../../src/core/mig.js';
import { rateOf } from '../../src/core/prices.js';
import { summarise } from '../../src/core/summarise.js';
import type { Buckets, PriceVersion } from '../../src/core/types.js';

const version: PriceVersion = {
  version: 'v1',
  effectiveFromMs: 0,
  currency: 'EUR',
  gpuHour: { 'H100-80GB': 7, 'A100-80GB': 3.5, A30: 2, L4: 0.7 },
  gpuAliases: {
    'NVIDIA H100 80GB HBM3': 'H100-80GB',
    'NVIDIA A100-SXM4-80GB': 'A100-80GB',
    'NVIDIA A30': 'A30',
    'NVIDIA L4': 'L4',
  },
  mig: {
    A30: { slices: 4 },
    'A100-80GB': { share: { '1g.10gb': 0.125 } },
  },
};

describe('migShare', () => {
  it.each([
    ['1g.10gb', 1 / 7],
    ['2g.20gb', 2 / 7],
    ['3g.40gb', 3 / 7],
    ['4g.40gb', 4 / 7],
    ['7g.80gb', 1],
    ['1g.10gb+me', 1 / 7],
    ['1g.24gb+gfx', 1 / 7],
  ])('prices %s at N/7 of the GPU by default', (profile, share) => {
    expect(migShare(undefined, profile)).toBe(share);
  });

  it("uses the GPU type's own number of slices", () => {
    expect(migShare({ slices: 4 }, '1g.6gb')).toBe(0.25);
    expect(migShare({ slices: 4 }, '2g.12gb')).toBe(0.5);
    expect(migShare({ slices: 4 }, '4g.24gb')).toBe(1);
  });

  it('takes a share set for the profile over N / slices', () => {
    expect(migShare({ share: { '1g.10gb': 0.125 } }, '1g.10gb')).toBe(0.125);
    expect(migShare({ share: { '1g.10gb': 0.125 } }, '2g.20gb')).toBe(2 / 7);
  });

  it.each([
    ['more compute slices than the GPU has', '5g.30gb', { slices: 4 }],
    ['no compute slices', '0g.10gb', undefined],
    ['an unreadable profile', 'big', undefined],
    ['an empty-looking profile', ' ', undefined],
    ['a profile with regex metacharacters', '1g.*gb', undefined],
    ['an inherited member name', 'toString', undefined],
    ['a share object member name', 'constructor', { share: { '1g.10gb': 0.5 } }],
  ])('leaves %s unpriced', (_name, profile, rule) => {
    expect(migShare(rule, profile)).toBeUndefined();
  });
});

describe('rateOf with aliases and MIG profiles', () => {
  it('prices a catalogue key and its exporter name alike', () => {
    expect(rateOf(version, 'H100-80GB')).toBe(7);
    expect(rateOf(version, 'NVIDIA H100 80GB HBM3')).toBe(7);
  });

  it('prices a MIG slice of an exporter name as its share of the parent', () => {
    expect(rateOf(version, 'NVIDIA H100 80GB HBM3', '1g.10gb')).toBe(1);
    expect(rateOf(version, 'NVIDIA H100 80GB HBM3', '3g.40gb')).toBe(3);
    expect(rateOf(version, 'NVIDIA A30', '1g.6gb')).toBe(0.5);
    expect(rateOf(version, 'NVIDIA A100-SXM4-80GB', '1g.10gb')).toBe(3.5 * 0.125);
    expect(rateOf(version, 'A100-80GB', '2g.20gb')).toBe(1);
  });

  it.each([
    ['an unknown exporter name', 'NVIDIA H100 PCIe', ''],
    ['a name differing only in case', 'nvidia h100 80gb hbm3', ''],
    ['a name with a trailing space', 'NVIDIA L4 ', ''],
    ['an empty name', '', ''],
    ['an inherited member name', 'constructor', ''],
    ['an alias-shaped inherited name', 'hasOwnProperty', '1g.10gb'],
    ['a slice the GPU cannot have', 'NVIDIA A30', '7g.80gb'],
    ['a slice of an unknown GPU', 'NVIDIA B200', '1g.23gb'],
  ])('leaves %s unpriced', (_name, gpuType, profile) => {
    expect(rateOf(version, gpuType, profile)).toBeUndefined();
  });

  it('leaves an alias whose GPU type the version lost unpriced, not free', () => {
    const broken: PriceVersion = { ...version, gpuAliases: { 'NVIDIA T4': 'T4' } };
    expect(rateOf(broken, 'NVIDIA T4')).toBeUndefined();
  });

  it('names an unpriced slice with its profile', () => {
    expect(priceName('NVIDIA B200', '1g.23gb')).toBe('NVIDIA B200 (MIG 1g.23gb)');
    expect(priceName('NVIDIA B200', '')).toBe('NVIDIA B200');
  });
});

describe('the ledger prices DCGM-named series', () => {
  // Three hourly buckets, one period, one version.
  const buckets: Buckets = {
    edges: Float64Array.of(0, 3_600_000, 7_200_000, 10_800_000),
    period: Int32Array.of(0, 0, 0),
    version: Int32Array.of(0, 0, 0),
  };

  function ledgerWith(series: [Record<string, string>, number[]][]) {
    const ledger = new Ledger({
      buckets,
      by: ['namespace'],
      gpuTypeLabel: 'modelName',
      migProfileLabel: 'GPU_I_PROFILE',
      versions: [version],
    });
    for (const [labels, values] of series) {
      ledger.add({ metric: 'gpu_seconds', labels, offset: 0, values: Float64Array.from(values) });
    }
    const summary = summarise(ledger, {
      periods: null,
      versions: [version],
      splitVersions: false,
    });
    return { ...summary, rows: [...summary.rows] };
  }

  it('costs whole GPUs and slices to the cent by hand', () => {
    const summary = ledgerWith([
      // 3 h of a whole H100: 3 x 7 = 21.00
      [{ namespace: 'a', modelName: 'NVIDIA H100 80GB HBM3' }, [3600, 3600, 3600]],
      // 2 h of a 1g.10gb H100 slice: 2 x 7/7 = 2.00
      [
        { namespace: 'a', modelName: 'NVIDIA H100 80GB HBM3', GPU_I_PROFILE: '1g.10gb' },
        [3600, 3600, Number.NaN],
      ],
      // 1.5 h of a 3g.40gb H100 slice: 1.5 x 3 = 4.50
      [
        { namespace: 'b', modelName: 'NVIDIA H100 80GB HBM3', GPU_I_PROFILE: '3g.40gb' },
        [1800, 1800, 1800],
      ],
      // 3 h of an A100 1g.10gb priced by memory: 3 x 3.5 x 0.125 = 1.3125
      [
        { namespace: 'b', modelName: 'NVIDIA A100-SXM4-80GB', GPU_I_PROFILE: '1g.10gb' },
        [3600, 3600, 3600],
      ],
      // 1 h of an A30 2g.12gb of 4 slices: 1 x 2 x 2/4 = 1.00
      [{ namespace: 'b', modelName: 'NVIDIA A30', GPU_I_PROFILE: '2g.12gb' }, [3600, 0, 0]],
    ]);
    const byNamespace = Object.fromEntries(summary.rows.map((row) => [row.group.namespace, row]));
    expect(byNamespace.a?.cost).toBeCloseTo(23, 10);
    expect(byNamespace.b?.cost).toBeCloseTo(6.8125, 10);
    expect(summary.totals.cost).toBeCloseTo(29.8125, 10);
    expect(summary.totals.gpuHours).toBeCloseTo(3 + 2 + 1.5 + 3 + 1, 10);
    expect(summary.totals.unpricedGpuHours).toBe(0);
  });

  it('keeps an unknown exporter name and an impossible slice unpriced, and names them', () => {
    const summary = ledgerWith([
      [{ namespace: 'a', modelName: 'NVIDIA L4' }, [3600, 3600, 3600]],
      [{ namespace: 'a', modelName: 'NVIDIA H100 PCIe' }, [3600, 0, 0]],
      [{ namespace: 'a', modelName: 'NVIDIA A30', GPU_I_PROFILE: '7g.80gb' }, [1800, 0, 0]],
    ]);
    // Only the L4: 3 x 0.7 = 2.10
    expect(summary.totals.cost).toBeCloseTo(2.1, 10);
    expect(summary.totals.unpricedGpuHours).toBeCloseTo(1.5, 10);
    expect(summary.totals.unpricedGpuTypes).toEqual([
      'NVIDIA A30 (MIG 7g.80gb)',
      'NVIDIA H100 PCIe',
    ]);
  });
});

describe('price keys: one string per GPU type and MIG profile', () => {
  it.each([
    ['NVIDIA H100 80GB HBM3', ''],
    ['NVIDIA H100 80GB HBM3', '1g.10gb'],
    ['', ''],
    ['', '1g.10gb'],
    ['a\u0000b', ''],
    ['a\u0000b', '2g.20gb'],
    ['L4', 'x\u0000y'],
  ])('reads back %j / %j as made', (gpuType, profile) => {
    const key = priceKey(gpuType, profile);
    const [type, migProfile] = splitPriceKey(key);
    if (profile.includes('\u0000')) {
      // A profile holding a NUL cannot be a catalogue's: it comes back unpriced.
      expect(rateOf(version, type, migProfile)).toBeUndefined();
    } else {
      expect([type, migProfile]).toEqual([gpuType, profile]);
    }
  });

  it('keeps a whole GPU key the bare GPU type, as forecasts keyed it before', () => {
    expect(priceKey('L4', '')).toBe('L4');
  });

  it('prices the rest of a month of a forecast slice at its share', () => {
    const day = { startMs: 0, endMs: 24 * 3_600_000, usage: [], cost: 0, unpricedGpuHours: 0 };
    const slice = priceKey('NVIDIA H100 80GB HBM3', '3g.40gb');
    const unknown = priceKey('NVIDIA H100 PCIe', '');
    const remaining = remainingPrices([day], 0, [slice, unknown], [version]);
    // 24 h x 7.00 x 3/7 = 72.00; the unknown GPU's 24 h stay unpriced.
    expect(remaining.priceHours.get(slice)?.[0]).toBeCloseTo(72, 9);
    expect(remaining.unpricedHours.get(unknown)?.[0]).toBe(24);
  });
});
