// Which version prices which instant: boundaries and --catalogue-version.
import { describe, expect, it } from 'vitest';
import { findVersion, versionAt } from '../../src/catalogue/resolve.js';
import type { Catalogue, PriceVersion } from '../../src/core/types.js';
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
