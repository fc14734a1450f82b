// GPU time labelled as dcgm-exporter labels it (modelName, GPU_I_PROFILE, namespace, pod,
// 30-second scrapes) priced on a real VictoriaMetrics through catalogue aliases and the MIG
// rule, to the cent by hand, and the same from an export file of the same series.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { parseCsv } from '../helpers/csv.js';
import { tempDir } from '../helpers/temp.js';
import { type ExportLine, startVictoria, type Victoria } from '../helpers/victoria.js';

const T0 = Date.parse('2026-07-01T00:00:00Z');
const HOUR = 3_600_000;
const SCRAPE = 30_000;
const METRIC = 'gpu_allocated_seconds_total';

/** A counter scraped every 30 s from `fromMs` to `toMs`, rising `perSecond` each second, from 0. */
function counter(
  labels: Record<string, string>,
  perSecond: number,
  fromMs: number,
  toMs: number,
): ExportLine {
  const values: number[] = [];
  const timestamps: number[] = [];
  for (let t = fromMs; t <= toMs; t += SCRAPE) {
    values.push(((t - fromMs) / 1000) * perSecond);
    timestamps.push(t);
  }
  return { metric: { __name__: METRIC, ...labels }, values, timestamps };
}

const DCGM = { gpu: '0', UUID: 'GPU-8f2c1d90', Hostname: 'gpu-node-1', job: 'dcgm' };
const H100 = 'NVIDIA H100 80GB HBM3';
const A100 = 'NVIDIA A100-SXM4-80GB';

// The window is [T0, T0 + 6 h); the series run from an hour before so that every hour of it
// has a sample before and after.
const fixture: ExportLine[] = [
  // A whole H100 for 6 h: 6 x 7.00 = 42.00.
  counter(
    { ...DCGM, modelName: H100, namespace: 'team-a', pod: 'trainer-0' },
    1,
    T0 - HOUR,
    T0 + 7 * HOUR,
  ),
  // A 3g.40gb slice of an H100 for 6 h: 6 x 7.00 x 3/7 = 18.00.
  counter(
    {
      ...DCGM,
      gpu: '1',
      modelName: H100,
      GPU_I_PROFILE: '3g.40gb',
      GPU_I_ID: '1',
      namespace: 'team-b',
      pod: 'infer-7f9c',
    },
    1,
    T0 - HOUR,
    T0 + 7 * HOUR,
  ),
  // A 1g.10gb slice of the same H100 for 6 h: 6 x 7.00 x 1/7 = 6.00.
  counter(
    {
      ...DCGM,
      gpu: '1',
      modelName: H100,
      GPU_I_PROFILE: '1g.10gb',
      GPU_I_ID: '9',
      namespace: 'team-b',
      pod: 'infer-x2',
    },
    1,
    T0 - HOUR,
    T0 + 7 * HOUR,
  ),
  // A 1g.10gb slice of an A100, priced by the catalogue's share 0.125, from 02:00 (4 h):
  // 4 x 3.50 x 0.125 = 1.75.
  counter(
    {
      ...DCGM,
      gpu: '2',
      modelName: A100,
      GPU_I_PROFILE: '1g.10gb',
      GPU_I_ID: '13',
      namespace: 'team-a',
      pod: 'nb-1',
    },
    1,
    T0 + 2 * HOUR,
    T0 + 7 * HOUR,
  ),
  // A GPU the catalogue has no name for, half used for 6 h: 3 GPU-hours, unpriced and named.
  counter(
    { ...DCGM, gpu: '3', modelName: 'NVIDIA H100 PCIe', namespace: 'team-c', pod: 'x' },
    0.5,
    T0 - HOUR,
    T0 + 7 * HOUR,
  ),
];

let vm: Victoria;
let dir: string;
let exportFile: string;

beforeAll(async () => {
  vm = await startVictoria();
  await vm.import(fixture);
  dir = await tempDir('ml-cost-dcgm-');
  await mkdir(join(dir, 'pricing'));
  await writeFile(
    join(dir, 'pricing', 'v1.json'),
    JSON.stringify({
      version: 'v1',
      effective_from: '2026-06-01T00:00:00Z',
      currency: 'EUR',
      gpu_hour: { 'H100-80GB': 7, 'A100-80GB': 3.5 },
      gpu_aliases: { [H100]: 'H100-80GB', [A100]: 'A100-80GB' },
      mig: { 'A100-80GB': { share: { '1g.10gb': 0.125 } } },
    }),
  );
  await writeFile(
    join(dir, 'ml-cost.config.json'),
    JSON.stringify({
      catalogue: 'pricing',
      metrics: { gpu_seconds: METRIC },
      labels: { gpu_type: 'modelName', use_case: 'namespace' },
      by: ['namespace'],
    }),
  );
  exportFile = join(dir, 'dcgm.jsonl');
  const res = await fetch(`${vm.url}/api/v1/export?match[]=${METRIC}`);
  await writeFile(exportFile, await res.text());
});

afterAll(async () => {
  await vm?.stop();
});

async function report(source: string, args: readonly string[] = []) {
  const result = await runCli(
    [
      'report',
      '--source',
      source,
      '--from',
      '2026-07-01T00:00:00Z',
      '--to',
      '2026-07-01T06:00:00Z',
      '--format',
      'json',
      ...args,
    ],
    { cwd: dir, env: { ML_COST_NOW: '2026-07-02T00:00:00Z' } },
  );
  expect(result.stderr).not.toMatch(/error/i);
  return { ...result, json: JSON.parse(result.stdout) };
}

type Row = Record<string, unknown>;

describe.each([
  ['VictoriaMetrics', () => vm.url],
  ['an export file of the same series', () => exportFile],
])('DCGM-named GPU time from %s', (_name, source) => {
  it('prices aliases and MIG slices to the cent, and keeps the unknown GPU unpriced', async () => {
    const { json, code } = await report(source());
    expect(code).toBe(0);
    const rows = Object.fromEntries((json.rows as Row[]).map((row) => [row.namespace, row]));
    expect(rows['team-a']?.cost_eur).toBeCloseTo(43.75, 9);
    expect(rows['team-a']?.gpu_hours).toBeCloseTo(10, 9);
    expect(rows['team-b']?.cost_eur).toBeCloseTo(24, 9);
    expect(rows['team-b']?.gpu_hours).toBeCloseTo(12, 9);
    expect(rows['team-c']?.cost_eur).toBeNull();
    expect(rows['team-c']?.unpriced_gpu_hours).toBeCloseTo(3, 9);
    expect(json.totals.cost_eur).toBeCloseTo(67.75, 9);
    expect((json.notes as string[]).join('\n')).toContain(
      'unpriced GPU types (no rate in the catalogue version in force): NVIDIA H100 PCIe',
    );
  });

  it('names an unpriced slice with its profile when the catalogue cannot price it', async () => {
    const { json } = await report(source(), [
      '--filter',
      'namespace=team-b',
      '--catalogue',
      await noH100(),
    ]);
    expect(json.totals.cost_eur).toBeNull();
    expect(json.totals.unpriced_gpu_hours).toBeCloseTo(12, 9);
    const notes = (json.notes as string[]).join('\n');
    expect(notes).toContain(`${H100} (MIG 1g.10gb), ${H100} (MIG 3g.40gb)`);
  });

  it('exports each MIG slice as a FOCUS charge of its own, at its share of the GPU', async () => {
    const result = await runCli(
      [
        'export',
        '--source',
        source(),
        '--schema',
        'focus',
        '--filter',
        'namespace=team-b',
        '--from',
        '2026-07-01T00:00:00Z',
        '--to',
        '2026-07-01T06:00:00Z',
      ],
      { cwd: dir, env: { ML_COST_NOW: '2026-07-02T00:00:00Z' } },
    );
    expect(result.code, result.stderr).toBe(0);
    const rows = parseCsv(result.stdout);
    // The SKU is the catalogue's product, whatever name the exporter wrote; x_GpuType keeps it.
    const charges = Object.fromEntries(rows.map((row) => [row.SkuId, row]));
    const [small, large] = ['H100-80GB (MIG 1g.10gb)', 'H100-80GB (MIG 3g.40gb)'];
    expect(Object.keys(charges).sort()).toEqual([small, large]);
    expect(charges[small]?.x_GpuType).toBe(`${H100} (MIG 1g.10gb)`);
    expect(charges[small]?.SkuPriceId).toBe(`v1:${small}`);
    // 6 h of each slice: 1g.10gb at 7 x 1/7 = 1.00 per hour, 3g.40gb at 3.00.
    expect(Number(charges[small]?.ListUnitPrice)).toBeCloseTo(1, 9);
    expect(Number(charges[small]?.BilledCost)).toBeCloseTo(6, 9);
    expect(Number(charges[large]?.ListUnitPrice)).toBeCloseTo(3, 9);
    expect(Number(charges[large]?.BilledCost)).toBeCloseTo(18, 9);
  });
});

/** A catalogue that prices only the A100. */
async function noH100(): Promise<string> {
  const other = await tempDir('ml-cost-dcgm-a100-');
  await writeFile(
    join(other, 'v1.json'),
    JSON.stringify({
      version: 'v1',
      effective_from: '2026-06-01T00:00:00Z',
      currency: 'EUR',
      gpu_hour: { 'A100-80GB': 3.5 },
      gpu_aliases: { [A100]: 'A100-80GB' },
    }),
  );
  return other;
}
