// Issue 15's acceptance test: seeded clusters (test/helpers/cluster) written to a real
// VictoriaMetrics as dcgm-exporter and kube-state-metrics would have them scraped, reported by
// ml-cost as a user runs it (--metrics-preset dcgm | kubernetes-gpu, --by use_case, by day, in
// UTC and in Europe/Paris), and checked per use case and day against an oracle that works from
// the ground truth alone: allocated, busy, idle and unattributed GPU-hours to 1e-6 and their
// costs to the cent, allocated = busy + idle per row, and no GPU time lost on the way.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { clusterSeries } from '../helpers/cluster/exporters.js';
import { generateCluster } from '../helpers/cluster/generate.js';
import {
  type ClusterPreset,
  type Expected,
  expectedReport,
  type Figures,
  readCatalogue,
} from '../helpers/cluster/oracle.js';
import type { Cluster } from '../helpers/cluster/truth.js';
import { tempDir } from '../helpers/temp.js';
import { startVictoria, type Victoria } from '../helpers/victoria.js';

const at = (iso: string) => Date.parse(iso);

interface Window {
  readonly tz: string;
  readonly from: string;
  readonly to: string;
}

/**
 * Each data set has its own weeks, so they share one VictoriaMetrics: a July pair of days; the
 * catalogue's change of version on 1 October (at a UTC midnight, at 02:00 in Paris, inside a
 * Paris day); the end of summer time in Paris on 25 October and in New York on 1 November
 * (days of 25 hours).
 */
const DATA_SETS: readonly { seed: number; windows: readonly Window[] }[] = [
  {
    seed: 11,
    windows: [
      { tz: 'UTC', from: '2026-07-14T00:00:00Z', to: '2026-07-16T00:00:00Z' },
      { tz: 'Europe/Paris', from: '2026-07-13T22:00:00Z', to: '2026-07-15T22:00:00Z' },
    ],
  },
  {
    seed: 12,
    windows: [
      { tz: 'UTC', from: '2026-09-30T00:00:00Z', to: '2026-10-02T00:00:00Z' },
      { tz: 'Europe/Paris', from: '2026-09-29T22:00:00Z', to: '2026-10-01T22:00:00Z' },
    ],
  },
  {
    seed: 13,
    windows: [
      { tz: 'Europe/Paris', from: '2026-10-23T22:00:00Z', to: '2026-10-26T23:00:00Z' },
      { tz: 'UTC', from: '2026-10-24T00:00:00Z', to: '2026-10-27T00:00:00Z' },
    ],
  },
  {
    // New York leaves summer time on 1 November (02:00 EDT = 06:00 UTC): a day of 25 hours.
    seed: 15,
    windows: [{ tz: 'America/New_York', from: '2026-10-31T04:00:00Z', to: '2026-11-03T05:00:00Z' }],
  },
];
/**
 * A cluster whose API also lists pods holding no GPU: Pending before they are scheduled
 * (node=""), and Job pods that Succeeded, until deleted (kube-state-metrics#1051: by design).
 */
const LIFECYCLE = {
  seed: 14,
  window: { tz: 'UTC', from: '2026-08-10T00:00:00Z', to: '2026-08-12T00:00:00Z' } as Window,
};
const PRESETS: readonly ClusterPreset[] = ['dcgm', 'kubernetes-gpu'];
const catalogue = readCatalogue(fileURLToPath(new URL('../../pricing', import.meta.url)));

let vm: Victoria;
let cwd: string;
let exportFile: string;
const clusters = new Map<number, Cluster>();

beforeAll(async () => {
  vm = await startVictoria();
  cwd = await tempDir('ml-cost-cluster-');
  for (const { seed, windows } of DATA_SETS) {
    const from = Math.min(...windows.map((w) => at(w.from)));
    const to = Math.max(...windows.map((w) => at(w.to)));
    const cluster = generateCluster(seed, { from, to });
    clusters.set(seed, cluster);
    await vm.import(clusterSeries(cluster));
  }
  const lifecycle = generateCluster(
    LIFECYCLE.seed,
    { from: at(LIFECYCLE.window.from), to: at(LIFECYCLE.window.to) },
    { lifecycle: true },
  );
  clusters.set(LIFECYCLE.seed, lifecycle);
  await vm.import(clusterSeries(lifecycle));
  // The first data set again, as an export file: the other source ml-cost reads.
  const first = DATA_SETS[0]?.windows[0] as Window;
  const range = `start=${at(first.from) / 1000 - 86_400}&end=${at(first.to) / 1000 + 86_400}`;
  const res = await fetch(`${vm.url}/api/v1/export?match[]={__name__=~"DCGM_.*|kube_.*"}&${range}`);
  exportFile = join(cwd, 'cluster.jsonl');
  await writeFile(exportFile, await res.text());
}, 120_000);

afterAll(async () => {
  await vm?.stop();
});

type Row = Record<string, unknown>;
type Report = { rows: Row[]; totals: Row; unattributed?: Row; cost_basis?: string };

async function report(
  preset: ClusterPreset,
  window: Window,
  source = vm.url,
  extra: readonly string[] = [],
) {
  const result = await runCli(
    [
      'report',
      '--source',
      source,
      '--metrics-preset',
      preset,
      '--by',
      'use_case',
      '--granularity',
      'day',
      '--format',
      'json',
      '--from',
      window.from,
      '--to',
      window.to,
      '--tz',
      window.tz,
      ...extra,
    ],
    { cwd, env: { ML_COST_NOW: '2026-12-01T00:00:00Z' } },
  );
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Report;
}

/** A row's figures as the contract names them (costs in EUR, the catalogue's currency). */
function figuresOf(row: Row): Figures {
  const number = (...names: string[]) => {
    for (const name of names) if (typeof row[name] === 'number') return row[name] as number;
    return Number.NaN;
  };
  return {
    allocatedHours: number('gpu_hours'),
    busyHours: number('busy_gpu_hours'),
    idleHours: number('idle_gpu_hours'),
    allocatedCost: number('cost_eur'),
    busyCost: number('busy_cost_eur', 'busy_cost'),
    idleCost: number('idle_cost_eur', 'idle_cost'),
  };
}

const HOURS_TOLERANCE = 1e-6;
const MONEY_TOLERANCE = 0.005;
const isZero = (f: Figures) => Object.values(f).every((v) => Math.abs(v) < HOURS_TOLERANCE);

/** Every difference between what ml-cost said and the oracle, one line each. */
function differences(where: string, actual: Figures | undefined, expected: Figures | undefined) {
  const out: string[] = [];
  const a = actual ?? ZERO;
  const e = expected ?? ZERO;
  for (const key of Object.keys(ZERO) as (keyof Figures)[]) {
    const tolerance = key.endsWith('Cost') ? MONEY_TOLERANCE : HOURS_TOLERANCE;
    const diff = (a[key] as number) - (e[key] as number);
    if (!(Math.abs(diff) < tolerance))
      out.push(
        `${where} ${key}: ml-cost ${a[key]}, oracle ${round(e[key])} (off by ${round(diff)})`,
      );
  }
  return out;
}
const round = (x: number) => Math.round(x * 1e6) / 1e6;
const ZERO: Figures = {
  allocatedHours: 0,
  busyHours: 0,
  idleHours: 0,
  allocatedCost: 0,
  busyCost: 0,
  idleCost: 0,
};

function compare(expected: Expected, json: Report) {
  const out: string[] = [];
  const actual = new Map<string, Figures>();
  for (const row of json.rows) {
    const key = `${at(String(row.period_start))} ${String(row.use_case ?? '')}`;
    if (actual.has(key)) out.push(`two rows for ${row.period} use case "${row.use_case}"`);
    actual.set(key, figuresOf(row));
    // Allocated = busy + idle, in hours and in money, on every row.
    const f = figuresOf(row);
    // Each of the three is rounded to 6 decimals on its own: they may differ by 1.5e-6.
    const gap = f.allocatedHours - f.busyHours - f.idleHours;
    if (!(Math.abs(gap) <= 1.5e-6 + 1e-12))
      out.push(`${row.period} "${row.use_case}": gpu_hours - busy - idle = ${gap}`);
    if (!(Math.abs(f.allocatedCost - f.busyCost - f.idleCost) <= 1.5e-6 + 1e-12))
      out.push(`${row.period} "${row.use_case}": cost != busy_cost + idle_cost`);
  }
  const wanted = new Map<string, Figures>();
  for (const day of expected.days)
    for (const [useCase, figures] of expected.cells.get(day.start) ?? [])
      if (!isZero(figures)) wanted.set(`${day.start} ${useCase}`, figures);
  const label = (key: string) => {
    const [start, ...useCase] = key.split(' ');
    const day = expected.days.find((d) => d.start === Number(start));
    return `${day?.label ?? start} "${useCase.join(' ')}"`;
  };
  for (const key of new Set([...wanted.keys(), ...actual.keys()])) {
    const a = actual.get(key);
    if (a && !wanted.has(key) && isZero(a)) continue;
    if (!a) out.push(`${label(key)}: no row from ml-cost`);
    out.push(...differences(label(key), a, wanted.get(key)));
  }
  out.push(...differences('totals', figuresOf(json.totals), expected.totals));
  // The rows add up to the totals: nothing is left out between them.
  const summed = { ...ZERO };
  for (const row of json.rows) {
    const f = figuresOf(row);
    for (const key of Object.keys(ZERO) as (keyof Figures)[]) summed[key] += f[key];
  }
  const slack = json.rows.length * 1e-6;
  for (const key of Object.keys(ZERO) as (keyof Figures)[]) {
    const total = figuresOf(json.totals)[key];
    // A null (partly unpriced) cost is reported against the oracle above, not here.
    if (Number.isNaN(total) && Number.isNaN(summed[key])) continue;
    if (!(Math.abs(summed[key] - total) <= slack))
      out.push(`rows add up to ${summed[key]} ${key}, totals say ${total}`);
  }
  out.push(
    ...differences(
      'unattributed',
      json.unattributed ? figuresOf(json.unattributed) : undefined,
      expected.unattributed,
    ),
  );
  return out;
}

/** `sum by (namespace)` of a rollup over [from, to) at `to`, straight from VictoriaMetrics. */
async function byNamespace(rollup: string, metric: string, from: number, to: number) {
  const query = `sum by (namespace) (${rollup}(${metric}[${(to - from) / 1000}s] offset 1ms))`;
  const url = `${vm.url}/api/v1/query?query=${encodeURIComponent(query)}&time=${to / 1000}`;
  const body = (await (await fetch(url)).json()) as {
    data: { result: { metric: { namespace?: string }; value: [number, string] }[] };
  };
  return Object.fromEntries(
    body.data.result.map((r) => [r.metric.namespace ?? '', Number(r.value[1])]),
  );
}

describe('the fixture as stored', () => {
  it.each(DATA_SETS)(
    'seed $seed: VictoriaMetrics holds the samples the oracle counts',
    async ({ seed, windows }) => {
      const window = windows[0] as Window;
      const [from, to] = [at(window.from), at(window.to)];
      const expected = expectedReport(clusters.get(seed) as Cluster, catalogue, 'dcgm', {
        from,
        to,
        tz: 'UTC',
      });
      const sum = (field: keyof Figures) => {
        const out: Record<string, number> = {};
        for (const row of expected.cells.values())
          for (const [useCase, f] of row) out[useCase] = (out[useCase] ?? 0) + f[field];
        return out;
      };
      // A sample stands for 30 s: count x 30 s = allocated, sum of activity x 30 s = busy.
      const counts = await byNamespace(
        'count_over_time',
        'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
        from,
        to,
      );
      const activity = await byNamespace(
        'sum_over_time',
        'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
        from,
        to,
      );
      const allocated = sum('allocatedHours');
      const busy = sum('busyHours');
      expect(Object.keys(counts).sort()).toEqual(Object.keys(allocated).sort());
      for (const ns of Object.keys(counts)) {
        expect(((counts[ns] as number) * 30) / 3600, ns).toBeCloseTo(allocated[ns] as number, 9);
        expect(((activity[ns] as number) * 30) / 3600, ns).toBeCloseTo(busy[ns] as number, 9);
      }
    },
  );
});

describe.each(
  DATA_SETS.flatMap(({ seed, windows }) => windows.map((window) => ({ seed, window }))),
)('cluster seed $seed, days in $window.tz from $window.from', ({ seed, window }) => {
  it.each(PRESETS)(
    '--metrics-preset %s matches the oracle per use case and day',
    async (preset) => {
      const cluster = clusters.get(seed) as Cluster;
      const expected = expectedReport(cluster, catalogue, preset, {
        from: at(window.from),
        to: at(window.to),
        tz: window.tz,
      });
      const json = await report(preset, window);
      expect(compare(expected, json)).toEqual([]);
      expect(json.cost_basis).toBe('allocated');
      // No GPU time disappears: every device's sampled time (dcgm) or every request's
      // (kube-state-metrics) is in some row, attributed or not.
      const all = preset === 'dcgm' ? expected.deviceHours : expected.requestedHours;
      expect(figuresOf(json.totals).allocatedHours).toBeCloseTo(all, 6);
    },
  );
});

describe('the same cluster from an export file', () => {
  it.each(PRESETS)(
    '--metrics-preset %s matches the oracle per use case and day',
    async (preset) => {
      const { seed, windows } = DATA_SETS[0] as (typeof DATA_SETS)[number];
      const window = windows[0] as Window;
      const expected = expectedReport(clusters.get(seed) as Cluster, catalogue, preset, {
        from: at(window.from),
        to: at(window.to),
        tz: window.tz,
      });
      expect(compare(expected, await report(preset, window, exportFile))).toEqual([]);
    },
  );
});

describe('--cost-basis busy', () => {
  it('makes the busy cost the report cost, row by row, and changes no GPU-hours', async () => {
    const { seed, windows } = DATA_SETS[2] as (typeof DATA_SETS)[number];
    const window = windows[0] as Window;
    const expected = expectedReport(clusters.get(seed) as Cluster, catalogue, 'dcgm', {
      from: at(window.from),
      to: at(window.to),
      tz: window.tz,
    });
    const json = await report('dcgm', window, vm.url, ['--cost-basis', 'busy']);
    expect(json.cost_basis).toBe('busy');
    // The basis swaps which cost is cost_eur; the oracle's figures are the same otherwise.
    const swapped = (row: Row): Row => ({
      ...row,
      cost_eur: row.busy_cost_eur === null ? null : sumCosts(row),
    });
    const sumCosts = (row: Row) => (row.busy_cost_eur as number) + (row.idle_cost_eur as number);
    const out = compare(expected, {
      ...json,
      rows: json.rows.map(swapped),
      totals: swapped(json.totals),
      ...(json.unattributed ? { unattributed: swapped(json.unattributed) } : {}),
    });
    expect(out).toEqual([]);
    for (const row of json.rows)
      expect(row.cost_eur as number).toBeCloseTo(row.busy_cost_eur as number, 6);
  });
});

describe('pods the API lists while they hold no GPU (Pending unscheduled, Job pods finished)', () => {
  async function countsOnlyGpusHeld(preset: ClusterPreset): Promise<void> {
    const { seed, window } = LIFECYCLE;
    const expected = expectedReport(clusters.get(seed) as Cluster, catalogue, preset, {
      from: at(window.from),
      to: at(window.to),
      tz: window.tz,
    });
    expect(compare(expected, await report(preset, window))).toEqual([]);
  }

  it('--metrics-preset dcgm counts only GPUs held, per use case and day', () =>
    countsOnlyGpusHeld('dcgm'));

  // Known gap (issue 15, finding F2): kube-state-metrics keeps a finished pod's GPU request while
  // the API still lists it, and kubernetes-gpu counts it as allocated (unscheduled pods are
  // already left out). Filtering it needs a per-pod join with kube_pod_status_phase. it.fails
  // keeps the case running: it turns red the day the join lands, and becomes an `it` then.
  it.fails('--metrics-preset kubernetes-gpu counts only GPUs held (fails: finished pods, F2)', () =>
    countsOnlyGpusHeld('kubernetes-gpu'));
});
