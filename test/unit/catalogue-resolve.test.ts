// Which version prices which instant: boundaries, hour grids across a price change, --catalogue-version.
import { describe, expect, it } from 'vitest';
import { findVersion, versionAt, versionIndexByHour } from '../../src/catalogue/resolve.js';
import type { Catalogue, PriceVersion } from '../../src/core/types.js';
import { HOUR_MS } from '../../src/core/types.js';
import { UsageError } from '../../src/errors.js';

const JULY = Date.UTC(2026, 6, 1);
const OCTOBER = Date.UTC(2026, 9, 1);
const JANUARY = Date.UTC(2027, 0, 1);

function version(name: string, effectiveFromMs: number, h100: number): PriceVersion {
  return { version: name, effectiveFromMs, currency: 'EUR', gpuHour: { 'H100-80GB': h100 } };
}

const catalogue: Catalogue = {
  versions: [
    version('2026-07', JULY, 4.1),
    version('2026-10', OCTOBER, 3.9),
    version('2027-01', JANUARY, 3.5),
  ],
  currency: 'EUR',
  hash: '000000000000',
  origin: 'test',
};
const [july, october, january] = catalogue.versions;

describe('versionAt', () => {
  it('has no version before the first effective_from', () => {
    expect(versionAt(catalogue, JULY - 1)).toBeUndefined();
  });

  it('switches exactly at effective_from, not a millisecond earlier', () => {
    expect(versionAt(catalogue, JULY)).toBe(july);
    expect(versionAt(catalogue, OCTOBER - 1)).toBe(july);
    expect(versionAt(catalogue, OCTOBER)).toBe(october);
    expect(versionAt(catalogue, JANUARY - 1)).toBe(october);
    expect(versionAt(catalogue, JANUARY)).toBe(january);
  });

  it('keeps the last version in force forever after', () => {
    expect(versionAt(catalogue, Date.UTC(2030, 0, 1))).toBe(january);
  });

  it('finds nothing in an empty catalogue', () => {
    expect(versionAt({ ...catalogue, versions: [] }, JULY)).toBeUndefined();
  });
});

describe('findVersion', () => {
  it('finds a version by name', () => {
    expect(findVersion(catalogue, '2026-10')).toBe(october);
  });

  it('lists the available versions when the name is unknown', () => {
    expect(() => findVersion(catalogue, '2026-08')).toThrow(UsageError);
    expect(() => findVersion(catalogue, '2026-08')).toThrow(
      'unknown catalogue version "2026-08" in test; available: 2026-07, 2026-10, 2027-01',
    );
  });
});

describe('versionIndexByHour', () => {
  it('prices each hour by the version in force at its start, across a price change', () => {
    // Four hours either side of the October change: 2026-09-30T20:00Z .. 2026-10-01T04:00Z.
    const grid = { startMs: OCTOBER - 4 * HOUR_MS, hours: 8 };
    expect(Array.from(versionIndexByHour(catalogue, grid))).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('gives -1 to hours before the first version', () => {
    const grid = { startMs: JULY - 2 * HOUR_MS, hours: 4 };
    expect(Array.from(versionIndexByHour(catalogue, grid))).toEqual([-1, -1, 0, 0]);
  });

  it('keeps an hour that starts before a change on the old version even if the change falls inside it', () => {
    // Grids anchored at a half-hour offset (e.g. Asia/Kolkata days): the hour 23:30-00:30 starts in the old version.
    const grid = { startMs: OCTOBER - HOUR_MS / 2, hours: 2 };
    expect(Array.from(versionIndexByHour(catalogue, grid))).toEqual([0, 1]);
  });

  it('crosses several changes in one long grid', () => {
    const startMs = Date.UTC(2026, 5, 1); // June: before any version
    const hours = (Date.UTC(2027, 1, 1) - startMs) / HOUR_MS;
    const indices = versionIndexByHour(catalogue, { startMs, hours });
    expect(indices.length).toBe(hours);
    const hourOf = (ms: number) => (ms - startMs) / HOUR_MS;
    expect(indices[hourOf(JULY) - 1]).toBe(-1);
    expect(indices[hourOf(JULY)]).toBe(0);
    expect(indices[hourOf(OCTOBER) - 1]).toBe(0);
    expect(indices[hourOf(OCTOBER)]).toBe(1);
    expect(indices[hourOf(JANUARY) - 1]).toBe(1);
    expect(indices[hourOf(JANUARY)]).toBe(2);
    expect(indices[hours - 1]).toBe(2);
    // 30 days of June without prices, then July..September, October..December, January.
    const counts = [-1, 0, 1, 2].map((i) => indices.filter((v) => v === i).length);
    expect(counts).toEqual([30 * 24, 92 * 24, 92 * 24, 31 * 24]);
  });

  it('reprices every hour at a forced version, even hours before it took effect', () => {
    const grid = { startMs: JULY - HOUR_MS, hours: 3 };
    expect(Array.from(versionIndexByHour(catalogue, grid, january))).toEqual([2, 2, 2]);
  });

  it('rejects a forced version that is not in the catalogue', () => {
    const stranger = version('1999-01', 0, 1);
    expect(() => versionIndexByHour(catalogue, { startMs: JULY, hours: 1 }, stranger)).toThrow(
      UsageError,
    );
  });

  it('returns an empty array for an empty grid', () => {
    expect(versionIndexByHour(catalogue, { startMs: JULY, hours: 0 }).length).toBe(0);
  });
});
