// ml-cost export through the real binary: stable bytes, atomic files, FOCUS columns, totals
// that match `report`, formula-safe labels. Data: an offline export file with known increments.
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeCatalogue } from '../helpers/cli.js';
import { parseCsv } from '../helpers/csv.js';
import { FOCUS_MANDATORY_COLUMNS, focusViolations } from '../helpers/focus-spec.js';
import {
  exportFileText,
  HOURLY_RATES,
  twoDayUsage,
  writeTwoDayFiles,
} from '../helpers/two-days.js';
import { freePort } from '../helpers/victoria.js';

// Hourly samples (HOURLY_RATES); the prices and per-day costs are worked out in
// helpers/two-days.ts (158.52 EUR in all).
const USAGE = twoDayUsage(HOURLY_RATES);

let dir: string;
let source: string;
let catalogue: string;

beforeAll(async () => {
  ({ dir, source, catalogue } = await writeTwoDayFiles('ml-cost-export-', USAGE));
});

const cli = (args: string[], cat = catalogue, src = source) =>
  runCli([...args, '--source', src, '--catalogue', cat], { cwd: dir });

async function freshDir(): Promise<string> {
  return mkdtemp(join(dir, 'out-'));
}

describe('ml-cost export (ml-cost columns)', () => {
  it('writes one row per group, day and catalogue version, each naming its prices', async () => {
    const out = join(await freshDir(), 'day.csv');
    const result = await cli(['export', '--period', '2026-11-27', '--output', out]);
    expect(result.code).toBe(0);
    const text = await readFile(out, 'utf8');
    const hash = parseCsv(text)[0]?.catalogue_hash;
    expect(hash).toMatch(/^[0-9a-f]{6,}$/);
    const day = '2026-11-27T00:00:00Z,2026-11-28T00:00:00Z';
    expect(text).toBe(
      [
        'period_start,period_end,use_case,model_name,gpu_hours,inferences,tokens,cost_eur,cost_per_inference_eur,tokens_per_eur,unpriced_gpu_hours,unpriced_gpu_types,catalogue_versions,catalogue_hash',
        `${day},chat,llama,12,120,12000,35.16,0.293,341.297,0,,v1,${hash}`,
        `${day},chat,llama,12,120,12000,36,0.3,333.333,0,,v2,${hash}`,
        `${day},search,bge,6,1200,0,4.26,0.00355,0,0,,v1,${hash}`,
        `${day},search,bge,6,1200,0,4.26,0.00355,0,0,,v2,${hash}`,
        '',
      ].join('\n'),
    );
  });

  it('gives byte-identical files on every run', async () => {
    const out = await freshDir();
    const args = ['export', '--from', '2026-11-26', '--to', '2026-11-28', '--granularity', 'hour'];
    expect((await cli([...args, '--output', join(out, 'a.csv')])).code).toBe(0);
    expect((await cli([...args, '--output', join(out, 'b.csv')])).code).toBe(0);
    const a = await readFile(join(out, 'a.csv'));
    expect(a.equals(await readFile(join(out, 'b.csv')))).toBe(true);
    expect(parseCsv(a.toString())).toHaveLength(2 * 48); // two groups, 48 hours
  });

  it('adds up to the same total as report', async () => {
    const exported = await cli([
      'export',
      '--from',
      '2026-11-26',
      '--to',
      '2026-11-28',
      '--granularity',
      'hour',
    ]);
    expect(exported.code).toBe(0);
    const sum = parseCsv(exported.stdout).reduce((acc, row) => acc + Number(row.cost_eur), 0);
    const report = await cli([
      'report',
      '--from',
      '2026-11-26',
      '--to',
      '2026-11-28',
      '--format',
      'json',
    ]);
    const reported = JSON.parse(report.stdout).totals.cost_eur;
    expect(sum).toBeCloseTo(reported, 6);
    expect(sum).toBeCloseTo(158.52, 6);
  });

  it('writes one file per local day into --output-dir, and a re-run keeps them', async () => {
    const out = await freshDir();
    const args = ['export', '--from', '2026-11-26', '--to', '2026-11-28', '--output-dir', out];
    const first = await cli(args);
    expect(first.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual([
      'ml-cost-2026-11-26.csv',
      'ml-cost-2026-11-27.csv',
    ]);
    const before = await stat(join(out, 'ml-cost-2026-11-27.csv'));

    const again = await cli(args);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/kept existing .*ml-cost-2026-11-27\.csv/);
    expect((await stat(join(out, 'ml-cost-2026-11-27.csv'))).mtimeMs).toBe(before.mtimeMs);

    // A daily run writes the same bytes as the back-fill did.
    const single = await cli(['export', '--period', '2026-11-27']);
    expect(single.stdout).toBe(await readFile(join(out, 'ml-cost-2026-11-27.csv'), 'utf8'));
  });

  it("writes ';' and ',' decimals with --decimal-comma or the config's csv.decimal_comma", async () => {
    const config = join(await freshDir(), 'ml-cost.config.json');
    await writeFile(config, JSON.stringify({ csv: { decimal_comma: true } }));
    const day = ['--period', '2026-11-27'];
    const search = ';search;bge;6;1200;0;4,26;0,00355;0;0;;v1;';
    const exported = await cli(['export', ...day, '--config', config]);
    expect(exported.stdout.split('\n')[0]).toMatch(/^period_start;period_end;use_case;/);
    expect(exported.stdout).toContain(search);
    const reported = await cli(['report', ...day, '--format', 'csv', '--decimal-comma']);
    expect(reported.stdout).toContain(';search;bge;12;2400;0;8,52;');
    const overridden = await cli(['export', ...day, '--config', config, '--no-decimal-comma']);
    expect(overridden.stdout).toContain(',search,bge,6,1200,0,4.26,0.00355,');
  });

  it('refuses --output-dir for a window that cuts a day', async () => {
    const result = await cli([
      'export',
      '--from',
      '2026-11-26T06:00Z',
      '--to',
      '2026-11-27',
      '--output-dir',
      await freshDir(),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/whole local days/);
  });

  it('refuses a missing --output-dir before reading any usage', async () => {
    const missing = join(await freshDir(), 'nope');
    // The source does not exist either: a read would fail differently (and later).
    const result = await cli(
      ['export', '--period', '2026-11-27', '--output-dir', missing],
      catalogue,
      join(dir, 'no-such-source.jsonl'),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--output-dir .*nope: directory .* does not exist/);
  });

  it('keeps label text that looks like a formula from becoming one', async () => {
    const tricky = join(dir, 'tricky.jsonl');
    const labels = { use_case: '=HYPERLINK("http://x","y")', model_name: '-2+3', gpu_type: 'L4' };
    const gpu = USAGE[0] as (typeof USAGE)[number];
    await writeFile(
      tricky,
      exportFileText([{ ...gpu, metric: { __name__: 'ml_gpu_seconds_total', ...labels } }]),
    );
    const result = await cli(
      ['export', '--period', '2026-11-27', '--by', 'use_case,model_name'],
      catalogue,
      tricky,
    );
    expect(result.code).toBe(0);
    const line = result.stdout.split('\n')[1] ?? '';
    expect(line).toContain(`"'=HYPERLINK(""http://x"",""y"")",'-2+3,`);
  });
});

describe('ml-cost export failures leave nothing behind', () => {
  it('writes no file when the source is down, exit 3', async () => {
    const out = join(await freshDir(), 'export.csv');
    const port = await freePort();
    const result = await cli(
      ['export', '--period', '2026-11-27', '--output', out, '--timeout', '2'],
      catalogue,
      `http://127.0.0.1:${port}`,
    );
    expect(result.code).toBe(3);
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
    expect(await readdir(join(out, '..'))).toEqual([]);
  });

  it('leaves an existing file untouched when a run with --overwrite fails', async () => {
    const out = join(await freshDir(), 'export.csv');
    await writeFile(out, 'yesterday,s,data\n');
    const broken = await writeCatalogue([
      { version: 'v1', effective_from: '2026-01-01T00:00:00Z', gpu_hour: { L4: -1 } },
    ]);
    const result = await cli(
      ['export', '--period', '2026-11-27', '--output', out, '--overwrite'],
      broken,
    );
    expect(result.code).toBe(2);
    expect(await readFile(out, 'utf8')).toBe('yesterday,s,data\n');
    expect(await readdir(join(out, '..'))).toEqual(['export.csv']);
  });

  it('exits 2 for a directory that does not exist', async () => {
    const out = join(dir, 'missing-dir', 'export.csv');
    const result = await cli(['export', '--period', '2026-11-27', '--output', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/does not exist/);
  });
});

describe('ml-cost export --schema focus', () => {
  it('has every mandatory FOCUS column and charges in GPU-hours', async () => {
    const result = await cli(['export', '--period', '2026-11-27', '--schema', 'focus']);
    expect(result.code).toBe(0);
    const header = result.stdout.split('\n')[0]?.split(',') ?? [];
    for (const column of FOCUS_MANDATORY_COLUMNS) expect(header).toContain(column);
    expect(header.filter((name) => /^[a-z]/.test(name)).every((n) => n.startsWith('x_'))).toBe(
      true,
    );

    const rows = parseCsv(result.stdout);
    // One charge per use case, GPU type and catalogue version; tokens and inferences folded in.
    expect(rows).toHaveLength(4);
    const chatV1 = rows.find((r) => r.x_UseCase === 'chat' && r.x_CatalogueVersion === 'v1');
    expect(chatV1).toMatchObject({
      ChargePeriodStart: '2026-11-27T00:00:00Z',
      ChargePeriodEnd: '2026-11-27T12:00:00Z',
    });
    const chatV2 = rows.find((r) => r.x_UseCase === 'chat' && r.x_CatalogueVersion === 'v2');
    expect(chatV2).toMatchObject({
      // 12 GPU-hours at 3.00: exact as doubles too, so the quantity needs no move.
      BilledCost: '36.000000000000000000',
      EffectiveCost: '36.000000000000000000',
      ListCost: '36.000000000000000000',
      ContractedCost: '36.000000000000000000',
      ListUnitPrice: '3.000000000',
      BillingCurrency: 'EUR',
      BillingPeriodStart: '2026-11-01T00:00:00Z',
      BillingPeriodEnd: '2026-12-01T00:00:00Z',
      // Charged for the part of the day v2 was in force: from the price change at 12:00Z.
      ChargePeriodStart: '2026-11-27T12:00:00Z',
      ChargePeriodEnd: '2026-11-28T00:00:00Z',
      ChargeCategory: 'Usage',
      ChargeClass: '',
      PricingQuantity: '12.000000000',
      PricingUnit: 'GPU-Hours',
      ServiceCategory: 'AI and Machine Learning',
      SkuPriceId: 'v2:A100-80GB',
      x_GpuType: 'A100-80GB',
      x_ModelName: 'llama',
      x_Inferences: '120',
      x_Tokens: '12000',
    });
    const billed = rows.reduce((acc, row) => acc + Number(row.BilledCost), 0);
    expect(billed).toBeCloseTo(35.16 + 36 + 4.26 + 4.26, 6);
    expect(focusViolations(result.stdout, '1.3')).toEqual([]);
  });

  // Zones with whole-hour, DST and half-hour offsets; hours and days; the v1 -> v2 change at
  // 2026-11-27T12:00Z inside the window. Every file passes the rules and adds up to the
  // fixture's hand-summed cost of the hours it covers.
  const zones: [string, string, string, number][] = [
    // zone, --from, --to, cost of the hours in the window (helpers/two-days.ts)
    ['UTC', '2026-11-26', '2026-11-28', 158.52],
    // Paris is UTC+1 in November: 2026-11-26T23:00Z .. 2026-11-27T23:00Z; 13 h of chat at
    // 2.93 before 12:00Z, 11 h at 3.00 after, and 24 h of search at 0.5 x 0.71.
    ['Europe/Paris', '2026-11-27', '2026-11-28', 13 * 2.93 + 11 * 3 + 24 * 0.355],
    // Kolkata is UTC+5:30: 2026-11-26T18:30Z .. 2026-11-27T18:30Z, whole hours of the
    // fixture only from 19:00Z: the window starts mid-hour, so compare with the report.
    ['Asia/Kolkata', '2026-11-27', '2026-11-28', Number.NaN],
  ];
  for (const [tz, from, to, cost] of zones) {
    for (const granularity of ['hour', 'day']) {
      for (const version of ['1.2', '1.3'] as const) {
        it(`FOCUS ${version}, ${tz}, by ${granularity}: passes every rule and adds up`, async () => {
          const args = ['--from', from, '--to', to, '--tz', tz];
          const result = await cli([
            'export',
            ...args,
            '--granularity',
            granularity,
            '--schema',
            'focus',
            '--focus-version',
            version,
          ]);
          expect(result.code).toBe(0);
          expect(focusViolations(result.stdout, version)).toEqual([]);
          const billed = parseCsv(result.stdout).reduce((a, r) => a + Number(r.BilledCost), 0);
          const report = await cli(['report', ...args, '--format', 'json']);
          const total = JSON.parse(report.stdout).totals.cost_eur;
          expect(billed).toBeCloseTo(total, 6);
          if (!Number.isNaN(cost)) expect(billed).toBeCloseTo(cost, 6);
        });
      }
    }
  }

  it('refuses config and flags that would break FOCUS, before reading usage (exit 2)', async () => {
    const config = join(await freshDir(), 'ml-cost.config.json');
    await writeFile(
      config,
      JSON.stringify({
        export: { focus: { service_provider_name: 'Example AI', invoice_issuer_name: 'Reseller' } },
      }),
    );
    const base = ['export', '--period', '2026-11-27', '--schema', 'focus'];
    const missing = join(dir, 'no-such-source.jsonl');
    const issuer = await cli([...base, '--config', config], catalogue, missing);
    expect(issuer.code).toBe(2);
    expect(issuer.stderr).toMatch(/invoice_issuer_name .*BilledCost-C-005-C/);
    const clash = await cli([...base, '--by', 'team.name,team_name'], catalogue, missing);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/both be the FOCUS column x_LabelTeamName/);
    const comma = await cli([...base, '--decimal-comma'], catalogue, missing);
    expect(comma.code).toBe(2);
    expect(comma.stderr).toMatch(/--decimal-comma/);
    const version = await cli(['export', '--focus-version', '1.2'], catalogue, missing);
    expect(version.code).toBe(2);
    expect(version.stderr).toMatch(/--focus-version: only with --schema focus/);
  });

  it('names the provider and billing account from the config, the defaults for the rest', async () => {
    const config = join(await freshDir(), 'ml-cost.config.json');
    const focus = {
      billing_account_id: 'acct-42',
      billing_account_name: 'ML platform',
      host_provider_name: 'Example Cloud',
    };
    await writeFile(config, JSON.stringify({ export: { focus } }));
    const args = ['export', '--period', '2026-11-27', '--schema', 'focus'];
    const result = await cli([...args, '--config', config]);
    expect(result.code).toBe(0);
    const rows = parseCsv(result.stdout);
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row).toMatchObject({
        BillingAccountId: 'acct-42',
        BillingAccountName: 'ML platform',
        HostProviderName: 'Example Cloud',
        ServiceProviderName: 'Internal',
        ProviderName: 'Internal',
        PublisherName: 'Internal',
        InvoiceIssuerName: 'Internal',
        ServiceName: 'ML inference',
      });
    }
    const unconfigured = parseCsv((await cli(args)).stdout);
    expect(new Set(unconfigured.map((row) => row.BillingAccountId))).toEqual(new Set(['ml-cost']));
  });

  it('refuses unpriced usage (exit 2) instead of billing it as zero, and writes nothing', async () => {
    const noL4 = await writeCatalogue([
      { version: 'v1', effective_from: '2026-01-01T00:00:00Z', gpu_hour: { 'A100-80GB': 2.93 } },
    ]);
    const out = join(await freshDir(), 'focus.csv');
    const result = await cli(
      ['export', '--period', '2026-11-27', '--schema', 'focus', '--output', out],
      noL4,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/L4/);
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
  });

  it('names --output-dir files after the schema and the day', async () => {
    const out = await freshDir();
    await mkdir(out, { recursive: true });
    const result = await cli([
      'export',
      '--period',
      '2026-11-27',
      '--schema',
      'focus',
      '--output-dir',
      out,
    ]);
    expect(result.code).toBe(0);
    expect(await readdir(out)).toEqual(['focus-2026-11-27.csv']);
  });
});
