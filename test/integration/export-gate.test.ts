// export and gate through the real binary against a real VictoriaMetrics: byte-stable files,
// parity with the offline export file, local days in a time zone, and a failing source that
// leaves nothing behind. Counters are scraped every 5 minutes with known increments.
import { once } from 'node:events';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { column, parseCsv } from '../helpers/csv.js';
import { tempDir } from '../helpers/temp.js';
import { exportFileText, twoDayCatalogue, twoDayUsage } from '../helpers/two-days.js';
import { type ExportLine, startVictoria, type Victoria } from '../helpers/victoria.js';

// Scraped every 5 minutes: chat 1200 tokens and 12 inferences per hour, search 120 inferences
// per hour; prices and per-day costs in helpers/two-days.ts (158.52 EUR in all).
const FIXTURE: ExportLine[] = twoDayUsage({
  stepMinutes: 5,
  chatTokens: 1200,
  chatInferences: 12,
  searchInferences: 120,
});

let victoria: Victoria;
let dir: string;
let catalogue: string;
let exportFile: string;

beforeAll(async () => {
  victoria = await startVictoria();
  await victoria.import(FIXTURE);
  dir = await tempDir('ml-cost-export-vm-');
  exportFile = join(dir, 'usage.jsonl');
  await writeFile(exportFile, exportFileText(FIXTURE));
  catalogue = await twoDayCatalogue();
});

afterAll(async () => {
  await victoria?.stop();
});

const run = (args: string[], source = victoria.url) =>
  runCli([...args, '--source', source, '--catalogue', catalogue], {
    env: { ML_COST_NOW: '2026-11-28T00:10:00Z' },
  });

describe('export on a real VictoriaMetrics', () => {
  const hourly = ['export', '--from', '2026-11-26', '--to', '2026-11-28', '--granularity', 'hour'];

  it('gives the same bytes twice, and the same bytes as the offline export file', async () => {
    const first = await run(hourly);
    const second = await run(hourly);
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect((await run(hourly, exportFile)).stdout).toBe(first.stdout);
    // 48 hours x 2 groups, each hour priced by exactly one version.
    expect(column(first.stdout, 'catalogue_versions')).toHaveLength(96);
    expect(new Set(column(first.stdout, 'catalogue_versions'))).toEqual(new Set(['v1', 'v2']));
  });

  it('adds up to the hand-computed total and to report', async () => {
    // chat: 36 h x 2.93 + 12 h x 3.00 = 141.48; search: 24 GPU-h x 0.71 = 17.04.
    const exported = await run(hourly);
    const sum = column(exported.stdout, 'cost_eur').reduce((acc, cell) => acc + Number(cell), 0);
    expect(sum).toBeCloseTo(158.52, 6);
    const report = await run([
      'report',
      '--from',
      '2026-11-26',
      '--to',
      '2026-11-28',
      '--format',
      'json',
    ]);
    expect(JSON.parse(report.stdout).totals.cost_eur).toBeCloseTo(sum, 6);
  });

  it('cuts days in --tz and writes the FOCUS periods in UTC', async () => {
    // Paris 2026-11-27 = 2026-11-26T23:00Z..2026-11-27T23:00Z: chat 13 h at 2.93 and 11 h at 3.00.
    const focus = await run([
      'export',
      '--period',
      '2026-11-27',
      '--tz',
      'Europe/Paris',
      '--schema',
      'focus',
    ]);
    expect(focus.code).toBe(0);
    // The Paris day 23:00Z to 23:00Z, split at the price change at 12:00Z: each version is
    // charged for its own part of the day.
    const periods = parseCsv(focus.stdout).map((row) => [
      row.x_CatalogueVersion,
      row.ChargePeriodStart,
      row.ChargePeriodEnd,
    ]);
    expect(new Set(periods.map((period) => period.join(' ')))).toEqual(
      new Set([
        'v1 2026-11-26T23:00:00Z 2026-11-27T12:00:00Z',
        'v2 2026-11-27T12:00:00Z 2026-11-27T23:00:00Z',
      ]),
    );
    expect(new Set(column(focus.stdout, 'BillingPeriodStart'))).toEqual(
      new Set(['2026-10-31T23:00:00Z']),
    );
    const billed = column(focus.stdout, 'BilledCost').reduce((acc, cell) => acc + Number(cell), 0);
    expect(billed).toBeCloseTo(13 * 2.93 + 11 * 3.0 + 24 * 0.5 * 0.71, 6);
  });
});

describe('gate on a real VictoriaMetrics', () => {
  it('gate on the real server: 0 under budget, 1 over', async () => {
    expect((await run(['gate', '--budget', '160'])).code).toBe(0);
    expect((await run(['gate', '--budget', '150'])).code).toBe(1);
  });
});

describe('a failing VictoriaMetrics', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // Answers every query with 503, as a VictoriaMetrics with a full queue does.
    server = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('too many concurrent requests');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server?.close();
  });

  it('export exits 3 and leaves no file, and an existing one untouched', async () => {
    const out = await tempDir('ml-cost-export-fail-');
    const args = ['export', '--period', '2026-11-27', '--timeout', '2'];
    const fresh = await run([...args, '--output-dir', out], url);
    expect(fresh.code).toBe(3);
    expect(await readdir(out)).toEqual([]);

    await writeFile(join(out, 'kept.csv'), 'previous run\n');
    const replace = await run([...args, '--output', join(out, 'kept.csv'), '--overwrite'], url);
    expect(replace.code).toBe(3);
    expect(await readFile(join(out, 'kept.csv'), 'utf8')).toBe('previous run\n');
    expect(await readdir(out)).toEqual(['kept.csv']);
  });

  it('gate exits 3 instead of passing', async () => {
    const result = await run(['gate', '--budget', '1e9', '--timeout', '2'], url);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
  });
});
