// `ml-cost pricing` list | show | validate | diff, run through commander as the CLI runs it.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pricingCommand } from '../../src/commands/pricing.js';
import { CatalogueError, UsageError } from '../../src/errors.js';
import { captureStdout } from '../helpers/stdout.js';
import { tempDir } from '../helpers/temp.js';

const july = {
  version: '2026-07',
  effective_from: '2026-07-01T00:00:00Z',
  currency: 'EUR',
  gpu_hour: { 'A100-80GB': 2.93, 'H100-80GB': 4.1, L4: 0.71, T4: 0.4 },
};
const october = {
  version: '2026-10',
  effective_from: '2026-10-01T00:00:00Z',
  currency: 'EUR',
  gpu_hour: { 'A100-80GB': 2.93, 'H100-80GB': 3.69, L4: 0.75, L40S: 1.6 },
};

let dir: string;
let written: string[];

beforeAll(async () => {
  dir = await tempDir('ml-cost-pricing-cmd-');
  await writeFile(join(dir, '2026-07.json'), JSON.stringify(july));
  await writeFile(join(dir, '2026-10.json'), JSON.stringify(october));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
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
  await program.parseAsync(['pricing', ...args], { from: 'user' });
  return written.join('');
}

describe('ml-cost pricing', () => {
  it('writes its result to stdout in one piece', async () => {
    await run('list', '--catalogue', dir);
    expect(written.length).toBe(1);
  });

  it('list: versions, starts, currency, GPU type counts, which is in force, and the hash', async () => {
    const out = await run('list', '--catalogue', dir, '--format', 'json');
    const parsed = JSON.parse(out);
    expect(parsed.catalogue).toEqual({
      origin: dir,
      hash: expect.stringMatching(/^[0-9a-f]{12}$/),
      currency: 'EUR',
    });
    expect(parsed.versions).toEqual([
      {
        version: '2026-07',
        effective_from: '2026-07-01T00:00:00Z',
        currency: 'EUR',
        gpu_types: 4,
        status: 'in force',
      },
      {
        version: '2026-10',
        effective_from: '2026-10-01T00:00:00Z',
        currency: 'EUR',
        gpu_types: 4,
        status: 'upcoming',
      },
    ]);
  });

  it('list as a table names the catalogue and hash above the rows', async () => {
    const out = await run('list', '--catalogue', dir);
    const hash = JSON.parse(await runFresh('validate', dir, '--format', 'json')).hash;
    expect(out).toContain(`Catalogue ${dir} (EUR), hash ${hash}`);
    expect(out).toMatch(/2026-07 .* 2026-07-01T00:00:00Z .* EUR .* 4 .* in force/);
    expect(out).toMatch(/2026-10 .* upcoming/);
  });

  it("uses the config's catalogue, as the report it explains does", async () => {
    const config = join(await tempDir('ml-cost-pricing-config-'), 'c.json');
    await writeFile(config, JSON.stringify({ catalogue: dir }));
    const listed = JSON.parse(await run('list', '--config', config, '--format', 'json'));
    expect(listed.catalogue.origin).toBe(dir);
    expect(listed.versions.map((v: { version: string }) => v.version)).toEqual([
      '2026-07',
      '2026-10',
    ]);
  });

  it('show: without a version, the one in force now', async () => {
    const parsed = JSON.parse(await run('show', '--catalogue', dir, '--format', 'json'));
    expect(parsed.version).toBe('2026-07');
    expect(parsed.gpu_hour).toEqual({ 'A100-80GB': 2.93, 'H100-80GB': 4.1, L4: 0.71, T4: 0.4 });
  });

  it('show: a named version, rates with at least two decimals', async () => {
    const out = await run('show', '2026-10', '--catalogue', dir);
    expect(out).toContain('Version 2026-10, in force from 2026-10-01T00:00:00Z');
    expect(out).toMatch(/H100-80GB +│ +3\.69 │/);
    expect(out).toMatch(/L40S +│ +1\.60 │/);
  });

  it('show: says so when no version is in force yet', async () => {
    vi.stubEnv('ML_COST_NOW', '2026-06-30T23:59:59Z');
    await expect(run('show', '--catalogue', dir)).rejects.toThrow(UsageError);
    await expect(runFresh('show', '--catalogue', dir)).rejects.toThrow(
      'no catalogue version is in force at 2026-06-30T23:59:59Z (the first starts 2026-07-01T00:00:00Z); name one: 2026-07, 2026-10',
    );
  });

  it('show: an unknown version lists the available ones', async () => {
    await expect(run('show', '2026-09', '--catalogue', dir)).rejects.toThrow(
      `unknown catalogue version "2026-09" in ${dir}; available: 2026-07, 2026-10`,
    );
  });

  it('validate: ok line with the number of versions and the hash', async () => {
    const out = await run('validate', dir);
    expect(out).toMatch(/^ok: 2 versions, hash [0-9a-f]{12}\n$/);
  });

  it('validate: the directory argument wins over --catalogue', async () => {
    const out = await run('validate', dir, '--catalogue', join(dir, 'nowhere'));
    expect(out).toMatch(/^ok: 2 versions/);
  });

  it('validate: a broken catalogue is a CatalogueError naming file and field, and nothing on stdout', async () => {
    const broken = await tempDir('ml-cost-pricing-broken-');
    try {
      await writeFile(join(broken, 'a.json'), JSON.stringify({ ...july, gpu_hour: { L4: -1 } }));
      const error = await run('validate', broken).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CatalogueError);
      expect((error as Error).message).toBe(
        `${join(broken, 'a.json')}: gpu_hour.L4: must be a finite number >= 0 and < 1000 (price per GPU-hour) (got -1)`,
      );
      expect(written).toEqual([]);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  it('diff: old -> new per GPU type, % change, added and removed types', async () => {
    const parsed = JSON.parse(
      await run('diff', '2026-07', '2026-10', '--catalogue', dir, '--format', 'json'),
    );
    expect(parsed.from).toEqual({ version: '2026-07', effective_from: '2026-07-01T00:00:00Z' });
    expect(parsed.to).toEqual({ version: '2026-10', effective_from: '2026-10-01T00:00:00Z' });
    // 4.10 -> 3.69 is -10%; 0.71 -> 0.75 is +5.6338%.
    expect(parsed.changes).toEqual([
      { gpu_type: 'A100-80GB', from: 2.93, to: 2.93, change_pct: 0, status: 'unchanged' },
      { gpu_type: 'H100-80GB', from: 4.1, to: 3.69, change_pct: -10, status: 'changed' },
      { gpu_type: 'L4', from: 0.71, to: 0.75, change_pct: 5.6338, status: 'changed' },
      { gpu_type: 'L40S', from: null, to: 1.6, change_pct: null, status: 'added' },
      { gpu_type: 'T4', from: 0.4, to: null, change_pct: null, status: 'removed' },
    ]);
  });

  it('diff as a table', async () => {
    const out = await run('diff', '2026-07', '2026-10', '--catalogue', dir);
    expect(out).toContain('Rates 2026-07 -> 2026-10, EUR per GPU-hour');
    expect(out).toMatch(/H100-80GB +│ +4\.10 │ +3\.69 │ +-10\.0% │/);
    expect(out).toMatch(/L4 +│ +0\.71 │ +0\.75 │ +\+5\.6% │/);
    expect(out).toMatch(/L40S +│ +- │ +1\.60 │ +added │/);
    expect(out).toMatch(/T4 +│ +0\.40 │ +- │ +removed │/);
    expect(out).toContain('2 changed, 1 added, 1 removed, 1 unchanged');
  });

  it('uses the shipped catalogue when --catalogue is not given', async () => {
    const out = await run('validate');
    expect(out).toMatch(/^ok: \d+ versions, \d+ exchange rates, hash [0-9a-f]{12}\n$/);
  });
});

/** Runs again with a clean capture, for a second command in the same test. */
async function runFresh(...args: string[]): Promise<string> {
  const before = written.length;
  const program = new Command('ml-cost').exitOverride();
  program.addCommand(pricingCommand());
  await program.parseAsync(['pricing', ...args], { from: 'user' });
  const out = written.slice(before).join('');
  written.splice(before);
  return out;
}

describe('ml-cost pricing with exporter aliases and MIG rules', () => {
  let named: string;
  beforeAll(async () => {
    named = await tempDir('ml-cost-pricing-names-');
    await writeFile(
      join(named, '2026-07.json'),
      JSON.stringify({
        ...july,
        gpu_aliases: { 'NVIDIA H100 80GB HBM3': 'H100-80GB', 'Tesla T4': 'T4' },
        mig: { 'A100-80GB': { share: { '1g.10gb': 0.125 } } },
      }),
    );
    await writeFile(
      join(named, '2026-10.json'),
      JSON.stringify({
        ...october,
        gpu_aliases: { 'NVIDIA H100 80GB HBM3': 'H100-80GB', 'NVIDIA L40S': 'L40S' },
        mig: { 'A100-80GB': { slices: 7, share: { '1g.10gb': 0.25 } } },
      }),
    );
  });
  afterAll(async () => {
    await rm(named, { recursive: true, force: true });
  });

  it('show --format json: aliases and MIG rules beside the rates', async () => {
    const parsed = JSON.parse(
      await run('show', '2026-07', '--catalogue', named, '--format', 'json'),
    );
    expect(parsed.gpu_aliases).toEqual({ 'NVIDIA H100 80GB HBM3': 'H100-80GB', 'Tesla T4': 'T4' });
    expect(parsed.mig).toEqual({ 'A100-80GB': { share: { '1g.10gb': 0.125 } } });
  });

  it('show --format json of a version without them has no such fields', async () => {
    const parsed = JSON.parse(await run('show', '2026-07', '--catalogue', dir, '--format', 'json'));
    expect(Object.keys(parsed)).toEqual([
      'schema_version',
      'catalogue',
      'version',
      'effective_from',
      'currency',
      'gpu_hour',
    ]);
  });

  it('show as a table: each alias with the GPU type and rate it prices at, and the MIG rule', async () => {
    const out = await run('show', '2026-07', '--catalogue', named);
    expect(out).toMatch(/NVIDIA H100 80GB HBM3 +│ +H100-80GB +│ +4\.10 │/);
    expect(out).toMatch(/Tesla T4 +│ +T4 +│ +0\.40 │/);
    expect(out).toContain('a profile <N>g.<M>gb costs N/7 of its GPU type');
    expect(out).toMatch(/A100-80GB +│ +1g\.10gb +│ +0\.125 │/);
  });

  it('diff: alias and MIG changes beside the rate changes', async () => {
    const parsed = JSON.parse(
      await run('diff', '2026-07', '2026-10', '--catalogue', named, '--format', 'json'),
    );
    expect(parsed.alias_changes).toEqual([
      { alias: 'NVIDIA H100 80GB HBM3', from: 'H100-80GB', to: 'H100-80GB', status: 'unchanged' },
      { alias: 'NVIDIA L40S', from: null, to: 'L40S', status: 'added' },
      { alias: 'Tesla T4', from: 'T4', to: null, status: 'removed' },
    ]);
    expect(parsed.mig_changes).toEqual([
      { gpu_type: 'A100-80GB', rule: 'slices', from: null, to: 7, status: 'added' },
      { gpu_type: 'A100-80GB', rule: '1g.10gb', from: 0.125, to: 0.25, status: 'changed' },
    ]);
    const table = await runFresh('diff', '2026-07', '2026-10', '--catalogue', named);
    expect(table).toMatch(/NVIDIA L40S +│ +- +│ +L40S +│ +added +│/);
    expect(table).toMatch(/A100-80GB +│ +1g\.10gb +│ +0\.125 │ +0\.25 │ +changed +│/);
  });

  it('diff of versions without them adds nothing', async () => {
    const parsed = JSON.parse(
      await run('diff', '2026-07', '2026-10', '--catalogue', dir, '--format', 'json'),
    );
    expect(parsed).not.toHaveProperty('alias_changes');
    expect(parsed).not.toHaveProperty('mig_changes');
  });
});
