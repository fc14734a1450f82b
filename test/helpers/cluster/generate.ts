// A seeded cluster (truth.ts) around a report window: three nodes of three GPU types, one GPU
// split into MIG slices, pods of 1-4 GPUs starting and stopping at arbitrary milliseconds,
// replacements a few seconds after their predecessor, container restarts, one node drained
// inside the window, one GPU busy outside Kubernetes, activity varying every few minutes.
import type { Cluster, Container, Device, Ms, Node, Pod, Segment } from './truth.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const H100 = 'NVIDIA H100 80GB HBM3';
export const A100 = 'NVIDIA A100-SXM4-80GB';
export const L40S = 'NVIDIA L40S';

/** The namespaces whole-GPU pods run in, with how busy their work keeps a GPU. */
const WORKLOADS = [
  { namespace: 'search', app: 'search-embedder', container: 'server', busy: [0.3, 0.9] },
  { namespace: 'training', app: 'llm-finetune', container: 'trainer', busy: [0.6, 1] },
  { namespace: 'batch-eval', app: 'eval-runner', container: 'runner', busy: [0, 1] },
  { namespace: 'chat', app: 'chat-vllm', container: 'vllm', busy: [0.1, 0.6] },
] as const;
const NOTEBOOKS = { namespace: 'notebooks', app: 'jupyter', container: 'notebook', busy: [0, 0.3] };
type Workload = { namespace: string; app: string; container: string; busy: readonly number[] };

/** mulberry32: small, seeded, good enough to shuffle a test cluster. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ClusterOptions {
  /**
   * Pods also wait unscheduled before they start (kube-state-metrics lists them, node=""), and
   * finished Job pods (batch-eval) stay listed a while: what the API shows beside what is held.
   */
  readonly lifecycle?: boolean;
}

export function generateCluster(
  seed: number,
  window: { from: Ms; to: Ms },
  options: ClusterOptions = {},
): Cluster {
  const rnd = random(seed);
  const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
  const int = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const hex = (n: number) => Array.from({ length: n }, () => int(0, 15).toString(16)).join('');
  const round3 = (x: number) => Math.round(x * 1000) / 1000;

  const dataFrom = window.from - 3 * HOUR - int(0, 59_999);
  const dataTo = window.to + 2 * HOUR + int(0, 59_999);
  const nodes: Node[] = [
    { name: 'gpu-h100-a', address: '10.0.1.11:9400', scrapeOffsetMs: int(20, 980) },
    { name: 'gpu-a100-b', address: '10.0.1.12:9400', scrapeOffsetMs: int(20, 980) },
    { name: 'gpu-l40s-c', address: '10.0.1.13:9400', scrapeOffsetMs: int(20, 980) },
  ];
  const devices: Device[] = [];
  const gpu = (node: string, gpuIndex: number, modelName: string, mig?: Device['mig']) => {
    const device: Device = {
      id: `${node}/${gpuIndex}${mig ? `/${mig.instanceId}` : ''}`,
      node,
      gpuIndex,
      uuid: `GPU-${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
      modelName,
      ...(mig ? { mig } : {}),
    };
    devices.push(device);
    return device.id;
  };
  const h100 = Array.from({ length: 8 }, (_, i) => gpu('gpu-h100-a', i, H100));
  const a100 = Array.from({ length: 3 }, (_, i) => gpu('gpu-a100-b', i, A100));
  // GPU 3 of the A100 node is split 3+2+1+1 of its 7 compute slices (NVIDIA's A100 80GB
  // profiles); the instances keep the GPU's UUID, as dcgm-exporter reports them.
  const migUuid = `GPU-${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
  const slices = (
    [
      ['3g.40gb', 1],
      ['2g.20gb', 5],
      ['1g.10gb', 13],
      ['1g.10gb', 14],
    ] as const
  ).map(([profile, instanceId]) => {
    const id = gpu('gpu-a100-b', 3, A100, { profile, instanceId });
    const index = devices.findIndex((d) => d.id === id);
    devices[index] = { ...(devices[index] as Device), uuid: migUuid };
    return id;
  });
  const l40s = Array.from({ length: 4 }, (_, i) => gpu('gpu-l40s-c', i, L40S));

  // Each lane is a set of devices that pods of one size take in turn.
  const lanes = (ids: readonly string[]): string[][] => {
    const out: string[][] = [];
    for (let i = 0; i < ids.length; ) {
      const size = Math.min(int(1, 4), ids.length - i);
      out.push(ids.slice(i, i + size));
      i += size;
    }
    return out;
  };
  const pods: Pod[] = [];
  const activity = (from: Ms, to: Ms, busy: readonly number[], idleOdds: number): Segment[] => {
    const segments: Segment[] = [];
    for (let t = from; t < to; ) {
      const end = Math.min(to, t + Math.round(between(3 * MINUTE, 120 * MINUTE)));
      const value = rnd() < idleOdds ? 0 : round3(between(busy[0] ?? 0, busy[1] ?? 1));
      segments.push({ from: t, to: end, value });
      t = end;
    }
    return segments;
  };
  const runLane = (
    laneDevices: readonly string[],
    node: Node,
    workloads: readonly Workload[],
    resource: string,
  ) => {
    let t = dataFrom - Math.round(between(0, 4 * HOUR));
    let previous: { workload: Workload; app: string; name: string } | undefined;
    while (t < dataTo) {
      // A third of pods replace their predecessor seconds after it ended: a new pod name.
      const replacing = previous !== undefined && rnd() < 0.35;
      const start = t + Math.round(replacing ? between(2_000, 45_000) : between(MINUTE, 3 * HOUR));
      const end = start + Math.round(between(15 * MINUTE, 14 * HOUR));
      const workload = replacing && previous ? previous.workload : pick(workloads);
      const app = replacing && previous ? previous.app : `${workload.app}-${hex(8)}`;
      const containers: Container[] =
        laneDevices.length >= 2 && rnd() < 0.3
          ? [
              { name: workload.container, devices: laneDevices.slice(0, -1) },
              { name: 'profiler', devices: laneDevices.slice(-1) },
            ]
          : [{ name: workload.container, devices: laneDevices }];
      const base = activity(start, end, workload.busy, 0.1);
      // A container restart: the pod and its series go on, its GPUs sit idle a few minutes.
      let restartedAt: Ms | undefined;
      if (rnd() < 0.3) {
        const at = Math.round(between(start, end));
        restartedAt = at;
        const until = at + Math.round(between(MINUTE, 6 * MINUTE));
        base.splice(0, base.length, ...cutOut(base, at, until));
      }
      const perDevice: Record<string, Segment[]> = {};
      laneDevices.forEach((id, i) => {
        const factor = i === 0 ? 1 : between(0.85, 1);
        perDevice[id] = base.map((s) => ({ ...s, value: round3(s.value * factor) }));
      });
      const name = `${app}-${hex(5)}`;
      pods.push({
        namespace: workload.namespace,
        name,
        uid: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
        node: node.name,
        resource,
        containers,
        start,
        end,
        activity: perDevice,
        ...(restartedAt !== undefined ? { restartedAt } : {}),
        ...(replacing && previous ? { replaces: previous.name } : {}),
        ...(options.lifecycle && !replacing && rnd() < 0.4
          ? { createdAt: start - Math.round(between(MINUTE, 40 * MINUTE)) }
          : {}),
        ...(options.lifecycle && workload.namespace === 'batch-eval' && rnd() < 0.7
          ? { deletedAt: end + Math.round(between(5 * MINUTE, 2 * HOUR)) }
          : {}),
      });
      previous = { workload, app, name };
      t = end;
    }
  };
  const [nodeA, nodeB, nodeC] = nodes as [Node, Node, Node];
  // GPU 7 of the H100 node is never given to a pod: something outside Kubernetes uses it.
  for (const lane of lanes(h100.slice(0, 7))) runLane(lane, nodeA, WORKLOADS, 'nvidia_com_gpu');
  for (const lane of lanes(a100)) runLane(lane, nodeB, WORKLOADS, 'nvidia_com_gpu');
  for (const slice of slices) {
    const profile = devices.find((d) => d.id === slice)?.mig?.profile ?? '';
    // The device plugin's mixed strategy: nvidia.com/mig-3g.40gb, as kube-state-metrics names it.
    runLane([slice], nodeB, [NOTEBOOKS], `nvidia_com_mig_${profile.replaceAll('.', '_')}`);
  }
  for (const lane of lanes(l40s)) runLane(lane, nodeC, WORKLOADS, 'nvidia_com_gpu');
  // The L40S node is drained inside the window, away from its edges, at an arbitrary
  // millisecond while one of its pods runs: its pods end there and no new one starts.
  const running = pods.filter(
    (p) =>
      p.node === nodeC.name && p.end > window.from + 3 * HOUR && p.start < window.to - 3 * HOUR,
  );
  const victim = pick(running);
  const drainedAt = Math.round(
    between(
      Math.max(victim.start, window.from + 3 * HOUR),
      Math.min(victim.end, window.to - 3 * HOUR),
    ),
  );
  nodes[2] = { ...nodeC, drainedAt };
  const kept = pods
    .filter((p) => p.node !== nodeC.name || p.start < drainedAt)
    .map((p) => {
      if (p.node !== nodeC.name || p.end <= drainedAt) return p;
      // Evicted by the drain: ended and deleted there.
      const { deletedAt: _, ...evicted } = p;
      return { ...evicted, end: drainedAt };
    });
  pods.splice(0, pods.length, ...kept);
  const unheldActivity = {
    [h100[7] as string]: activity(dataFrom, dataTo, [0.05, 0.5], 0.5),
  };
  return {
    seed,
    intervalMs: 30_000,
    dataFrom,
    dataTo,
    nodes,
    devices,
    pods,
    ksmOffsetMs: int(20, 980),
    unheldActivity,
  };
}

/** Segments with [from, to) set to 0: what a restarting container does to its GPUs. */
function cutOut(segments: readonly Segment[], from: Ms, to: Ms): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    if (s.to <= from || s.from >= to) {
      out.push(s);
      continue;
    }
    if (s.from < from) out.push({ ...s, to: from });
    out.push({ from: Math.max(s.from, from), to: Math.min(s.to, to), value: 0 });
    if (s.to > to) out.push({ ...s, from: to });
  }
  return out;
}
