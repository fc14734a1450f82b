// `ml-cost pricing` on a catalogue with exchange rates: list, show, diff and validate them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pricingCommand } from '../../src/commands/pricing.js';
import { UsageError } from '../../src/errors.js';
import { captureStdout } from '../helpers/stdout.js';
import { tempDir } from '../helpers/temp.js';

const rate = (version: string, effective_from: string, base: string, quote: string, r: number) =>
  JSON.stringify({ version, effective_from, base, quote, rate: r, source: `source of ${version}` });

let dir: string;
let written: string[];

beforeAll(async () => {
  dir = await tempDir('ml-cost-pricing-fx-');
  await mkdir(join(dir, 'fx'));
  await writeFile(
    join(dir, 'usd.json'),
    JSON.stringify({
      version: 'usd-2026-07',
      effective_from: '2026-07-01T00:00:00Z',
      currency: 'USD',
      gpu_hour: { L4: 0.8 },
    }),
  );
  await writeFile(
    join(dir, 'eur.json'),
    JSON.stringify({
      version: 'eur-2026-10',
      effective_from: '2026-10-01T00:00:00Z',
      currency: 'EUR',
      gpu_hour: { L4: 0.69 },
    }),
  );
  await writeFile(
    join(dir, 'fx', 'a.json'),
    rate('EURUSD-07', '2026-07-01T00:00:00Z', 'EUR', 'USD', 1.14),
  );
  await writeFile(
    join(dir, 'fx', 'b.json'),
    rate('EURUSD-10', '2026-10-01T00:00:00Z', 'EUR', 'USD', 1.16),
  );
  await writeFile(
    join(dir, 'fx', 'c.json'),
    rate('GBPEUR-07', '2026-07-01T00:00:00Z', 'GBP', 'EUR', 1.18),
  );
});
beforeEach(() => {
  written = captureStdout();
  vi.stubEnv('ML_COST_NOW', '2026-08-15T12:00:00Z');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

async function run(...args: string[]): Promise<string> {
  const program = new Command('ml-cost').exitOverride();
  program.addCommand(pricingCommand());
  await program.parseAsync(['pricing', ...args, '--catalogue', dir], { from: 'user' });
  return written.join('');
}

describe('ml-cost pricing with exchange rates', () => {
  it('list: the rates beside the versions, by start and pair, each with its standing in its pair', async () => {
    const parsed = JSON.parse(await run('list', '--format', 'json'));
    expect(parsed.catalogue.currency).toBeNull();
    expect(parsed.fx).toEqual([
      {
        version: 'GBPEUR-07',
        effective_from: '2026-07-01T00:00:00Z',
        base: 'GBP',
        quote: 'EUR',
        rate: 1.18,
        status: 'in force',
      },
      {
        version: 'EURUSD-07',
        effective_from: '2026-07-01T00:00:00Z',
        base: 'EUR',
        quote: 'USD',
        rate: 1.14,
        status: 'in force',
      },
      {
        version: 'EURUSD-10',
        effective_from: '2026-10-01T00:00:00Z',
        base: 'EUR',
        quote: 'USD',
        rate: 1.16,
        status: 'upcoming',
      },
    ]);
  });

  it('list as a table heads a catalogue of several currencies with all of them', async () => {
    const out = await run('list');
    expect(out).toContain(`Catalogue ${dir} (USD, EUR), hash`);
    expect(out).toMatch(/EURUSD-07 +│ 2026-07-01T00:00:00Z │ EUR->USD │ +1\.14 │ in force/);
  });

  it('show: one rate, its inverse by division, and its source', async () => {
    const out = await run('show', 'EURUSD-10');
    expect(out).toContain('1 EUR = 1.16 USD');
    expect(out).toContain('1 USD ≈ 0.862069 EUR');
    expect(out).toContain('source: source of EURUSD-10');
    const parsed = JSON.parse(await runFresh('show', 'EURUSD-10', '--format', 'json'));
    expect(parsed).toMatchObject({ version: 'EURUSD-10', base: 'EUR', quote: 'USD', rate: 1.16 });
  });

  it('diff: two rates of one pair, and a refusal for two pairs', async () => {
    const parsed = JSON.parse(await run('diff', 'EURUSD-07', 'EURUSD-10', '--format', 'json'));
    // (1.16 - 1.14) / 1.14 = +1.7544%.
    expect(parsed).toMatchObject({ pair: 'EUR->USD', change_pct: 1.7544 });
    await expect(runFresh('diff', 'EURUSD-07', 'GBPEUR-07')).rejects.toThrow(UsageError);
  });

  it('diff of two versions in different currencies says both', async () => {
    const out = await run('diff', 'usd-2026-07', 'eur-2026-10');
    expect(out).toContain('Rates usd-2026-07 -> eur-2026-10, USD -> EUR per GPU-hour');
  });

  it('validate: counts the exchange rates', async () => {
    expect(await run('validate', dir)).toMatch(
      /^ok: 2 versions, 3 exchange rates, hash [0-9a-f]{12}\n$/,
    );
  });
});

async function runFresh(...args: string[]): Promise<string> {
  written.length = 0;
  return run(...args);
}
