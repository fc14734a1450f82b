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

  it('prices the names dcgm-exporter writes in modelName as the GPU types they are', async () => {
    const { rateOf } = await import('../../src/core/prices.js');
    const catalogue = await loadCatalogue(defaultCatalogueDir());
    const names: Record<string, string> = {
      'NVIDIA A10G': 'A10G',
      'NVIDIA A100-SXM4-40GB': 'A100-40GB',
      'NVIDIA A100-SXM4-80GB': 'A100-80GB',
      'NVIDIA H100 80GB HBM3': 'H100-80GB',
      'NVIDIA H200': 'H200-141GB',
      'NVIDIA L4': 'L4',
      'NVIDIA L40S': 'L40S',
      'Tesla T4': 'T4',
    };
    for (const version of catalogue.versions) {
      for (const [name, gpuType] of Object.entries(names)) {
        expect(rateOf(version, name), `${version.version} ${name}`).toBe(version.gpuHour[gpuType]);
      }
      // Other products at other prices: not guessed from a near name.
      expect(rateOf(version, 'NVIDIA H100 PCIe')).toBeUndefined();
      // A 3g.40gb slice of an H100 is 3/7 of the GPU.
      expect(rateOf(version, 'NVIDIA H100 80GB HBM3', '3g.40gb')).toBeCloseTo(
        ((version.gpuHour['H100-80GB'] as number) * 3) / 7,
        12,
      );
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
