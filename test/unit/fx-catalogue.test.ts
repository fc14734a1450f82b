// Exchange-rate files (pricing/fx/*.json): validated like catalogue versions, each problem
// one line naming the file, the field and its line; covered by the catalogue hash.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/load.js';
import { CatalogueError, ExitCode } from '../../src/errors.js';
import { tempDir } from '../helpers/temp.js';

const version = {
  version: 'usd-2026-11',
  effective_from: '2026-11-01T00:00:00Z',
  currency: 'USD',
  gpu_hour: { 'A100-80GB': 3.5, L4: 0.8 },
};
const november = {
  $schema: './schema.json',
  version: 'EURUSD-2026-11',
  effective_from: '2026-11-01T00:00:00Z',
  base: 'EUR',
  quote: 'USD',
  rate: 1.25,
  source: 'test rate',
};
const midMonth = {
  ...november,
  version: 'EURUSD-2026-11-16',
  effective_from: '2026-11-16T12:00:00Z',
  rate: 1.6,
};

/** Pretty-printed as people write them: one field per line, so lines can be checked. */
const pretty = (value: unknown) => JSON.stringify(value, null, 2);

let root: string;
beforeAll(async () => {
  root = await tempDir('ml-cost-fx-');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let count = 0;
async function catalogueWith(fx: Record<string, string>): Promise<string> {
  const dir = join(root, `c${count++}`);
  await mkdir(join(dir, 'fx'), { recursive: true });
  await writeFile(join(dir, 'usd.json'), pretty(version));
  for (const [name, text] of Object.entries(fx)) await writeFile(join(dir, 'fx', name), text);
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

interface HostileCase {
  readonly name: string;
  readonly files: Record<string, string>;
  readonly file: string;
  readonly field: string;
  readonly says: string;
  /** The line of the field in the file, when the problem is with one field. */
  readonly line?: number;
}

const withField = (field: string, value: unknown) => pretty({ ...november, [field]: value });
const without = (field: string) => {
  const copy: Record<string, unknown> = { ...november };
  delete copy[field];
  return pretty(copy);
};

// Line numbers: pretty() writes "{" on line 1, then $schema 2, version 3, effective_from 4,
// base 5, quote 6, rate 7, source 8.
const cases: HostileCase[] = [
  {
    name: 'rate zero',
    files: { 'a.json': withField('rate', 0) },
    file: 'a.json',
    field: 'rate',
    says: 'must be a finite number > 0',
    line: 7,
  },
  {
    name: 'rate negative',
    files: { 'a.json': withField('rate', -1.2) },
    file: 'a.json',
    field: 'rate',
    says: '(got -1.2)',
    line: 7,
  },
  {
    name: 'rate as a string',
    files: { 'a.json': withField('rate', '1.25') },
    file: 'a.json',
    field: 'rate',
    says: 'must be a finite number > 0',
    line: 7,
  },
  {
    name: 'rate missing',
    files: { 'a.json': without('rate') },
    file: 'a.json',
    field: 'rate',
    says: 'is required',
  },
  {
    name: 'effective_from not on a whole hour',
    files: { 'a.json': withField('effective_from', '2026-11-01T00:30:00Z') },
    file: 'a.json',
    field: 'effective_from',
    says: 'whole hour',
    line: 4,
  },
  {
    name: 'effective_from with an offset',
    files: { 'a.json': withField('effective_from', '2026-11-01T01:00:00+01:00') },
    file: 'a.json',
    field: 'effective_from',
    says: 'ending in "Z"',
    line: 4,
  },
  {
    name: 'effective_from not in the calendar',
    files: { 'a.json': withField('effective_from', '2026-02-30T00:00:00Z') },
    file: 'a.json',
    field: 'effective_from',
    says: 'not a date in the calendar',
    line: 4,
  },
  {
    name: 'base not an ISO 4217 code',
    files: { 'a.json': withField('base', 'eur') },
    file: 'a.json',
    field: 'base',
    says: 'ISO 4217',
    line: 5,
  },
  {
    name: 'quote a funds code',
    files: { 'a.json': withField('quote', 'XAU') },
    file: 'a.json',
    field: 'quote',
    says: 'ISO 4217',
    line: 6,
  },
  {
    name: 'base and quote equal',
    files: { 'a.json': withField('quote', 'EUR') },
    file: 'a.json',
    field: 'quote',
    says: 'must differ from base ("EUR")',
    line: 6,
  },
  {
    name: 'source empty',
    files: { 'a.json': withField('source', '  ') },
    file: 'a.json',
    field: 'source',
    says: 'must say where the rate comes from',
    line: 8,
  },
  {
    name: 'source missing',
    files: { 'a.json': without('source') },
    file: 'a.json',
    field: 'source',
    says: 'is required',
  },
  {
    name: 'unknown field, a typo',
    files: { 'a.json': pretty({ ...november, qoute: 'USD' }) },
    file: 'a.json',
    field: 'qoute',
    says: 'did you mean "quote"?',
    line: 9,
  },
  {
    name: 'a key twice',
    files: { 'a.json': pretty(november).replace('"rate": 1.25', '"rate": 1.25,\n  "rate": 1') },
    file: 'a.json',
    field: 'key "rate" appears twice',
    says: 'line 8',
  },
  {
    name: 'not JSON',
    files: { 'a.json': '{\n  "version": "x",\n  oops\n}' },
    file: 'a.json',
    field: 'not valid JSON at line 3',
    says: 'column',
  },
  {
    name: 'empty file',
    files: { 'a.json': '' },
    file: 'a.json',
    field: 'file is empty',
    says: 'one JSON object',
  },
  {
    name: 'an array',
    files: { 'a.json': '[]' },
    file: 'a.json',
    field: 'must be a JSON object',
    says: 'base, quote, rate',
  },
  {
    name: 'version name used twice',
    files: {
      'a.json': pretty(november),
      'b.json': pretty({ ...midMonth, version: november.version }),
    },
    file: 'b.json',
    field: 'version',
    says: 'already used by',
    line: 3,
  },
  {
    name: 'two rates of a pair at one instant',
    files: { 'a.json': pretty(november), 'b.json': pretty({ ...november, version: 'other' }) },
    file: 'b.json',
    field: 'effective_from',
    says: 'is already the start of EUR->USD rate "EURUSD-2026-11"',
    line: 4,
  },
  {
    name: 'both directions of a pair',
    files: {
      'a.json': pretty(november),
      'b.json': pretty({ ...midMonth, base: 'USD', quote: 'EUR', rate: 0.625 }),
    },
    file: 'b.json',
    field: 'base',
    says: 'keep one direction per pair',
    line: 5,
  },
];

describe('exchange-rate files are validated like catalogue versions', () => {
  it.each(cases)('$name', async ({ files, file, field, says, line }) => {
    const dir = await catalogueWith(files);
    const error = await loadError(dir);
    expect(error.exitCode).toBe(ExitCode.usage);
    const first = error.message.split('\n')[0] ?? '';
    expect(first.startsWith(`${join(dir, 'fx', file)}: ${field}`)).toBe(true);
    expect(first).toContain(says);
    if (line !== undefined) expect(first).toMatch(new RegExp(`\\(line ${line}\\)$`));
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it('reads the rates, sorted by start, and ignores schema.json', async () => {
    const dir = await catalogueWith({
      'b.json': pretty(midMonth),
      'a.json': pretty(november),
      'schema.json': '{"type":"object"}',
    });
    const catalogue = await loadCatalogue(dir);
    expect(catalogue.fx?.map((r) => [r.version, r.rate])).toEqual([
      ['EURUSD-2026-11', 1.25],
      ['EURUSD-2026-11-16', 1.6],
    ]);
  });

  it('says when fx is a file, not a directory', async () => {
    const dir = join(root, 'fx-file');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'usd.json'), pretty(version));
    await writeFile(join(dir, 'fx'), 'rates');
    const error = await loadError(dir);
    expect(error.message).toContain(`${join(dir, 'fx')}: not a directory`);
  });
});

describe('the catalogue hash covers the exchange rates', () => {
  const hashOf = async (fx: Record<string, string>) =>
    (await loadCatalogue(await catalogueWith(fx))).hash;

  it('is the hash of the versions alone without fx/, as before exchange rates existed', async () => {
    const dir = join(root, 'no-fx');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'usd.json'), pretty(version));
    expect((await loadCatalogue(dir)).hash).toBe(await hashOf({}));
  });

  it('changes with a rate, a start, a pair or a name; not with the source or formatting', async () => {
    const base = await hashOf({ 'a.json': pretty(november) });
    expect(await hashOf({})).not.toBe(base);
    expect(await hashOf({ 'a.json': withField('rate', 1.2500001) })).not.toBe(base);
    expect(
      await hashOf({ 'a.json': withField('effective_from', '2026-11-01T01:00:00Z') }),
    ).not.toBe(base);
    expect(await hashOf({ 'a.json': withField('base', 'GBP') })).not.toBe(base);
    expect(await hashOf({ 'a.json': withField('version', 'renamed') })).not.toBe(base);
    expect(await hashOf({ 'z.json': JSON.stringify({ ...november, source: 'elsewhere' }) })).toBe(
      base,
    );
  });
});
