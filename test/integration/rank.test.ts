// ml-cost rank against a real VictoriaMetrics: three use cases whose cost and inferences per
// hour are constant, so every figure is known by hand over July 1-19 (456 hours).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, writeCatalogue } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { type ExportLine, startVictoria, type Victoria } from '../helpers/victoria.js';

const H = 3_600_000;
const START = Date.UTC(2026, 5, 30, 12);
const END = Date.UTC(2026, 6, 21);

function counter(metric: Record<string, string>, perHour: number): ExportLine {
  const values: number[] = [];
  const timestamps: number[] = [];
  for (let t = START, value = 0; t <= END; t += H, value += perHour) {
    values.push(value);
    timestamps.push(t);
  }
  return { metric, values, timestamps };
}

const series = (useCase: string, gpuType: string, gpuSeconds: number, inferences: number) => [
  counter(
    { __name__: 'ml_gpu_seconds_total', use_case: useCase, model_name: 'm', gpu_type: gpuType },
    gpuSeconds,
  ),
  counter(
    { __name__: 'ml_inference_duration_milliseconds_count', use_case: useCase, model_name: 'm' },
    inferences,
  ),
  counter(
    { __name__: 'ml_inference_tokens_total', use_case: useCase, model_name: 'm' },
    inferences * 50,
  ),
];

// Per hour: chat 1 H100-hour (EUR 4), 100 inferences; summarise 0.5 A100-hour (EUR 1.50),
// 10 inferences; search 2 L4-hours (EUR 1), 1000 inferences.
const fixture = [
  ...series('chat', 'H100', 3600, 100),
  ...series('summarise', 'A100', 1800, 10),
  ...series('search', 'L4', 7200, 1000),
];

const HOURS = 456;
const COST = { chat: 4 * HOURS, summarise: 1.5 * HOURS, search: 1 * HOURS };
const TOTAL = COST.chat + COST.summarise + COST.search;

let vm: Victoria;
let catalogue: string;
let configDir: string;

beforeAll(async () => {
  vm = await startVictoria();
  await vm.import(fixture);
  catalogue = await writeCatalogue([
    {
      version: 'v1',
      effective_from: '2026-06-01T00:00:00Z',
      gpu_hour: { H100: 4, A100: 3, L4: 0.5 },
    },
  ]);
  configDir = await tempDir('ml-cost-rank-');
  await writeFile(
    join(configDir, 'ml-cost.config.json'),
    JSON.stringify({
      use_cases: { chat: { value_per_inference: 0.5 }, summarise: { value_per_inference: 0.05 } },
    }),
  );
});
afterAll(async () => {
  await vm?.stop();
});

function rank(args: string[]): Promise<CliResult> {
  return runCli(
    [
      'rank',
      '--source',
      vm.url,
      '--catalogue',
      catalogue,
      '--config',
      join(configDir, 'ml-cost.config.json'),
      '--from',
      '2026-07-01',
      '--to',
      '2026-07-20',
      ...args,
    ],
    { env: { ML_COST_NOW: '2026-08-15T00:00:00Z' } },
  );
}

// biome-ignore lint/suspicious/noExplicitAny: JSON documents are checked field by field
type Json = any;

async function rankJson(args: string[]): Promise<Json> {
  const result = await rank([...args, '--format', 'json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Json;
}

describe('ml-cost rank', () => {
  it('ranks by total margin with values from the config, and leaves unvalued use cases unjudged', async () => {
    const doc = await rankJson([]);
    // Margins: summarise 0.05·4560 - 684 = -456; chat 0.5·45600 - 1824 = 20976; search no value.
    expect(doc.rows.map((r: Json) => r.use_case)).toEqual(['summarise', 'chat', 'search']);
    expect(doc.rows.map((r: Json) => r.marginal)).toEqual([true, false, null]);
    expect(doc.rows[0].total_margin_eur).toBeCloseTo(-456, 6);
    expect(doc.rows[0].cost_per_inference_eur).toBeCloseTo(0.15, 9);
    expect(doc.rows[0].margin_per_inference_eur).toBeCloseTo(-0.1, 9);
    expect(doc.rows[0].value_source).toBe('config');
    expect(doc.rows[1].total_margin_eur).toBeCloseTo(20976, 6);
    expect(doc.rows[2].not_judged).toBe('no-value');
    expect(doc.rows[0].cost_share).toBeCloseTo(COST.summarise / TOTAL, 8);
    // Value shares among valued use cases: 228 and 22800.
    expect(doc.rows[0].value_share).toBeCloseTo(228 / 23028, 8);
    expect(doc.rows.map((r: Json) => r.cumulative_cost_share)).toEqual([
      expect.closeTo(684 / TOTAL, 8),
      expect.closeTo((684 + 1824) / TOTAL, 8),
      expect.closeTo(1, 8),
    ]);
    expect(doc.summary.marginal).toBe(1);
    expect(doc.summary.text).toMatch(/^1 marginal use case consumes 23\.1% of GPU cost/);
  });

  it('takes --value over the config and flags a cost share beyond factor × value share', async () => {
    // search at EUR 0.001: value 456 = cost, margin 0; cost share 456/2964 = 15.4% against
    // value share 456/23484 = 1.9%, more than 2× it.
    const doc = await rankJson(['--value', 'search=0.001']);
    expect(doc.rows.map((r: Json) => r.use_case)).toEqual(['summarise', 'search', 'chat']);
    expect(doc.rows[1]).toMatchObject({
      marginal: true,
      reasons: ['cost-share-exceeds-value-share'],
      value_source: 'flag',
    });
    expect(doc.rows[1].total_margin_eur).toBeCloseTo(0, 6);
    expect(doc.summary.marginal_cost_share).toBeCloseTo((684 + 456) / TOTAL, 8);
    expect(doc.summary.text).toMatch(/^2 marginal use cases consume 38\.5% of GPU cost/);

    // A factor of 10: 15.4% is not more than 10 × 1.9%, so search passes.
    const lenient = await rankJson(['--value', 'search=0.001', '--marginal-factor', '10']);
    expect(lenient.rows[1].marginal).toBe(false);
  });

  it('prints the summary line under the table, and CSV in rank order', async () => {
    const table = await rank([]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('1 marginal use case consumes 23.1% of GPU cost');
    expect(table.stdout).toContain('no value set');
    const csv = await rank(['--format', 'csv']);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^rank,use_case,cost_eur,/);
    expect(lines[1]).toMatch(/^1,summarise,684,4560,/);
  });

  it('rejects a malformed --value with exit code 2', async () => {
    const result = await rank(['--value', 'chat']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--value: "chat" is not use_case=amount/);
  });
});
