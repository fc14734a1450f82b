// Allocated, busy and idle GPU time on a real VictoriaMetrics: the allocated GPU-seconds
// counter and a busy gauge named in a config file, scraped every 30 s over whole hours, so
// the busy figure is the same however a gauge is read. Every number is worked out by hand.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeCatalogue } from '../helpers/cli.js';
import { parseCsv } from '../helpers/csv.js';
import { tempDir } from '../helpers/temp.js';
import {
  type ExportLine,
  hourlyCounter,
  startVictoria,
  type Victoria,
} from '../helpers/victoria.js';

const T0 = Date.parse('2026-07-01T00:00:00Z');
const HOUR = 3_600_000;
const SCRAPE = 30_000;

/** A gauge scraped every 30 s over [from, to) (hours from T0). */
function gauge(
  labels: Record<string, string>,
  value: number,
  from: number,
  to: number,
): ExportLine {
  const timestamps: number[] = [];
  for (let t = T0 + from * HOUR; t < T0 + to * HOUR; t += SCRAPE) timestamps.push(t);
  return {
    metric: { __name__: 'gpu_busy_ratio', ...labels },
    values: timestamps.map(() => value),
    timestamps,
  };
}

const labels = (useCase: string, gpuType: string, extra: Record<string, string> = {}) => ({
  use_case: useCase,
  model_name: 'm',
  gpu_type: gpuType,
  ...extra,
});

// The window is 00:00-10:00. Counters run an hour past each end; gauges only inside it.
const fixture: ExportLine[] = [
  // chat: 1 A GPU held all 10 h; busy (ratio 1) 00:00-06:00, then idle (0) to 10:00.
  hourlyCounter(
    { __name__: 'ml_gpu_seconds_total', ...labels('chat', 'A') },
    3600,
    T0 - HOUR,
    T0 + 11 * HOUR,
  ),
  gauge(labels('chat', 'A'), 1, 0, 6),
  gauge(labels('chat', 'A'), 0, 6, 10),
  hourlyCounter(
    { __name__: 'ml_inference_duration_milliseconds_count', use_case: 'chat', model_name: 'm' },
    100,
    T0 - HOUR,
    T0 + 11 * HOUR,
  ),
  // batch: 2 B GPUs all 10 h (20 GPU-hours); each busy a quarter of the time: 2 x 2.5 h.
  hourlyCounter(
    { __name__: 'ml_gpu_seconds_total', ...labels('batch', 'B') },
    7200,
    T0 - HOUR,
    T0 + 11 * HOUR,
  ),
  gauge(labels('batch', 'B', { gpu: '0' }), 0.25, 0, 10),
  gauge(labels('batch', 'B', { gpu: '1' }), 0.25, 0, 10),
  // ghost: a GPU busy 00:00-03:00 that no allocation accounts for.
  gauge(labels('ghost', 'A'), 1, 0, 3),
];

// A at 2 EUR/h, B at 3.5 EUR/h.
// chat:  allocated 10 h = 20 EUR, busy 6 h = 12, idle 4 h = 8; 1,000 inferences.
// batch: allocated 20 h = 70 EUR, busy 5 h = 17.5, idle 15 h = 52.5.
// ghost: allocated 0, busy 3 h = 6, idle -3 h = -6.
// totals: allocated 30 h = 90 EUR, busy 14 h = 35.5, idle 16 h = 54.5.

let vm: Victoria;
let dir: string;
let config: string;
let catalogue: string;

beforeAll(async () => {
  vm = await startVictoria();
  await vm.import(fixture);
  dir = await tempDir('ml-cost-busy-idle-');
  catalogue = await writeCatalogue([
    { version: '2026-06', effective_from: '2026-06-01T00:00:00Z', gpu_hour: { A: 2, B: 3.5 } },
  ]);
  config = join(dir, 'ml-cost.config.json');
  await writeFile(
    config,
    JSON.stringify({
      catalogue,
      metrics: { gpu_busy_seconds: { name: 'gpu_busy_ratio', kind: 'gauge' } },
    }),
  );
}, 60_000);

afterAll(async () => {
  await vm?.stop();
});

function run(command: string, source: string, ...args: string[]) {
  return runCli(
    [
      command,
      '--source',
      source,
      '--config',
      config,
      '--from',
      '2026-07-01T00:00:00Z',
      '--to',
      '2026-07-01T10:00:00Z',
      ...args,
    ],
    { env: { ML_COST_NOW: '2026-07-02T00:00:00Z' } },
  );
}

type Row = Record<string, number | string | null>;
const rowsOf = (json: { rows: Row[] }) =>
  Object.fromEntries(json.rows.map((row) => [row.use_case, row]));

describe('busy and idle GPU time from a VictoriaMetrics', () => {
  it('splits allocated time into busy and idle per use case, priced, negative idle kept', async () => {
    const result = await run('report', vm.url, '--by', 'use_case', '--format', 'json');
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.cost_basis).toBe('allocated');
    const rows = rowsOf(json);
    expect(rows.chat).toMatchObject({
      gpu_hours: 10,
      busy_gpu_hours: 6,
      idle_gpu_hours: 4,
      cost_eur: 20,
      busy_cost_eur: 12,
      idle_cost_eur: 8,
      cost_per_inference_eur: 0.02,
    });
    expect(rows.batch).toMatchObject({
      gpu_hours: 20,
      busy_gpu_hours: 5,
      idle_gpu_hours: 15,
      cost_eur: 70,
      busy_cost_eur: 17.5,
      idle_cost_eur: 52.5,
    });
    expect(rows.ghost).toMatchObject({
      gpu_hours: 0,
      busy_gpu_hours: 3,
      idle_gpu_hours: -3,
      cost_eur: 0,
      busy_cost_eur: 6,
      idle_cost_eur: -6,
    });
    expect(json.totals).toMatchObject({
      gpu_hours: 30,
      busy_gpu_hours: 14,
      idle_gpu_hours: 16,
      cost_eur: 90,
      busy_cost_eur: 35.5,
      idle_cost_eur: 54.5,
    });
    expect(result.stderr).toContain(
      'busy GPU time with no allocation behind it: 3.00 busy GPU-hours more than allocated, kept as negative idle (use_case="ghost" 3.00)',
    );
  });

  it('prices the busy GPU time under --cost-basis busy, in the report, rank, gate and FOCUS', async () => {
    const result = await run(
      'report',
      vm.url,
      '--by',
      'use_case',
      '--format',
      'json',
      '--cost-basis',
      'busy',
    );
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.cost_basis).toBe('busy');
    const rows = rowsOf(json);
    expect(rows.chat).toMatchObject({ gpu_hours: 10, cost_eur: 12, cost_per_inference_eur: 0.012 });
    expect(rows.batch?.cost_eur).toBe(17.5);
    expect(rows.ghost?.cost_eur).toBe(6);
    expect(json.totals.cost_eur).toBe(35.5);
    expect(rows.chat?.cost_share).toBeCloseTo(12 / 35.5, 8);

    const rank = await run('rank', vm.url, '--format', 'json', '--cost-basis', 'busy');
    expect(rank.code, rank.stderr).toBe(0);
    const ranked = JSON.parse(rank.stdout);
    expect(ranked.cost_basis).toBe('busy');
    expect(ranked.rows.map((row: Row) => [row.use_case, row.cost_eur])).toEqual([
      ['batch', 17.5],
      ['chat', 12],
      ['ghost', 6],
    ]);

    // 35.50 busy is under a budget of 40; the allocated 90 is not.
    const gateBusy = await run('gate', vm.url, '--budget', '40', '--cost-basis', 'busy');
    expect(gateBusy.code, gateBusy.stdout).toBe(0);
    expect(gateBusy.stdout).toContain('basis   cost of busy GPU time (--cost-basis busy)');
    const gateAllocated = await run('gate', vm.url, '--budget', '40', '--format', 'json');
    expect(gateAllocated.code).toBe(1);
    const gated = JSON.parse(gateAllocated.stdout);
    expect(gated.cost_basis).toBe('allocated');
    expect(gated.checks[0]).toMatchObject({ check: 'cost', measured: 90, status: 'fail' });

    // FOCUS charges the basis' GPU time; busy + idle add up to the allocated charge.
    const focus = await run(
      'export',
      vm.url,
      '--schema',
      'focus',
      '--by',
      'use_case',
      '--cost-basis',
      'busy',
    );
    expect(focus.code, focus.stderr).toBe(0);
    const charges = parseCsv(focus.stdout);
    const chat = charges.find((charge) => charge.x_UseCase === 'chat');
    expect(chat).toMatchObject({
      ConsumedQuantity: '6.000000000',
      BilledCost: '12.000000000000000000',
      x_BusyGpuHours: '6.000000000',
      x_IdleGpuHours: '4.000000000',
      x_BusyCost: '12.000000000000000000',
      x_IdleCost: '8.000000000000000000',
      x_CostBasis: 'busy',
    });
    const ghost = charges.find((charge) => charge.x_UseCase === 'ghost');
    expect(ghost).toMatchObject({
      ConsumedQuantity: '3.000000000',
      x_IdleGpuHours: '-3.000000000',
    });
  });

  it('reads the same from an export of the server as from the server', async () => {
    const exported = await fetch(`${vm.url}/api/v1/export?match[]={__name__!=""}`);
    const file = join(dir, 'export.jsonl');
    await writeFile(file, await exported.text());
    const args = ['--by', 'use_case', '--format', 'json', '--cost-basis', 'busy'];
    const fromServer = JSON.parse((await run('report', vm.url, ...args)).stdout);
    const fromFile = JSON.parse((await run('report', file, ...args)).stdout);
    expect(fromFile.rows).toEqual(fromServer.rows);
    expect(fromFile.totals).toEqual(fromServer.totals);
  });
});
