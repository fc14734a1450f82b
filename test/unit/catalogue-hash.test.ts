// The catalogue hash follows the prices, not the formatting.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalCatalogueText, catalogueHash } from '../../src/catalogue/hash.js';
import { loadCatalogue } from '../../src/catalogue/load.js';
import type { PriceVersion } from '../../src/core/types.js';
import { tempDir } from '../helpers/temp.js';

const july = {
  $schema: './schema.json',
  version: '2026-07',
  effective_from: '2026-07-01T00:00:00Z',
  currency: 'EUR',
  gpu_hour: { 'A100-80GB': 2.93, 'H100-80GB': 4.1, L4: 0.71 },
  notes: 'first',
};
const october = { ...july, version: '2026-10', effective_from: '2026-10-01T00:00:00Z' };

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function hashOf(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('ml-cost-hash-');
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return (await loadCatalogue(dir)).hash;
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

describe('catalogue hash', () => {
  it('is 12 hex characters of sha256', async () => {
    expect(await hashOf({ 'a.json': pretty(july) })).toMatch(/^[0-9a-f]{12}$/);
  });

  it('does not change when files are reformatted, keys reordered, renamed, or notes edited', async () => {
    const base = await hashOf({ 'a.json': pretty(july), 'b.json': pretty(october) });
    const reordered = {
      gpu_hour: { L4: 0.71, 'H100-80GB': 4.1, 'A100-80GB': 2.93 },
      notes: 'rewritten notes',
      currency: 'EUR',
      effective_from: '2026-07-01T00:00:00.000Z',
      version: '2026-07',
    };
    // 4.10 and 2.930 are the same numbers once parsed; written by hand to keep the digits.
    const handWritten = JSON.stringify(reordered)
      .replace('4.1,', '4.10,')
      .replace('2.93}', '2.930}');
    expect(handWritten).toContain('4.10');
    const reformatted = await hashOf({
      'other-name.json': handWritten,
      'z.json': JSON.stringify(october),
    });
    expect(reformatted).toBe(base);
  });

  it('changes when any price changes', async () => {
    const base = await hashOf({ 'a.json': pretty(july) });
    const cheaper = await hashOf({
      'a.json': pretty({ ...july, gpu_hour: { ...july.gpu_hour, L4: 0.7 } }),
    });
    expect(cheaper).not.toBe(base);
  });

  it('changes when a GPU type is added, a version renamed, a date or the currency changed', async () => {
    const base = await hashOf({ 'a.json': pretty(july) });
    const variants = [
      { ...july, gpu_hour: { ...july.gpu_hour, T4: 0.46 } },
      { ...july, version: '2026-07b' },
      { ...july, effective_from: '2026-07-01T01:00:00Z' },
      { ...july, currency: 'USD' },
    ];
    const hashes = await Promise.all(variants.map((v) => hashOf({ 'a.json': pretty(v) })));
    expect(new Set([base, ...hashes]).size).toBe(variants.length + 1);
  });

  it('changes when an alias or a MIG rule is added or changed, not when their keys are reordered', async () => {
    const base = await hashOf({ 'a.json': pretty(july) });
    const aliased = {
      ...july,
      gpu_aliases: { 'NVIDIA L4': 'L4', 'NVIDIA H100 80GB HBM3': 'H100-80GB' },
    };
    const variants = [
      aliased,
      { ...july, gpu_aliases: { 'NVIDIA L4': 'L4', 'NVIDIA H100 80GB HBM3': 'A100-80GB' } },
      { ...aliased, mig: { 'H100-80GB': { slices: 7 } } },
      { ...aliased, mig: { 'H100-80GB': { slices: 6 } } },
      { ...aliased, mig: { 'H100-80GB': { share: { '1g.10gb': 0.125 } } } },
      { ...aliased, mig: { 'H100-80GB': { share: { '1g.10gb': 0.25 } } } },
    ];
    const hashes = await Promise.all(variants.map((v) => hashOf({ 'a.json': pretty(v) })));
    expect(new Set([base, ...hashes]).size).toBe(variants.length + 1);
    const reordered = {
      ...july,
      gpu_aliases: { 'NVIDIA H100 80GB HBM3': 'H100-80GB', 'NVIDIA L4': 'L4' },
    };
    expect(await hashOf({ 'a.json': pretty(reordered) })).toBe(hashes[0]);
  });

  it('does not depend on the order versions are given in', () => {
    const a = { version: 'a', effectiveFromMs: 0, currency: 'EUR', gpuHour: { L4: 1, T4: 2 } };
    const b = {
      version: 'b',
      effectiveFromMs: 3_600_000,
      currency: 'EUR',
      gpuHour: { T4: 2, L4: 1 },
    };
    expect(catalogueHash([a, b])).toBe(catalogueHash([b, a]));
  });

  it('is pinned: exports and reports made earlier must keep naming the same prices', () => {
    // Written by hand from the rule (versions by start, GPU types sorted, ISO instants); the
    // digest is `printf '%s' TEXT | sha256sum`, cut to 12 characters.
    const versions: PriceVersion[] = [
      {
        version: '2026-10',
        effectiveFromMs: Date.UTC(2026, 9, 1),
        currency: 'EUR',
        gpuHour: { L4: 0.71, 'H100-80GB': 3.95 },
      },
      {
        version: '2026-07',
        effectiveFromMs: Date.UTC(2026, 6, 1),
        currency: 'EUR',
        gpuHour: { L4: 0.71, 'H100-80GB': 4.1, 'A100-80GB': 2.93 },
      },
    ];
    expect(canonicalCatalogueText(versions)).toBe(
      '[{"version":"2026-07","effective_from":"2026-07-01T00:00:00.000Z","currency":"EUR",' +
        '"gpu_hour":[["A100-80GB",2.93],["H100-80GB",4.1],["L4",0.71]]},' +
        '{"version":"2026-10","effective_from":"2026-10-01T00:00:00.000Z","currency":"EUR",' +
        '"gpu_hour":[["H100-80GB",3.95],["L4",0.71]]}]',
    );
    expect(catalogueHash(versions)).toBe('dbb4004d89d6');
  });
});
