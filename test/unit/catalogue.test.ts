// A corpus of broken catalogues: each must fail with a CatalogueError whose first line names
// the file and the field to fix.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/load.js';
import { CatalogueError, ExitCode } from '../../src/errors.js';
import { tempDir } from '../helpers/temp.js';

const good = {
  $schema: './schema.json',
  version: '2026-07',
  effective_from: '2026-07-01T00:00:00Z',
  currency: 'EUR',
  gpu_hour: { 'A100-80GB': 2.93, 'H100-80GB': 4.1, L4: 0.71 },
  notes: 'test prices',
};
const later = { ...good, version: '2026-10', effective_from: '2026-10-01T00:00:00Z' };

function withField(field: string, value: unknown): Record<string, unknown> {
  return { ...good, [field]: value };
}
function without(field: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...good };
  delete copy[field];
  return copy;
}
function withRate(gpuType: string, rate: unknown): Record<string, unknown> {
  return { ...good, gpu_hour: { ...good.gpu_hour, [gpuType]: rate } };
}

interface BrokenCase {
  name: string;
  /** File name -> content; objects are written as JSON, strings as they are. */
  files: Record<string, unknown>;
  /** The file the first line must name, and the field (dotted path) after it. */
  file: string;
  field: string;
  /** A piece of the fix or the offending value the line must carry. */
  says: string;
}

const cases: BrokenCase[] = [
  {
    name: 'not JSON: trailing comma',
    files: { 'a.json': '{\n  "version": "2026-07",\n}\n' },
    file: 'a.json',
    field: 'not valid JSON at line 3, column 1',
    says: 'property name',
  },
  {
    name: 'not JSON: truncated',
    files: { 'a.json': '{"version": "2026-07", "gpu_hour": {"L4": 0.7' },
    file: 'a.json',
    field: 'not valid JSON at line 1, column 46',
    says: 'the file ends before the JSON does',
  },
  {
    name: 'empty file',
    files: { 'a.json': '  \n' },
    file: 'a.json',
    field: 'file is empty',
    says: 'JSON object',
  },
  {
    name: 'top level is an array',
    files: { 'a.json': [good] },
    file: 'a.json',
    field: 'must be a JSON object',
    says: 'gpu_hour',
  },
  {
    name: 'version missing',
    files: { 'a.json': without('version') },
    file: 'a.json',
    field: 'version',
    says: 'is required',
  },
  {
    name: 'version empty',
    files: { 'a.json': withField('version', '') },
    file: 'a.json',
    field: 'version',
    says: 'e.g. "2026-07"',
  },
  {
    name: 'version is a number',
    files: { 'a.json': withField('version', 202607) },
    file: 'a.json',
    field: 'version',
    says: '(got 202607)',
  },
  {
    name: 'version with spaces',
    files: { 'a.json': withField('version', 'July 2026') },
    file: 'a.json',
    field: 'version',
    says: '(got "July 2026")',
  },
  {
    name: 'effective_from missing',
    files: { 'a.json': without('effective_from') },
    file: 'a.json',
    field: 'effective_from',
    says: 'is required',
  },
  {
    name: 'effective_from not on a whole hour',
    files: { 'a.json': withField('effective_from', '2026-07-01T00:30:00Z') },
    file: 'a.json',
    field: 'effective_from',
    says: 'whole hour',
  },
  {
    name: 'effective_from with an offset',
    files: { 'a.json': withField('effective_from', '2026-07-01T02:00:00+02:00') },
    file: 'a.json',
    field: 'effective_from',
    says: 'must be in UTC',
  },
  {
    name: 'effective_from without a zone',
    files: { 'a.json': withField('effective_from', '2026-07-01T00:00:00') },
    file: 'a.json',
    field: 'effective_from',
    says: 'must be in UTC',
  },
  {
    name: 'effective_from date only',
    files: { 'a.json': withField('effective_from', '2026-07-01') },
    file: 'a.json',
    field: 'effective_from',
    says: 'ISO 8601 UTC timestamp',
  },
  {
    name: 'effective_from not in the calendar',
    files: { 'a.json': withField('effective_from', '2026-02-30T00:00:00Z') },
    file: 'a.json',
    field: 'effective_from',
    says: 'not a date in the calendar',
  },
  {
    name: 'effective_from hour 24',
    files: { 'a.json': withField('effective_from', '2026-07-01T24:00:00Z') },
    file: 'a.json',
    field: 'effective_from',
    says: '(got "2026-07-01T24:00:00Z")',
  },
  {
    name: 'effective_from as epoch milliseconds',
    files: { 'a.json': withField('effective_from', 1782864000000) },
    file: 'a.json',
    field: 'effective_from',
    says: 'must be a string',
  },
  {
    name: 'currency lower case',
    files: { 'a.json': withField('currency', 'eur') },
    file: 'a.json',
    field: 'currency',
    says: 'upper case',
  },
  {
    name: 'currency too long',
    files: { 'a.json': withField('currency', 'EURO') },
    file: 'a.json',
    field: 'currency',
    says: 'ISO 4217',
  },
  {
    name: 'currency not in ISO 4217',
    files: { 'a.json': withField('currency', 'XYZ') },
    file: 'a.json',
    field: 'currency',
    says: 'ISO 4217 national currency',
  },
  {
    name: 'currency a testing code, not a national currency',
    files: { 'a.json': withField('currency', 'XTS') },
    file: 'a.json',
    field: 'currency',
    says: 'ISO 4217 national currency',
  },
  {
    name: 'currency missing',
    files: { 'a.json': without('currency') },
    file: 'a.json',
    field: 'currency',
    says: 'is required',
  },
  {
    name: 'gpu_hour missing',
    files: { 'a.json': without('gpu_hour') },
    file: 'a.json',
    field: 'gpu_hour',
    says: 'is required',
  },
  {
    name: 'gpu_hour empty',
    files: { 'a.json': withField('gpu_hour', {}) },
    file: 'a.json',
    field: 'gpu_hour',
    says: 'at least one GPU type',
  },
  {
    name: 'gpu_hour is a list',
    files: { 'a.json': withField('gpu_hour', [['L4', 0.7]]) },
    file: 'a.json',
    field: 'gpu_hour',
    says: 'got [["L4",0.7]]',
  },
  {
    name: 'negative rate',
    files: { 'a.json': withRate('H100-80GB', -1) },
    file: 'a.json',
    field: 'gpu_hour.H100-80GB',
    says: 'must be a finite number >= 0 and < 1000 (price per GPU-hour) (got -1)',
  },
  {
    name: 'NaN as a string',
    files: { 'a.json': withRate('L4', 'NaN') },
    file: 'a.json',
    field: 'gpu_hour.L4',
    says: '(got "NaN")',
  },
  {
    name: 'rate as a string',
    files: { 'a.json': withRate('L4', '0.71') },
    file: 'a.json',
    field: 'gpu_hour.L4',
    says: 'finite number',
  },
  {
    name: 'rate null',
    files: { 'a.json': withRate('L4', null) },
    file: 'a.json',
    field: 'gpu_hour.L4',
    says: '(got null)',
  },
  {
    name: 'huge rate (misplaced decimal point)',
    files: { 'a.json': withRate('H100-80GB', 4100) },
    file: 'a.json',
    field: 'gpu_hour.H100-80GB',
    says: 'misplaced decimal point (got 4100)',
  },
  {
    name: 'a won rate without its own bound',
    files: { 'a.json': { ...withRate('H100-80GB', 5500), currency: 'KRW' } },
    file: 'a.json',
    field: 'gpu_hour.H100-80GB',
    says: 'sets its own bound with "max_gpu_hour_rate"',
  },
  {
    name: "a rate at the file's own bound",
    files: { 'a.json': { ...withRate('H100-80GB', 100000), max_gpu_hour_rate: 100000 } },
    file: 'a.json',
    field: 'gpu_hour.H100-80GB',
    says: "< 100000, this file's max_gpu_hour_rate",
  },
  {
    name: 'a zero bound',
    files: { 'a.json': withField('max_gpu_hour_rate', 0) },
    file: 'a.json',
    field: 'max_gpu_hour_rate',
    says: 'must be a number above 0',
  },
  {
    name: 'a bound as text',
    files: { 'a.json': withField('max_gpu_hour_rate', '100000') },
    file: 'a.json',
    field: 'max_gpu_hour_rate',
    says: 'must be a number above 0',
  },
  {
    name: 'rate overflowing to Infinity',
    files: {
      'a.json':
        '{"version":"v1","effective_from":"2026-07-01T00:00:00Z","currency":"EUR","gpu_hour":{"L4":1e400}}',
    },
    file: 'a.json',
    field: 'gpu_hour.L4',
    says: '(got Infinity)',
  },
  {
    name: 'empty GPU type',
    files: { 'a.json': withRate('', 1) },
    file: 'a.json',
    field: 'gpu_hour.',
    says: 'non-empty',
  },
  {
    name: 'GPU type with a leading space',
    files: { 'a.json': withRate(' L4', 1) },
    file: 'a.json',
    field: 'gpu_hour. L4',
    says: 'leading or trailing',
  },
  {
    name: 'unknown field that is a typo',
    files: { 'a.json': { ...without('gpu_hour'), gpu_hours: good.gpu_hour } },
    file: 'a.json',
    field: 'gpu_hours',
    says: 'did you mean "gpu_hour"',
  },
  {
    name: 'unknown field',
    files: { 'a.json': withField('region', 'eu-west-1') },
    file: 'a.json',
    field: 'region',
    says: 'unknown field; remove it',
  },
  {
    name: 'notes not a string',
    files: { 'a.json': withField('notes', ['a', 'b']) },
    file: 'a.json',
    field: 'notes',
    says: 'must be a string',
  },
  {
    name: '$schema not a string',
    files: { 'a.json': withField('$schema', true) },
    file: 'a.json',
    field: '$schema',
    says: 'must be a string',
  },
  {
    name: 'duplicate version names',
    files: { 'a.json': good, 'b.json': { ...later, version: '2026-07' } },
    file: 'b.json',
    field: 'version',
    says: 'already used by',
  },
  {
    name: 'duplicate effective_from',
    files: { 'a.json': good, 'b.json': { ...later, effective_from: '2026-07-01T00:00:00.000Z' } },
    file: 'b.json',
    field: 'effective_from',
    says: 'already the start of version "2026-07"',
  },
  {
    name: 'alias naming a GPU type the file does not price',
    files: { 'a.json': withField('gpu_aliases', { 'NVIDIA H100 80GB HBM3': 'H100' }) },
    file: 'a.json',
    field: 'gpu_aliases.NVIDIA H100 80GB HBM3',
    says: 'names "H100", which gpu_hour does not price; use one of "A100-80GB", "H100-80GB", "L4"',
  },
  {
    name: 'alias that is a GPU type already',
    files: { 'a.json': withField('gpu_aliases', { L4: 'H100-80GB' }) },
    file: 'a.json',
    field: 'gpu_aliases.L4',
    says: '"L4" is a GPU type of gpu_hour already',
  },
  {
    name: 'alias naming another alias',
    files: {
      'a.json': withField('gpu_aliases', { 'NVIDIA L4': 'L4', 'L4 (GCP)': 'NVIDIA L4' }),
    },
    file: 'a.json',
    field: 'gpu_aliases.L4 (GCP)',
    says: 'names the alias "NVIDIA L4"',
  },
  {
    name: 'alias with a trailing space',
    files: { 'a.json': withField('gpu_aliases', { 'NVIDIA L4 ': 'L4' }) },
    file: 'a.json',
    field: 'gpu_aliases',
    says: 'no leading or trailing spaces',
  },
  {
    name: 'aliases as a list',
    files: { 'a.json': withField('gpu_aliases', ['NVIDIA L4']) },
    file: 'a.json',
    field: 'gpu_aliases',
    says: 'must be an object of exporter name -> GPU type',
  },
  {
    name: 'alias repeated in one object',
    files: {
      'a.json':
        '{"version": "2026-07", "effective_from": "2026-07-01T00:00:00Z", "currency": "EUR", "gpu_hour": {"L4": 0.7}, "gpu_aliases": {"NVIDIA L4": "L4", "NVIDIA L4": "L4"}}',
    },
    file: 'a.json',
    field: 'key "NVIDIA L4" appears twice',
    says: 'remove one',
  },
  {
    name: 'MIG rule for a GPU type the file does not price',
    files: { 'a.json': withField('mig', { A30: { slices: 4 } }) },
    file: 'a.json',
    field: 'mig.A30',
    says: '"A30" is not a GPU type of gpu_hour',
  },
  {
    name: 'MIG rule keyed by an alias',
    files: {
      'a.json': {
        ...good,
        gpu_aliases: { 'NVIDIA L4': 'L4' },
        mig: { 'NVIDIA L4': { slices: 2 } },
      },
    },
    file: 'a.json',
    field: 'mig.NVIDIA L4',
    says: 'it is an alias of "L4"; use that name',
  },
  {
    name: 'MIG rule with a misspelt field',
    files: { 'a.json': withField('mig', { 'H100-80GB': { slice: 7 } }) },
    file: 'a.json',
    field: 'mig.H100-80GB.slice',
    says: 'did you mean "slices"? (allowed: slices, share)',
  },
  {
    name: 'MIG slices above what a GPU has',
    files: { 'a.json': withField('mig', { 'H100-80GB': { slices: 8 } }) },
    file: 'a.json',
    field: 'mig.H100-80GB.slices',
    says: 'must be a whole number from 1 to 7',
  },
  {
    name: 'MIG slices not whole',
    files: { 'a.json': withField('mig', { 'H100-80GB': { slices: 3.5 } }) },
    file: 'a.json',
    field: 'mig.H100-80GB.slices',
    says: 'must be a whole number from 1 to 7',
  },
  {
    name: 'MIG share above the whole GPU',
    files: { 'a.json': withField('mig', { 'H100-80GB': { share: { '1g.10gb': 1.5 } } }) },
    file: 'a.json',
    field: 'mig.H100-80GB.share.1g.10gb',
    says: 'must be a number above 0 and at most 1',
  },
  {
    name: 'MIG share of zero (a free slice)',
    files: { 'a.json': withField('mig', { 'H100-80GB': { share: { '1g.10gb': 0 } } }) },
    file: 'a.json',
    field: 'mig.H100-80GB.share.1g.10gb',
    says: 'must be a number above 0',
  },
  {
    name: 'a name JavaScript would drop',
    files: {
      'a.json':
        '{"version": "2026-07", "effective_from": "2026-07-01T00:00:00Z", "currency": "EUR", "gpu_hour": {"L4": 0.7}, "gpu_aliases": {"__proto__": "L4"}}',
    },
    file: 'a.json',
    field: 'gpu_aliases.__proto__',
    says: 'rename it',
  },
];

let root: string;
beforeAll(async () => {
  root = await tempDir('ml-cost-catalogue-');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function catalogueDir(name: string, files: Record<string, unknown>): Promise<string> {
  const dir = join(root, name.replace(/[^a-z0-9]+/gi, '-'));
  await mkdir(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    const text = typeof content === 'string' ? content : JSON.stringify(content, null, 2);
    await writeFile(join(dir, file), text);
  }
  return dir;
}

async function loadError(dir: string): Promise<CatalogueError> {
  const error = await loadCatalogue(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CatalogueError);
  return error as CatalogueError;
}

describe('loadCatalogue rejects broken catalogues naming file and field', () => {
  it('has a corpus of at least 25 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('$name', async ({ name, files, file, field, says }) => {
    const dir = await catalogueDir(name, files);
    const error = await loadError(dir);
    expect(error.exitCode).toBe(ExitCode.usage);
    const firstLine = error.message.split('\n')[0] ?? '';
    expect(firstLine.startsWith(`${join(dir, file)}: ${field}`)).toBe(true);
    expect(firstLine).toContain(says);
    expect(error.message).not.toMatch(/\n\s+at /);
  });
});

describe('loadCatalogue with versions in several currencies', () => {
  it('loads them, with no one catalogue currency (reports then need --currency)', async () => {
    const dir = await catalogueDir('mixed currencies', {
      'a.json': good,
      'b.json': { ...later, currency: 'USD' },
    });
    const catalogue = await loadCatalogue(dir);
    expect(catalogue.currency).toBeNull();
    expect(catalogue.versions.map((v) => v.currency)).toEqual(['EUR', 'USD']);
  });
});

describe('loadCatalogue directory problems', () => {
  it('says when the directory does not exist', async () => {
    const dir = join(root, 'does-not-exist');
    const error = await loadError(dir);
    expect(error.message).toBe(
      `${dir}: catalogue directory not found; pass --catalogue DIR with a directory of version files`,
    );
  });

  it('says when the path is a file', async () => {
    const dir = await catalogueDir('path is a file', { 'a.json': good });
    const error = await loadError(join(dir, 'a.json'));
    expect(error.message).toContain('a.json: not a directory');
  });

  it('says when the directory has no version files', async () => {
    const dir = await catalogueDir('empty', {});
    const error = await loadError(dir);
    expect(error.message).toBe(
      `${dir}: no catalogue version files (*.json besides schema.json); add one such as 2026-07.json`,
    );
  });

  it('does not count schema.json or other files as versions', async () => {
    const dir = await catalogueDir('only schema', {
      'schema.json': { type: 'object' },
      'README.md': '# prices',
    });
    const error = await loadError(dir);
    expect(error.message).toContain('no catalogue version files');
  });
});

describe('loadCatalogue reports several problems at once', () => {
  it('lists every broken file and field, one line each, in file order', async () => {
    const dir = await catalogueDir('several', {
      'a.json': withRate('L4', -2),
      'b.json': '{oops',
      'c.json': { ...later, currency: 'usd', gpu_hours: {} },
    });
    const error = await loadError(dir);
    const lines = error.message.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${escapeRegExp(join(dir, 'a.json'))}: gpu_hour\\.L4: `));
    expect(
      lines.some((l) => l.startsWith(`${join(dir, 'b.json')}: not valid JSON at line 1, column 2`)),
    ).toBe(true);
    expect(lines.some((l) => l.startsWith(`${join(dir, 'c.json')}: currency: `))).toBe(true);
    expect(
      lines.some((l) => l.startsWith(`${join(dir, 'c.json')}: gpu_hours: unknown field`)),
    ).toBe(true);
  });
});

describe('loadCatalogue accepts what the format allows', () => {
  it('loads versions sorted by effective_from whatever the file names', async () => {
    const dir = await catalogueDir('sorted', { 'z-first.json': good, 'a-second.json': later });
    const catalogue = await loadCatalogue(dir);
    expect(catalogue.versions.map((v) => v.version)).toEqual(['2026-07', '2026-10']);
    expect(catalogue.versions[0]?.effectiveFromMs).toBe(Date.UTC(2026, 6, 1));
    expect(catalogue.currency).toBe('EUR');
    expect(catalogue.origin).toBe(dir);
    expect(catalogue.hash).toMatch(/^[0-9a-f]{12}$/);
  });

  it('takes rates in won below the bound the file sets, priced as given', async () => {
    const won = {
      version: 'krw-1',
      effective_from: '2026-07-01T00:00:00Z',
      currency: 'KRW',
      max_gpu_hour_rate: 100000,
      gpu_hour: { 'H100-80GB': 5500, L4: 950 },
    };
    const catalogue = await loadCatalogue(await catalogueDir('won', { 'krw-1.json': won }));
    expect(catalogue.versions[0]?.gpuHour).toEqual({ 'H100-80GB': 5500, L4: 950 });
    expect(catalogue.currency).toBe('KRW');
    // The bound guards the prices; it is not one of them, so the hash does not follow it.
    const { max_gpu_hour_rate: _bound, ...unbounded } = won;
    const lower = { ...unbounded, gpu_hour: { L4: 950 } };
    const withBound = { ...lower, max_gpu_hour_rate: 100000 };
    const a = await loadCatalogue(await catalogueDir('won-a', { 'v.json': lower }));
    const b = await loadCatalogue(await catalogueDir('won-b', { 'v.json': withBound }));
    expect(a.hash).toBe(b.hash);
  });

  it('takes aliases and MIG rules, and keeps them with the version', async () => {
    const dir = await catalogueDir('aliases-ok', {
      'a.json': {
        ...good,
        gpu_aliases: { 'NVIDIA H100 80GB HBM3': 'H100-80GB', 'NVIDIA L4': 'L4' },
        mig: { 'A100-80GB': { slices: 7, share: { '1g.10gb': 0.125 } } },
      },
    });
    const [version] = (await loadCatalogue(dir)).versions;
    expect(version?.gpuAliases).toEqual({
      'NVIDIA H100 80GB HBM3': 'H100-80GB',
      'NVIDIA L4': 'L4',
    });
    expect(version?.mig).toEqual({ 'A100-80GB': { slices: 7, share: { '1g.10gb': 0.125 } } });
  });

  it('takes a zero fraction of a second, a byte-order mark, and no optional fields', async () => {
    const minimal = {
      version: 'v1',
      effective_from: '2026-07-01T05:00:00.000Z',
      currency: 'USD',
      gpu_hour: { T4: 0 },
    };
    const dir = await catalogueDir('minimal', { 'v1.json': `\ufeff${JSON.stringify(minimal)}` });
    const catalogue = await loadCatalogue(dir);
    expect(catalogue.versions).toEqual([
      {
        version: 'v1',
        effectiveFromMs: Date.UTC(2026, 6, 1, 5),
        currency: 'USD',
        gpuHour: { T4: 0 },
      },
    ]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
