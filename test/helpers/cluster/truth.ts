// The ground truth of a small GPU cluster, as a platform engineer would describe it: nodes with
// GPUs (one of them split into MIG slices), pods of namespaces holding whole GPUs or slices from
// a start to an end time, how busy each held device is over time, a pod whose container
// restarts, pods replaced by new ones, a node drained mid-window and a GPU used outside
// Kubernetes. Seeded and pure: the same seed gives the same cluster. Nothing here reads
// ml-cost code; exporters.ts turns it into series, oracle.ts into expected figures.

/** Milliseconds since the epoch, as everywhere in the fixture. */
export type Ms = number;

/** A device a pod can hold: a whole GPU, or one MIG GPU instance of a GPU. */
export interface Device {
  readonly id: string;
  readonly node: string;
  /** dcgm-exporter's `gpu` (the GPU's index on its node) and `device` ("nvidia<index>"). */
  readonly gpuIndex: number;
  readonly uuid: string;
  /** DCGM's `modelName`, as NVML spells it. */
  readonly modelName: string;
  /** The MIG GPU instance profile ("3g.40gb") and id, for a slice. */
  readonly mig?: { readonly profile: string; readonly instanceId: number };
}

/** A stretch of time [from, to) with one value. */
export interface Segment {
  readonly from: Ms;
  readonly to: Ms;
  readonly value: number;
}

export interface Container {
  readonly name: string;
  /** The devices this container holds (its request is their number). */
  readonly devices: readonly string[];
}

export interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly node: string;
  /** The Kubernetes extended resource its containers request, as kube-state-metrics writes it. */
  readonly resource: string;
  readonly containers: readonly Container[];
  /** Held over [start, end): kube-state-metrics lists it and dcgm-exporter labels its devices. */
  readonly start: Ms;
  readonly end: Ms;
  /** Engine activity (0-1) of each of its devices over time, keyed by device id. */
  readonly activity: Readonly<Record<string, readonly Segment[]>>;
  /** When its container restarted (the pod and its series go on; its GPUs idle meanwhile). */
  readonly restartedAt?: Ms;
  /** The pod it replaced, seconds after that one ended (same workload, new name and uid). */
  readonly replaces?: string;
  /**
   * When the pod object appeared, if before `start`: Pending, not yet scheduled (kube-state-
   * metrics lists its requests with node=""), holding no GPU.
   */
  readonly createdAt?: Ms;
  /**
   * When the pod object went away, if after `end`: a Job's pod that Succeeded stays listed
   * (with its requests, kube-state-metrics#1051) until deleted, holding no GPU.
   */
  readonly deletedAt?: Ms;
}

export interface Node {
  readonly name: string;
  /** Where its dcgm-exporter is scraped from (the `instance` label). */
  readonly address: string;
  /** The constant delay of this target's scrapes after each 30-second tick. */
  readonly scrapeOffsetMs: number;
  /** When it was drained: its pods ended there and it took no new ones. */
  readonly drainedAt?: Ms;
}

export interface Cluster {
  readonly seed: number;
  readonly intervalMs: number;
  /** Series are written for scrapes in [dataFrom, dataTo); reports look inside it. */
  readonly dataFrom: Ms;
  readonly dataTo: Ms;
  readonly nodes: readonly Node[];
  readonly devices: readonly Device[];
  readonly pods: readonly Pod[];
  /** kube-state-metrics' one target: its scrape offset. */
  readonly ksmOffsetMs: number;
  /** Activity of devices held by no pod (a process outside Kubernetes), by device id. */
  readonly unheldActivity: Readonly<Record<string, readonly Segment[]>>;
}

/** The scrape instants of a target in [from, to): ticks every interval, plus its offset. */
export function scrapeInstants(cluster: Cluster, offsetMs: number, from: Ms, to: Ms): Ms[] {
  const { intervalMs } = cluster;
  const first = Math.ceil((from - offsetMs) / intervalMs) * intervalMs + offsetMs;
  const instants: Ms[] = [];
  for (let t = first; t < to; t += intervalMs) instants.push(t);
  return instants;
}

/** The value of piecewise-constant segments at t (0 outside them). */
export function valueAt(segments: readonly Segment[] | undefined, t: Ms): number {
  for (const segment of segments ?? [])
    if (segment.from <= t && t < segment.to) return segment.value;
  return 0;
}

/** Each device's pods, by start: a device is held by one pod at a time. */
export function holdersOf(cluster: Cluster): ReadonlyMap<string, readonly Pod[]> {
  const holders = new Map<string, Pod[]>(cluster.devices.map((d) => [d.id, []]));
  for (const pod of cluster.pods)
    for (const container of pod.containers)
      for (const id of container.devices) holders.get(id)?.push(pod);
  for (const pods of holders.values()) pods.sort((a, b) => a.start - b.start);
  return holders;
}

/** The pod holding a device at t, if any, among the device's pods (holdersOf). */
export function holderAt(pods: readonly Pod[] | undefined, t: Ms): Pod | undefined {
  return pods?.find((pod) => pod.start <= t && t < pod.end);
}

/** How busy a device is at t: its holder's activity, or what runs on it outside Kubernetes. */
export function activityAt(
  cluster: Cluster,
  holder: Pod | undefined,
  deviceId: string,
  t: Ms,
): number {
  return holder
    ? valueAt(holder.activity[deviceId], t)
    : valueAt(cluster.unheldActivity[deviceId], t);
}
