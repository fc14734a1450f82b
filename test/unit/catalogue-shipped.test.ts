// The catalogue that ships in pricing/ loads, and its schema.json matches the zod schema.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueJsonSchemaText } from '../../src/catalogue/json-schema.js';
import { loadCatalogue } from '../../src/catalogue/load.js';
import { defaultCatalogueDir } from '../../src/catalogue/location.js';

describe('shipped catalogue', () => {
  it('lives in the package pricing/ directory', () => {
    expect(defaultCatalogueDir()).toBe(join(process.cwd(), 'pricing'));
  });

  it('loads: EUR, at least two versions, the GPUs people run inference on', async () => {
    const catalogue = await loadCatalogue(defaultCatalogueDir());
    expect(catalogue.currency).toBe('EUR');
    expect(catalogue.versions.length).toBeGreaterThanOrEqual(2);
    for (const version of catalogue.versions) {
      for (const gpu of [
        'A100-40GB',
        'A100-80GB',
        'H100-80GB',
        'H200-141GB',
        'L4',
        'L40S',
        'T4',
        'A10G',
        'MI300X',
      ]) {
        expect(version.gpuHour[gpu], `${version.version} ${gpu}`).toBeGreaterThan(0);
      }
    }
  });

  it('says where its figures come from in every file', async () => {
    for (const name of ['2026-07.json', '2026-10.json']) {
      const file = JSON.parse(await readFile(join(defaultCatalogueDir(), name), 'utf8'));
      expect(file.$schema).toBe('./schema.json');
      expect(file.notes).toMatch(/USD/);
      expect(file.notes).toMatch(/1 EUR = [\d.]+ USD/);
    }
  });

  it('has a schema.json generated from the current zod schema (npm run schema)', async () => {
    const committed = await readFile(join(defaultCatalogueDir(), 'schema.json'), 'utf8');
    expect(committed).toBe(catalogueJsonSchemaText());
  });
});
