// Input and output tokens as columns of their own, wherever the naming tells them apart, in
// every report format and the ml-cost export, from a server and from its export file; tokens
// stay their sum and tokens per EUR stays on the total. Figures from test/helpers/doctor-servers.ts.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeCatalogue } from '../helpers/cli.js';
import { parseCsvLines as parseCsv } from '../helpers/csv.js';
import { FROM, NOW, otelGenAiServer, RATES, TO, vllmServer } from '../helpers/doctor-servers.js';
import { tempDir } from '../helpers/temp.js';
import { startVictoria, type Victoria } from '../helpers/victoria.js';

const WINDOW = ['--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString()];
const servers: Victoria[] = [];
let catalogue: string;
let otel: Victoria;
let vllm: Victoria;

async function cli(args: string[]) {
  const result = await runCli([...args, ...WINDOW, '--catalogue', catalogue], {
    env: { ML_COST_NOW: NOW },
  });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

beforeAll(async () => {
  catalogue = await writeCatalogue([
    { version: '2026-07', effective_from: '2026-07-01T00:00:00Z', gpu_hour: { ...RATES } },
  ]);
  [otel, vllm] = await Promise.all([startVictoria(), startVictoria()]);
  servers.push(otel, vllm);
  await Promise.all([otel.import(otelGenAiServer()), vllm.import(vllmServer())]);
});

afterAll(async () => {
  await Promise.all(servers.map((victoria) => victoria.stop()));
});

describe('input and output tokens', () => {
  it('JSON rows and totals carry them, tokens is their sum, tokens per EUR is on the total', async () => {
    const json = JSON.parse(
      await cli([
        'report',
        '--source',
        otel.url,
        '--metrics-preset',
        'otel-genai',
        '--by',
        'use_case',
        '--format',
        'json',
      ]),
    );
    for (const row of json.rows) {
      expect(row.tokens).toBe(row.input_tokens + row.output_tokens);
      expect(row.tokens_per_eur).toBeCloseTo(row.tokens / row.cost_eur, 3);
    }
    expect(json.totals).toMatchObject({
      input_tokens: 288000 + 172800,
      output_tokens: 69120 + 46080,
      tokens: 288000 + 172800 + 69120 + 46080,
    });
    expect(Object.keys(json.rows[0])).toEqual([
      'use_case',
      'gpu_hours',
      'inferences',
      'input_tokens',
      'output_tokens',
      'tokens',
      'cost_eur',
      'cost_per_inference_eur',
      'tokens_per_eur',
      'unpriced_gpu_hours',
      'unpriced_gpu_types',
      'cost_share',
      'catalogue_versions',
    ]);
  });

  it('CSV, the ml-cost export, the table and Markdown have the columns, by day too', async () => {
    const args = ['--source', vllm.url, '--metrics-preset', 'vllm', '--by', 'use_case'];
    const csv = parseCsv(await cli(['report', ...args, '--format', 'csv', '--granularity', 'day']));
    const header = csv[0] as string[];
    expect(header.slice(3, 8)).toEqual([
      'gpu_hours',
      'inferences',
      'input_tokens',
      'output_tokens',
      'tokens',
    ]);
    const sum = (column: string) =>
      csv.slice(1).reduce((total, record) => total + Number(record[header.indexOf(column)]), 0);
    expect([sum('input_tokens'), sum('output_tokens'), sum('tokens')]).toEqual([
      575000, 230000, 805000,
    ]);

    const dir = await tempDir('ml-cost-split-');
    const file = join(dir, 'export.csv');
    await cli(['export', ...args, '--output', file]);
    const exported = parseCsv(await (await import('node:fs/promises')).readFile(file, 'utf8'));
    expect(exported[0]).toContain('input_tokens');
    // A file per day: 2026-07-01 has 288 steps of 400 output tokens, less the one the restart swallowed.
    expect(exported[1]?.[(exported[0] as string[]).indexOf('output_tokens')]).toBe('114800');

    const table = await cli(['report', ...args, '--format', 'table']);
    expect(table).toMatch(/input tokens\s*│\s*output tokens\s*│\s*tokens/);
    expect(table).toMatch(/575,000\s*│\s*230,000\s*│\s*805,000/);
    // The totals row has one cell per column.
    expect(table).toMatch(
      /│ total\s*│\s*24\.00 │\s*3,450 │\s*575,000 │\s*230,000 │\s*805,000 │\s*96\.00 │[^│]*│[^│]*│[^│]*│\n/,
    );
    const markdown = await cli(['report', ...args, '--format', 'markdown']);
    expect(markdown).toContain('| input tokens | output tokens | tokens |');
  });

  it('read from an export file, they are what the server gives', async () => {
    const exported = await fetch(`${otel.url}/api/v1/export?match[]={__name__!=""}`);
    const file = join(await tempDir('ml-cost-split-file-'), 'export.jsonl');
    await writeFile(file, await exported.text());
    const args = [
      'report',
      '--metrics-preset',
      'otel-genai',
      '--by',
      'use_case',
      '--format',
      'json',
    ];
    const [fromServer, fromFile] = await Promise.all([
      cli([...args, '--source', otel.url]),
      cli([...args, '--source', file]),
    ]);
    expect(JSON.parse(fromFile).rows).toEqual(JSON.parse(fromServer).rows);
  });

  it('stay out of reports whose naming does not tell them apart', async () => {
    const json = JSON.parse(
      await cli([
        'report',
        '--source',
        otel.url,
        '--metrics-preset',
        'otel-collector',
        '--format',
        'json',
      ]),
    );
    expect(json.totals).not.toHaveProperty('input_tokens');
    const csv = await cli(['report', '--source', otel.url, '--format', 'csv']);
    expect(csv.split('\n')[0]).not.toContain('input_tokens');
  });
});
