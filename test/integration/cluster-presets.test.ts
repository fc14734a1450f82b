// The cluster presets on a real VictoriaMetrics, fed a small hand-made cluster shaped like
// dcgm-exporter (default counters, its labels and pod mapping) and kube-state-metrics
// (kube_pod_container_resource_requests with its labels), scraped every 30 s. Every number
// below is worked out by hand: a gauge sample stands for [t, t + 30 s), so a series sampled
// from 00:00:00 to 05:59:30 is 720 samples = 6 h.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { type ExportLine, startVictoria, type Victoria } from '../helpers/victoria.js';

const T0 = Date.parse('2026-07-01T00:00:00Z');
const HOUR = 3_600_000;
const SCRAPE = 30_000;
const H100 = 'NVIDIA H100 80GB HBM3';
const A100 = 'NVIDIA A100-SXM4-80GB';

/** A gauge scraped every 30 s over [from, to) (hours from T0), at a value. */
function gauge(
  name: string,
  labels: Record<string, string>,
  value: number,
  from: number,
  to: number,
): ExportLine {
  const timestamps: number[] = [];
  for (let t = T0 + from * HOUR; t < T0 + to * HOUR; t += SCRAPE) timestamps.push(t);
  return {
    metric: { __name__: name, ...labels },
    values: timestamps.map(() => value),
    timestamps,
  };
}

// dcgm-exporter's labels on every GPU series (its metric template), with the scrape's own.
const dcgmGpu = (host: string, gpu: string, model: string) => ({
  gpu,
  UUID: `GPU-${host}-${gpu}`,
  pci_bus_id: `00000000:0${gpu}:00.0`,
  device: `nvidia${gpu}`,
  modelName: model,
  Hostname: host,
  DCGM_FI_DRIVER_VERSION: '570.124.06',
  job: 'dcgm-exporter',
  instance: `${host}:9400`,
});
const held = (namespace: string, pod: string) => ({ namespace, pod, container: 'main' });
const mig = (id: string) => ({ GPU_I_PROFILE: '1g.10gb', GPU_I_ID: id });

// kube-state-metrics' labels (docs/metrics/workload/pod-metrics.md).
const request = (namespace: string, pod: string, node: string, resource: string, unit: string) => ({
  namespace,
  pod,
  uid: `uid-${pod}`,
  container: 'main',
  node,
  resource,
  unit,
  job: 'kube-state-metrics',
  instance: 'ksm:8080',
});
const KSM = 'kube_pod_container_resource_requests';
const gpus = (
  namespace: string,
  pod: string,
  node: string,
  count: number,
  from: number,
  to: number,
) => gauge(KSM, request(namespace, pod, node, 'nvidia_com_gpu', 'integer'), count, from, to);

const ACTIVE = 'DCGM_FI_PROF_GR_ENGINE_ACTIVE';
const UTIL = 'DCGM_FI_DEV_GPU_UTIL';
const n1g0 = dcgmGpu('gpu-node-1', '0', H100);
const n1g1 = dcgmGpu('gpu-node-1', '1', H100);
const n2g0 = dcgmGpu('gpu-node-2', '0', A100);
const n4g0 = dcgmGpu('gpu-node-4', '0', A100);
const n4g1 = dcgmGpu('gpu-node-4', '1', A100);

// The window is 00:00-06:00; series run an hour past each end, so the window cuts them.
const fixture: ExportLine[] = [
  // gpu-node-1, GPU 0: pod search-0 holds it all along, engine active 0.5, util 60 %.
  gauge(ACTIVE, { ...n1g0, ...held('search', 'search-0') }, 0.5, -1, 7),
  gauge(UTIL, { ...n1g0, ...held('search', 'search-0') }, 60, -1, 7),
  // GPU 1: pod train-0 02:00-04:00 at full activity; before and after, no pod holds it.
  gauge(ACTIVE, n1g1, 0, -1, 2),
  gauge(ACTIVE, { ...n1g1, ...held('training', 'train-0') }, 1, 2, 4),
  gauge(ACTIVE, n1g1, 0, 4, 7),
  gauge(UTIL, n1g1, 0, -1, 2),
  gauge(UTIL, { ...n1g1, ...held('training', 'train-0') }, 100, 2, 4),
  gauge(UTIL, n1g1, 0, 4, 7),
  // gpu-node-2: an A100 in MIG mode, "single" strategy, two 1g.10gb instances; DCGM reports
  // no GPU_UTIL for MIG instances. Instance 7 held by batch/job-1 at 0.25, instance 8 free.
  gauge(ACTIVE, { ...n2g0, ...mig('7'), ...held('batch', 'job-1') }, 0.25, -1, 7),
  gauge(ACTIVE, { ...n2g0, ...mig('8') }, 0, -1, 7),
  // gpu-node-4: the "mixed" strategy: GPU 0 whole (no pod holds it), GPU 1 in MIG mode with a
  // 3g.40gb instance that notebooks/nb-0 holds 00:00-03:00 at 0.5, requested as a MIG resource.
  gauge(ACTIVE, n4g0, 0, -1, 7),
  gauge(UTIL, n4g0, 0, -1, 7),
  gauge(
    ACTIVE,
    { ...n4g1, GPU_I_PROFILE: '3g.40gb', GPU_I_ID: '2', ...held('notebooks', 'nb-0') },
    0.5,
    -1,
    3,
  ),
  gauge(ACTIVE, { ...n4g1, GPU_I_PROFILE: '3g.40gb', GPU_I_ID: '2' }, 0, 3, 7),
  gauge(
    KSM,
    request('notebooks', 'nb-0', 'gpu-node-4', 'nvidia_com_mig_3g_40gb', 'integer'),
    1,
    -1,
    3,
  ),
  // kube-state-metrics: GPUs requested, and CPU, which is not GPU time.
  gpus('search', 'search-0', 'gpu-node-1', 1, -1, 7),
  gauge(KSM, request('search', 'search-0', 'gpu-node-1', 'cpu', 'core'), 8, -1, 7),
  gpus('training', 'train-0', 'gpu-node-1', 1, 2, 4),
  gpus('batch', 'job-1', 'gpu-node-2', 1, -1, 7),
  // gpu-node-3 has no DCGM: 2 GPUs for burst-0 01:00-03:00.
  gpus('burst', 'burst-0', 'gpu-node-3', 2, 1, 3),
  // A pod not scheduled yet (node "") asks for a GPU 00:00-01:00.
  gpus('queue', 'waiting-0', '', 1, -1, 1),
];

let vm: Victoria;
let dir: string;
let exportFile: string;

beforeAll(async () => {
  vm = await startVictoria();
  await vm.import(fixture);
  dir = await tempDir('ml-cost-cluster-');
  await mkdir(join(dir, 'pricing'));
  // H100 4.00, A100 2.00 EUR per GPU-hour; a 1g.10gb slice of an A100 is 0.125 of it (0.25),
  // a 3g.40gb slice 0.5 (1.00).
  await writeFile(
    join(dir, 'pricing', 'v1.json'),
    JSON.stringify({
      version: 'v1',
      effective_from: '2026-06-01T00:00:00Z',
      currency: 'EUR',
      gpu_hour: { 'H100-80GB': 4, 'A100-80GB': 2 },
      gpu_aliases: { [H100]: 'H100-80GB', [A100]: 'A100-80GB' },
      mig: { 'A100-80GB': { share: { '1g.10gb': 0.125, '3g.40gb': 0.5 } } },
    }),
  );
  // The same series as the other source ml-cost reads: an export file.
  exportFile = join(dir, 'cluster.jsonl');
  const res = await fetch(`${vm.url}/api/v1/export?match[]={__name__=~"DCGM_.*|${KSM}"}`);
  await writeFile(exportFile, await res.text());
});

afterAll(async () => {
  await vm?.stop();
});

async function report(
  preset: string,
  config: Record<string, unknown> = {},
  args: string[] = [],
  source = vm.url,
) {
  const cwd = await tempDir('ml-cost-cluster-run-');
  await writeFile(
    join(cwd, 'ml-cost.config.json'),
    JSON.stringify({ catalogue: join(dir, 'pricing'), ...config }),
  );
  const result = await runCli(
    [
      'report',
      '--source',
      source,
      '--preset',
      preset,
      '--by',
      'use_case',
      '--from',
      '2026-07-01T00:00:00Z',
      '--to',
      '2026-07-01T06:00:00Z',
      '--format',
      'json',
      ...args,
    ],
    { cwd, env: { ML_COST_NOW: '2026-07-02T00:00:00Z' } },
  );
  const json = result.stdout.startsWith('{') ? JSON.parse(result.stdout) : undefined;
  return { ...result, json };
}

type Row = Record<string, number | string | null>;
const rowsOf = (json: { rows: Row[] }) =>
  Object.fromEntries(json.rows.map((row) => [row.use_case, row]));
const notesOf = (json: { notes: string[] }) => json.notes.join('\n');

const SOURCES = [
  ['VictoriaMetrics', () => vm.url],
  ['an export file of the same series', () => exportFile],
] as const;

describe.each(SOURCES)('kubernetes-gpu from %s', (_name, source) => {
  it('prices requests by the GPU type DCGM reports on their node, busy by DCGM, by namespace', async () => {
    const { json, code, stderr } = await report(
      'kubernetes-gpu',
      { gpu_types: { by_node: { 'gpu-node-3': 'H100-80GB' } } },
      [],
      source(),
    );
    expect(code, stderr).toBe(0);
    const rows = rowsOf(json);
    expect(Object.keys(rows).sort()).toEqual([
      '',
      'batch',
      'burst',
      'notebooks',
      'queue',
      'search',
      'training',
    ]);
    // search-0: 1 GPU x 6 h on gpu-node-1, whose DCGM series say H100: 6 x 4.00.
    expect(rows.search).toMatchObject({ gpu_hours: 6, cost_eur: 24 });
    expect(rows.search?.busy_gpu_hours).toBeCloseTo(3, 9);
    // train-0: 02:00-04:00, the last sample at 03:59:30 counts to 04:00: 2 x 4.00.
    expect(rows.training).toMatchObject({ gpu_hours: 2, cost_eur: 8 });
    expect(rows.training?.busy_gpu_hours).toBeCloseTo(2, 9);
    // job-1 on gpu-node-2, which has only 1g.10gb slices: each GPU requested is one, 6 x 0.25.
    expect(rows.batch).toMatchObject({ gpu_hours: 6, cost_eur: 1.5 });
    expect(rows.batch?.busy_gpu_hours).toBeCloseTo(1.5, 9);
    // nb-0 asks for nvidia.com/mig-3g.40gb on gpu-node-4 (an A100): 3 h x 1.00, busy 0.5 of it.
    expect(rows.notebooks).toMatchObject({ gpu_hours: 3, cost_eur: 3 });
    expect(rows.notebooks?.busy_gpu_hours).toBeCloseTo(1.5, 9);
    // burst-0: 2 GPUs x 2 h on gpu-node-3, no DCGM there, H100 by the config: 4 x 4.00.
    expect(rows.burst).toMatchObject({ gpu_hours: 4, cost_eur: 16, busy_gpu_hours: 0 });
    // waiting-0 has no node: its hour is counted, unpriced, and named.
    expect(rows.queue).toMatchObject({ gpu_hours: 1, cost_eur: null });
    // GPUs no pod holds are DCGM series without a namespace: unattributed, not busy here.
    expect(rows['']).toMatchObject({ gpu_hours: 0, busy_gpu_hours: 0 });
    expect(json.totals.gpu_hours).toBeCloseTo(6 + 2 + 6 + 3 + 4 + 1, 9);
    expect(json.totals.busy_gpu_hours).toBeCloseTo(3 + 2 + 1.5 + 1.5, 9);
    expect(notesOf(json)).toContain(
      'no GPU type for 1.00 GPU-hours of GPU-seconds (unpriced): neither gpu_types in the config nor the DCGM series of the node give it one (no node (pods not scheduled))',
    );
  });
});

describe('kubernetes-gpu', () => {
  it('names the nodes it cannot type, and a mapping overrides what DCGM says', async () => {
    const { json, code } = await report('kubernetes-gpu', {
      gpu_types: { by_node: { 'gpu-node-1': 'A100-80GB' } },
    });
    expect(code).toBe(0);
    const rows = rowsOf(json);
    // The table wins over the DCGM lookup: 6 h at the A100's 2.00.
    expect(rows.search).toMatchObject({ gpu_hours: 6, cost_eur: 12 });
    expect(rows.burst).toMatchObject({ gpu_hours: 4, cost_eur: null });
    expect(notesOf(json)).toContain(
      'no GPU type for 5.00 GPU-hours of GPU-seconds (unpriced): neither gpu_types in the config nor the DCGM series of the node give it one (node="gpu-node-3"; no node (pods not scheduled)); map each node to a GPU type with gpu_types.by_node in the config',
    );
  });

  it('takes the config attribution rules instead of the namespace', async () => {
    const { json } = await report('kubernetes-gpu', {
      gpu_types: { by_node: { 'gpu-node-3': 'H100-80GB' } },
      attribution: {
        rules: [{ match: { pod: { regex: '(search|train)-[0-9]+' } }, use_case: 'ml-platform' }],
      },
    });
    const rows = rowsOf(json);
    expect(rows['ml-platform']).toMatchObject({ gpu_hours: 8, cost_eur: 32 });
    expect(rows['ml-platform']?.busy_gpu_hours).toBeCloseTo(5, 9);
    expect(rows['']?.gpu_hours).toBeCloseTo(6 + 4 + 1 + 3, 9);
    expect(notesOf(json)).toContain('match no attribution rule');
  });
});

describe.each(SOURCES)('dcgm from %s', (_name, source) => {
  it('counts every GPU and MIG slice the exporter sees; those no pod holds are unattributed', async () => {
    const { json, code, stderr } = await report('dcgm', {}, [], source());
    expect(code, stderr).toBe(0);
    const rows = rowsOf(json);
    expect(rows.search).toMatchObject({ gpu_hours: 6, cost_eur: 24 });
    expect(rows.search?.busy_gpu_hours).toBeCloseTo(3, 9);
    expect(rows.training).toMatchObject({ gpu_hours: 2, cost_eur: 8 });
    expect(rows.batch).toMatchObject({ gpu_hours: 6, cost_eur: 1.5 });
    expect(rows.batch?.busy_gpu_hours).toBeCloseTo(1.5, 9);
    expect(rows.notebooks).toMatchObject({ gpu_hours: 3, cost_eur: 3 });
    // Free: H100 GPU 1 for 4 h (16.00), A100 slice 8 for 6 h (1.50), gpu-node-4's whole A100
    // for 6 h (12.00) and its 3g.40gb slice for 3 h (3.00).
    expect(rows['']).toMatchObject({ gpu_hours: 19, cost_eur: 32.5, busy_gpu_hours: 0 });
    expect(json.totals).toMatchObject({ gpu_hours: 36, cost_eur: 69 });
    expect(json.unattributed).toMatchObject({ gpu_hours: 19, cost_eur: 32.5 });
    expect(notesOf(json)).toContain(
      'unattributed: 19.00 GPU-hours (32.50 EUR), 0 inferences and 0 tokens come from series without a namespace label',
    );
  });
});

describe('dcgm-util', () => {
  it('dcgm-util reads GPU_UTIL in percent and says it is occupied; MIG slices have none', async () => {
    const { json, code, stderr } = await report('dcgm-util');
    expect(code, stderr).toBe(0);
    const rows = rowsOf(json);
    expect(rows.search).toMatchObject({ gpu_hours: 6, cost_eur: 24 });
    expect(rows.search?.busy_gpu_hours).toBeCloseTo(0.6 * 6, 9);
    expect(rows.training?.busy_gpu_hours).toBeCloseTo(2, 9);
    expect(rows.batch).toBeUndefined();
    expect(rows.notebooks).toBeUndefined();
    expect(rows['']).toMatchObject({ gpu_hours: 10, cost_eur: 28 });
    expect(notesOf(json)).toContain(
      'busy GPU time is read from DCGM_FI_DEV_GPU_UTIL, the share of each sample period in which a kernel ran: it says the GPU was occupied',
    );
  });
});

describe('kube-state-metrics alone', () => {
  it('prices requests by the config mapping (node table and rules, a MIG slice), no busy time', async () => {
    const { json, code, stderr } = await report('kube-state-metrics', {
      gpu_types: {
        by_node: { 'gpu-node-1': H100, 'gpu-node-3': 'H100-80GB', 'gpu-node-4': 'A100-80GB' },
        rules: [
          {
            match: { node: { prefix: 'gpu-node-2' } },
            gpu_type: 'A100-80GB',
            mig_profile: '1g.10gb',
          },
        ],
      },
    });
    expect(code, stderr).toBe(0);
    const rows = rowsOf(json);
    expect(rows.search).toMatchObject({ gpu_hours: 6, cost_eur: 24 });
    expect(rows.training).toMatchObject({ gpu_hours: 2, cost_eur: 8 });
    expect(rows.batch).toMatchObject({ gpu_hours: 6, cost_eur: 1.5 });
    expect(rows.burst).toMatchObject({ gpu_hours: 4, cost_eur: 16 });
    // The MIG resource's profile prices the mapped node's request as a 3g.40gb slice.
    expect(rows.notebooks).toMatchObject({ gpu_hours: 3, cost_eur: 3 });
    expect(rows.queue).toMatchObject({ gpu_hours: 1, cost_eur: null });
    expect(json.rows[0]).not.toHaveProperty('busy_gpu_hours');
    expect(json.totals.gpu_hours).toBeCloseTo(22, 9);
  });

  it('without a mapping, counts every request unpriced and names the nodes', async () => {
    const { json, code } = await report('kube-state-metrics');
    expect(code).toBe(0);
    expect(json.totals.gpu_hours).toBeCloseTo(22, 9);
    expect(json.totals.cost_eur).toBeNull();
    expect(notesOf(json)).toContain(
      'no GPU type for 22.00 GPU-hours of GPU-seconds (unpriced): the series name their node, not the GPU, and gpu_types in the config gives none (node="gpu-node-1"; node="gpu-node-2"; node="gpu-node-3"; node="gpu-node-4"; no node (pods not scheduled))',
    );
  });

  it('refuses a broken gpu_types rule with one line, exit 2, before any query', async () => {
    const result = await report('kube-state-metrics', {
      gpu_types: { rules: [{ match: { node: { regex: 'gpu-(' } }, gpu_type: 'H100-80GB' }] },
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(
      'gpu_types.rules.0.match.node.regex: invalid regular expression "gpu-(": Unterminated group',
    );
  });
});
