// The cluster fixture's oracle on a hand case (every figure worked out below), and the
// generator's clusters: the situations the acceptance test must meet, and series that say
// what the ground truth says.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clusterSeries, ENGINE_ACTIVE, REQUESTS } from '../helpers/cluster/exporters.js';
import { generateCluster } from '../helpers/cluster/generate.js';
import {
  type Catalogue,
  daysOf,
  expectedReport,
  type Figures,
  hourlyRate,
  readCatalogue,
} from '../helpers/cluster/oracle.js';
import type { Cluster } from '../helpers/cluster/truth.js';

const at = (iso: string) => Date.parse(iso);
const H100 = 'NVIDIA H100 80GB HBM3';
const A100 = 'NVIDIA A100-SXM4-80GB';

const catalogue: Catalogue = {
  versions: [
    {
      version: 'v1',
      effective_from: '2026-06-01T00:00:00Z',
      from: at('2026-06-01T00:00:00Z'),
      gpu_hour: { 'H100-80GB': 6, 'A100-80GB': 3.5 },
      gpu_aliases: { [H100]: 'H100-80GB', [A100]: 'A100-80GB' },
    },
  ],
};

// One node scraped at :00.250 and :30.250, kube-state-metrics at .100. Window 22:00-02:00 UTC.
const hand: Cluster = {
  seed: 0,
  intervalMs: 30_000,
  dataFrom: at('2026-07-01T20:00:00Z'),
  dataTo: at('2026-07-02T04:00:00Z'),
  nodes: [{ name: 'n1', address: '10.0.0.1:9400', scrapeOffsetMs: 250 }],
  ksmOffsetMs: 100,
  devices: [
    { id: 'g0', node: 'n1', gpuIndex: 0, uuid: 'GPU-0', modelName: H100 },
    {
      id: 'g1/1',
      node: 'n1',
      gpuIndex: 1,
      uuid: 'GPU-1',
      modelName: A100,
      mig: { profile: '3g.40gb', instanceId: 1 },
    },
  ],
  pods: [
    {
      namespace: 'search',
      name: 'search-0',
      uid: 'u0',
      node: 'n1',
      resource: 'nvidia_com_gpu',
      containers: [{ name: 'server', devices: ['g0'] }],
      start: at('2026-07-01T23:00:10.000Z'),
      end: at('2026-07-02T00:30:00.200Z'),
      activity: { g0: [{ from: 0, to: at('2026-07-03T00:00:00Z'), value: 0.5 }] },
    },
    {
      namespace: 'notebooks',
      name: 'jupyter-0',
      uid: 'u1',
      node: 'n1',
      resource: 'nvidia_com_mig_3g_40gb',
      containers: [{ name: 'notebook', devices: ['g1/1'] }],
      start: at('2026-07-02T01:00:00.000Z'),
      end: at('2026-07-02T03:00:00Z'),
      activity: { 'g1/1': [{ from: 0, to: at('2026-07-03T00:00:00Z'), value: 0.2 }] },
    },
  ],
  // Something outside Kubernetes keeps the free slice 10% busy from 22:00 to 23:00.
  unheldActivity: {
    'g1/1': [{ from: at('2026-07-01T22:00:00Z'), to: at('2026-07-01T23:00:00Z'), value: 0.1 }],
  },
};
const WINDOW = { from: at('2026-07-01T22:00:00Z'), to: at('2026-07-02T02:00:00Z'), tz: 'UTC' };
const DAY1 = at('2026-07-01T22:00:00Z');
const DAY2 = at('2026-07-02T00:00:00Z');

function figures(partial: Partial<Figures>): Figures {
  const f = { allocatedHours: 0, busyHours: 0, allocatedCost: 0, busyCost: 0, ...partial };
  return {
    ...f,
    idleHours: f.allocatedHours - f.busyHours,
    idleCost: f.allocatedCost - f.busyCost,
  } as Figures;
}

function expectFigures(actual: Figures | undefined, expected: Figures) {
  expect(actual).toBeDefined();
  for (const key of Object.keys(expected) as (keyof Figures)[])
    expect(actual?.[key], key).toBeCloseTo(expected[key], 9);
}

describe('the oracle on a hand case', () => {
  it('counts dcgm-exporter presence per scrape instant, each standing for the 30 s after it', () => {
    const report = expectedReport(hand, catalogue, 'dcgm', WINDOW);
    expect(report.days.map((d) => d.label)).toEqual(['2026-07-01', '2026-07-02']);
    const day1 = report.cells.get(DAY1);
    const day2 = report.cells.get(DAY2);
    // search-0 holds g0 from 23:00:10.000: first sample 23:00:30.250; 119 samples to 23:59:30.250,
    // then 60 to 00:29:30.250 (00:30:00.250 is after its end at 00:30:00.200). Half busy, 6.00/h.
    expectFigures(
      day1?.get('search'),
      figures({
        allocatedHours: 119 / 120,
        busyHours: 0.5 * (119 / 120),
        allocatedCost: 5.95,
        busyCost: 2.975,
      }),
    );
    expectFigures(
      day2?.get('search'),
      figures({ allocatedHours: 0.5, busyHours: 0.25, allocatedCost: 3, busyCost: 1.5 }),
    );
    // Unattributed day 1: g0's other 121 samples (6.05) and the free slice's 240 (2 h at 3/7 of
    // 3.50 = 1.50/h: 3.00), 10% busy for 120 of them (0.1 h, 0.15).
    expectFigures(
      day1?.get(''),
      figures({
        allocatedHours: 121 / 120 + 2,
        busyHours: 0.1,
        allocatedCost: 6.05 + 3,
        busyCost: 0.15,
      }),
    );
    // Day 2: g0 free 180 samples (1.5 h, 9.00), the slice free until 01:00 (1 h, 1.50).
    expectFigures(day2?.get(''), figures({ allocatedHours: 2.5, allocatedCost: 10.5 }));
    // jupyter-0 from 01:00:00.000: 120 samples from 01:00:00.250, a 3g.40gb slice, 20% busy.
    expectFigures(
      day2?.get('notebooks'),
      figures({ allocatedHours: 1, busyHours: 0.2, allocatedCost: 1.5, busyCost: 0.3 }),
    );
    expect(day1?.get('notebooks')).toBeUndefined();
    // Two devices, 4 h each: every sample is someone's or unattributed.
    expect(report.deviceHours).toBeCloseTo(8, 9);
    expect(report.totals.allocatedHours).toBeCloseTo(8, 9);
    expect(report.unattributed.allocatedHours).toBeCloseTo(121 / 120 + 2 + 2.5, 9);
  });

  it('counts kube-state-metrics requests at its own scrape instants, and busy time from DCGM', () => {
    const report = expectedReport(hand, catalogue, 'kubernetes-gpu', WINDOW);
    const day1 = report.cells.get(DAY1);
    const day2 = report.cells.get(DAY2);
    // Samples at .100: 23:00:30.100 to 23:59:30.100 (119), 00:00:00.100 to 00:30:00.100 (61).
    expectFigures(
      day1?.get('search'),
      figures({
        allocatedHours: 119 / 120,
        busyHours: 0.5 * (119 / 120),
        allocatedCost: 5.95,
        busyCost: 2.975,
      }),
    );
    expectFigures(
      day2?.get('search'),
      figures({ allocatedHours: 61 / 120, busyHours: 0.25, allocatedCost: 3.05, busyCost: 1.5 }),
    );
    expectFigures(
      day2?.get('notebooks'),
      figures({ allocatedHours: 1, busyHours: 0.2, allocatedCost: 1.5, busyCost: 0.3 }),
    );
    // Nobody requested the busy free slice: busy with nothing allocated, a negative idle.
    expectFigures(day1?.get(''), figures({ busyHours: 0.1, busyCost: 0.15 }));
    expect(day1?.get('')?.idleCost).toBeCloseTo(-0.15, 9);
    expect(report.requestedHours).toBeCloseTo(119 / 120 + 61 / 120 + 1, 9);
  });
});

const shipped = readCatalogue(fileURLToPath(new URL('../../pricing', import.meta.url)));

describe('prices and days', () => {
  it('prices a MIG slice N/7 of its GPU, in the version in force at the sample', () => {
    expect(hourlyRate(shipped, H100, '', at('2026-09-30T23:59:59Z'))).toBe(6.04);
    expect(hourlyRate(shipped, H100, '', at('2026-10-01T00:00:00Z'))).toBe(5.93);
    expect(hourlyRate(shipped, A100, '1g.10gb', at('2026-08-01T00:00:00Z'))).toBeCloseTo(
      3.01 / 7,
      12,
    );
    expect(hourlyRate(shipped, 'NVIDIA L40S', '', at('2026-08-01T00:00:00Z'))).toBe(1.63);
  });

  it('knows a Paris day of 25 hours', () => {
    const days = daysOf(at('2026-10-24T22:00:00Z'), at('2026-10-26T23:00:00Z'), 'Europe/Paris');
    expect(days).toEqual([
      { label: '2026-10-25', start: at('2026-10-24T22:00:00Z'), end: at('2026-10-25T23:00:00Z') },
      { label: '2026-10-26', start: at('2026-10-25T23:00:00Z'), end: at('2026-10-26T23:00:00Z') },
    ]);
  });
});

describe('generated clusters', () => {
  const window = { from: at('2026-07-14T00:00:00Z'), to: at('2026-07-16T00:00:00Z'), tz: 'UTC' };
  it.each([1, 2, 3, 4, 5])('seed %i has every situation the issue names', (seed) => {
    const cluster = generateCluster(seed, window);
    expect(cluster).toEqual(generateCluster(seed, window));
    const drained = cluster.nodes.find((n) => n.drainedAt !== undefined);
    expect(cluster.pods.some((p) => p.node === drained?.name && p.end === drained?.drainedAt)).toBe(
      true,
    );
    expect(
      cluster.pods.every((p) => p.node !== drained?.name || p.start < (drained?.drainedAt ?? 0)),
    ).toBe(true);
    expect(cluster.pods.some((p) => p.restartedAt !== undefined)).toBe(true);
    expect(cluster.pods.some((p) => p.replaces !== undefined)).toBe(true);
    expect(cluster.pods.some((p) => p.resource.startsWith('nvidia_com_mig_'))).toBe(true);
    const sizes = new Set(cluster.pods.map((p) => p.containers.flatMap((c) => c.devices).length));
    expect([...sizes].every((n) => n >= 1 && n <= 4)).toBe(true);
    expect(sizes.size).toBeGreaterThan(1);
    expect(new Set(cluster.devices.map((d) => d.modelName)).size).toBe(3);
    // No device is held by two pods at once.
    for (const device of cluster.devices) {
      const holders = cluster.pods
        .filter((p) => p.containers.some((c) => c.devices.includes(device.id)))
        .sort((a, b) => a.start - b.start);
      for (let i = 1; i < holders.length; i++)
        expect(holders[i]?.start).toBeGreaterThanOrEqual(holders[i - 1]?.end ?? 0);
    }
  });

  it('writes series that add up to what the oracle says, namespace by namespace', () => {
    const cluster = generateCluster(7, window);
    const lines = clusterSeries(cluster);
    const inWindow = (t: number) => window.from <= t && t < window.to;
    const sums = (name: string, weight: (value: number) => number) => {
      const out = new Map<string, number>();
      for (const line of lines.filter((l) => l.metric.__name__ === name)) {
        if (name === REQUESTS && !line.metric.resource?.startsWith('nvidia_com_')) continue;
        const ns = line.metric.namespace ?? '';
        const seconds = line.timestamps.reduce(
          (sum, t, i) => sum + (inWindow(t) ? weight(line.values[i] as number) * 30 : 0),
          0,
        );
        out.set(ns, (out.get(ns) ?? 0) + seconds / 3600);
      }
      return out;
    };
    const dcgm = expectedReport(cluster, shipped, 'dcgm', window);
    const kube = expectedReport(cluster, shipped, 'kubernetes-gpu', window);
    const byUseCase = (report: typeof dcgm, field: keyof Figures) => {
      const out = new Map<string, number>();
      for (const row of report.cells.values())
        for (const [uc, f] of row) out.set(uc, (out.get(uc) ?? 0) + f[field]);
      return out;
    };
    const close = (a: Map<string, number>, b: Map<string, number>) => {
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
      for (const [k, v] of a) expect(v, k).toBeCloseTo(b.get(k) ?? Number.NaN, 9);
    };
    close(
      sums(ENGINE_ACTIVE, () => 1),
      byUseCase(dcgm, 'allocatedHours'),
    );
    close(
      sums(ENGINE_ACTIVE, (v) => v),
      byUseCase(dcgm, 'busyHours'),
    );
    const requested = byUseCase(kube, 'allocatedHours');
    requested.delete('');
    close(
      sums(REQUESTS, (v) => v),
      requested,
    );
    expect(dcgm.totals.allocatedHours).toBeCloseTo(dcgm.deviceHours, 9);
    // 19 devices (15 GPUs and 4 slices of one), 48 h each, every sample counted once.
    expect(dcgm.deviceHours).toBeCloseTo(19 * 48, 9);
  });
});

describe('the sampled figures against the continuous truth', () => {
  it.each([21, 22, 23])(
    'seed %i: each pod edge moves a namespace by less than one scrape',
    (seed) => {
      const window = {
        from: at('2026-08-03T00:00:00Z'),
        to: at('2026-08-05T00:00:00Z'),
        tz: 'UTC',
      };
      const cluster = generateCluster(seed, window);
      const sampled = expectedReport(cluster, shipped, 'kubernetes-gpu', window);
      const exact = new Map<string, { seconds: number; edges: number }>();
      for (const pod of cluster.pods) {
        const from = Math.max(pod.start, window.from);
        const to = Math.min(pod.end, window.to);
        if (to <= from) continue;
        const gpus = pod.containers.flatMap((c) => c.devices).length;
        const entry = exact.get(pod.namespace) ?? { seconds: 0, edges: 0 };
        entry.seconds += (gpus * (to - from)) / 1000;
        entry.edges += gpus * 2;
        exact.set(pod.namespace, entry);
      }
      for (const [namespace, { seconds, edges }] of exact) {
        let hours = 0;
        for (const row of sampled.cells.values()) hours += row.get(namespace)?.allocatedHours ?? 0;
        expect(Math.abs(hours * 3600 - seconds), namespace).toBeLessThanOrEqual(edges * 30);
      }
    },
  );
});

describe('series shaped like the exporters', () => {
  const cluster = generateCluster(3, {
    from: at('2026-07-14T00:00:00Z'),
    to: at('2026-07-15T00:00:00Z'),
  });
  const lines = clusterSeries(cluster);

  it('labels a held GPU as dcgm-exporter does, a slice with its GPU instance, a free GPU without a pod', () => {
    const held = lines.find((l) => l.metric.__name__ === ENGINE_ACTIVE && l.metric.pod);
    expect(Object.keys(held?.metric ?? {}).sort()).toEqual(
      [
        '__name__',
        'gpu',
        'UUID',
        'pci_bus_id',
        'device',
        'modelName',
        'Hostname',
        'DCGM_FI_DRIVER_VERSION',
        'namespace',
        'pod',
        'container',
        'job',
        'instance',
      ].sort(),
    );
    const slice = lines.find((l) => l.metric.GPU_I_PROFILE === '3g.40gb');
    expect(slice?.metric).toMatchObject({ modelName: A100, GPU_I_ID: '1', gpu: '3' });
    expect(lines.some((l) => l.metric.GPU_I_PROFILE && l.metric.__name__ !== ENGINE_ACTIVE)).toBe(
      false,
    );
    const free = lines.find((l) => l.metric.__name__ === ENGINE_ACTIVE && !l.metric.pod);
    expect(free?.metric.namespace).toBeUndefined();
  });

  it('scrapes every 30 s at a constant offset per target, not on the :00 and :30', () => {
    for (const line of lines) {
      const offsets = new Set(line.timestamps.map((t) => t % 30_000));
      expect(offsets.size).toBe(1);
      expect([...offsets][0]).not.toBe(0);
      // A free GPU's series pauses while a pod holds it: steps are whole scrapes.
      for (let i = 1; i < line.timestamps.length; i++)
        expect(((line.timestamps[i] as number) - (line.timestamps[i - 1] as number)) % 30_000).toBe(
          0,
        );
    }
  });

  it('writes kube-state-metrics requests per container, GPUs and CPU apart', () => {
    const gpu = lines.find(
      (l) => l.metric.__name__ === REQUESTS && l.metric.resource === 'nvidia_com_gpu',
    );
    expect(Object.keys(gpu?.metric ?? {}).sort()).toEqual(
      [
        '__name__',
        'namespace',
        'pod',
        'uid',
        'container',
        'node',
        'resource',
        'unit',
        'job',
        'instance',
      ].sort(),
    );
    expect(gpu?.metric.unit).toBe('integer');
    expect(lines.some((l) => l.metric.resource === 'nvidia_com_mig_1g_10gb')).toBe(true);
    expect(lines.some((l) => l.metric.resource === 'cpu' && l.metric.unit === 'core')).toBe(true);
  });
});

describe('pods as the Kubernetes API lists them', () => {
  const window = { from: at('2026-08-10T00:00:00Z'), to: at('2026-08-12T00:00:00Z'), tz: 'UTC' };
  const cluster = generateCluster(14, window, { lifecycle: true });
  const lines = clusterSeries(cluster);

  it('lists pods Pending unscheduled (node="") and finished Job pods still there, holding no GPU', () => {
    expect(cluster.pods.some((p) => p.createdAt !== undefined)).toBe(true);
    expect(cluster.pods.some((p) => p.deletedAt !== undefined)).toBe(true);
    const pending = lines.filter(
      (l) => l.metric.__name__ === REQUESTS && l.metric.node === '' && l.metric.resource !== 'cpu',
    );
    expect(pending.length).toBeGreaterThan(0);
    const succeeded = lines.filter(
      (l) => l.metric.__name__ === 'kube_pod_status_phase' && l.metric.phase === 'Succeeded',
    );
    expect(succeeded.some((l) => l.values.includes(1))).toBe(true);
    // Each pod is in exactly one phase at every scrape.
    const byPod = new Map<string, number[]>();
    for (const l of lines.filter((x) => x.metric.__name__ === 'kube_pod_status_phase')) {
      const sums = byPod.get(l.metric.uid ?? '') ?? l.values.map(() => 0);
      byPod.set(
        l.metric.uid ?? '',
        sums.map((v, i) => v + (l.values[i] as number)),
      );
    }
    for (const sums of byPod.values()) expect(new Set(sums)).toEqual(new Set([1]));
  });

  it('keeps the oracle on what was held: Running pods only', () => {
    const kube = expectedReport(cluster, shipped, 'kubernetes-gpu', window);
    let listed = 0;
    for (const l of lines.filter((x) => x.metric.__name__ === REQUESTS)) {
      if (!l.metric.resource?.startsWith('nvidia_com_')) continue;
      for (const [i, t] of l.timestamps.entries())
        if (window.from <= t && t < window.to) listed += ((l.values[i] as number) * 30) / 3600;
    }
    expect(listed).toBeGreaterThan(kube.requestedHours + 1);
  });
});

describe('days in New York', () => {
  it('knows the day summer time ends there', () => {
    const days = daysOf(at('2026-10-31T04:00:00Z'), at('2026-11-03T05:00:00Z'), 'America/New_York');
    expect(days.map((d) => [d.label, (d.end - d.start) / 3_600_000])).toEqual([
      ['2026-10-31', 24],
      ['2026-11-01', 25],
      ['2026-11-02', 24],
    ]);
  });
});
