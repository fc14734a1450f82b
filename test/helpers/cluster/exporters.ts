// The series a Prometheus-compatible scraper stores from a cluster (truth.ts), every 30 s per
// target at the target's own constant offset, in VictoriaMetrics' import format:
// - dcgm-exporter (one target per node), its default-counters.csv fields
//   DCGM_FI_PROF_GR_ENGINE_ACTIVE (ratio 0-1) and DCGM_FI_DEV_GPU_UTIL (%, whole GPUs only: NVML
//   has no utilisation per MIG instance), labelled gpu, UUID, pci_bus_id, device, modelName,
//   Hostname, DCGM_FI_DRIVER_VERSION, GPU_I_PROFILE and GPU_I_ID on a MIG slice, and namespace,
//   pod, container while a pod holds the device (absent otherwise);
// - kube-state-metrics (one target), kube_pod_container_resource_requests and _limits
//   {namespace, pod, uid, container, node, resource, unit} for GPUs (nvidia_com_gpu, or a MIG
//   resource such as nvidia_com_mig_1g_10gb) and for CPU (resource="cpu", unit="core"), which a
//   GPU reading must leave out, for as long as the pod object exists (node="" while Pending
//   unscheduled, and on after a Job's pod Succeeded); kube_pod_status_phase {namespace, pod,
//   uid, phase} 1 for the pod's phase and 0 for the other four.
import type { ExportLine } from '../victoria.js';
import { type Cluster, type Device, type Pod, scrapeInstants, valueAt } from './truth.js';

export const ENGINE_ACTIVE = 'DCGM_FI_PROF_GR_ENGINE_ACTIVE';
export const GPU_UTIL = 'DCGM_FI_DEV_GPU_UTIL';
export const REQUESTS = 'kube_pod_container_resource_requests';
export const LIMITS = 'kube_pod_container_resource_limits';

/** What DCGM_FI_DEV_GPU_UTIL says beside an engine activity: "occupied", above it when busy. */
export function utilPercent(activity: number): number {
  return activity === 0 ? 0 : Math.min(100, Math.ceil(activity * 100) + 7);
}

export function clusterSeries(cluster: Cluster): ExportLine[] {
  return [...dcgmSeries(cluster), ...kubeStateSeries(cluster)];
}

function deviceLabels(cluster: Cluster, device: Device): Record<string, string> {
  const node = cluster.nodes.find((n) => n.name === device.node);
  return {
    gpu: String(device.gpuIndex),
    UUID: device.uuid,
    pci_bus_id: `00000000:${(0x18 + device.gpuIndex * 0x10).toString(16).toUpperCase()}:00.0`,
    device: `nvidia${device.gpuIndex}`,
    modelName: device.modelName,
    Hostname: device.node,
    DCGM_FI_DRIVER_VERSION: '550.90.07',
    ...(device.mig
      ? { GPU_I_PROFILE: device.mig.profile, GPU_I_ID: String(device.mig.instanceId) }
      : {}),
    job: 'dcgm-exporter',
    instance: node?.address ?? '',
  };
}

function dcgmSeries(cluster: Cluster): ExportLine[] {
  const lines: ExportLine[] = [];
  for (const device of cluster.devices) {
    const node = cluster.nodes.find((n) => n.name === device.node);
    if (!node) continue;
    const base = deviceLabels(cluster, device);
    const holders = cluster.pods
      .filter((pod) => pod.containers.some((c) => c.devices.includes(device.id)))
      .sort((a, b) => a.start - b.start);
    // One series per label set: the device alone, or the device while a given pod holds it.
    const series = new Map<string, { labels: Record<string, string>; t: number[]; v: number[] }>();
    const add = (key: string, labels: () => Record<string, string>, t: number, value: number) => {
      let entry = series.get(key);
      if (!entry) {
        entry = { labels: labels(), t: [], v: [] };
        series.set(key, entry);
      }
      entry.t.push(t);
      entry.v.push(value);
    };
    let next = 0;
    for (const t of scrapeInstants(
      cluster,
      node.scrapeOffsetMs,
      cluster.dataFrom,
      cluster.dataTo,
    )) {
      while (next < holders.length && (holders[next] as Pod).end <= t) next++;
      const pod = holders[next];
      const held = pod !== undefined && pod.start <= t && t < pod.end;
      const container = held
        ? pod.containers.find((c) => c.devices.includes(device.id))
        : undefined;
      const activity = held
        ? valueAt(pod.activity[device.id], t)
        : valueAt(cluster.unheldActivity[device.id], t);
      if (held && container)
        add(
          pod.uid,
          () => ({ ...base, namespace: pod.namespace, pod: pod.name, container: container.name }),
          t,
          activity,
        );
      else add('', () => base, t, activity);
    }
    for (const { labels, t, v } of series.values()) {
      lines.push({ metric: { __name__: ENGINE_ACTIVE, ...labels }, values: v, timestamps: t });
      if (!device.mig)
        lines.push({
          metric: { __name__: GPU_UTIL, ...labels },
          values: v.map(utilPercent),
          timestamps: t,
        });
    }
  }
  return lines;
}

const KSM = { job: 'kube-state-metrics', instance: '10.0.2.5:8080' };
const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;

function kubeStateSeries(cluster: Cluster): ExportLine[] {
  const lines: ExportLine[] = [];
  const instants = (from: number, to: number) =>
    scrapeInstants(
      cluster,
      cluster.ksmOffsetMs,
      Math.max(from, cluster.dataFrom),
      Math.min(to, cluster.dataTo),
    );
  for (const pod of cluster.pods) {
    const created = pod.createdAt ?? pod.start;
    const deleted = pod.deletedAt ?? pod.end;
    // kube_pod_status_phase: one series per phase, 1 for the pod's phase, 0 for the others.
    const life = instants(created, deleted);
    const phaseAt = (t: number) =>
      t < pod.start ? 'Pending' : t < pod.end ? 'Running' : 'Succeeded';
    for (const phase of PHASES)
      if (life.length > 0)
        lines.push({
          metric: {
            __name__: 'kube_pod_status_phase',
            namespace: pod.namespace,
            pod: pod.name,
            uid: pod.uid,
            phase,
            ...KSM,
          },
          values: life.map((t) => (phaseAt(t) === phase ? 1 : 0)),
          timestamps: life,
        });
    // Requests while the pod object exists: node="" until it is scheduled.
    const stretches = [
      { node: '', timestamps: instants(created, pod.start) },
      { node: pod.node, timestamps: instants(pod.start, deleted) },
    ];
    for (const { node, timestamps } of stretches) {
      if (timestamps.length > 0) lines.push(...requestSeries(pod, node, timestamps));
    }
  }
  return lines;
}

function requestSeries(pod: Pod, node: string, timestamps: number[]): ExportLine[] {
  const lines: ExportLine[] = [];
  for (const container of pod.containers) {
    const labels = {
      namespace: pod.namespace,
      pod: pod.name,
      uid: pod.uid,
      container: container.name,
      node,
      ...KSM,
    };
    for (const name of [REQUESTS, LIMITS]) {
      lines.push({
        metric: { __name__: name, ...labels, resource: pod.resource, unit: 'integer' },
        values: timestamps.map(() => container.devices.length),
        timestamps,
      });
      lines.push({
        metric: { __name__: name, ...labels, resource: 'cpu', unit: 'core' },
        values: timestamps.map(() => 4),
        timestamps,
      });
    }
  }
  return lines;
}
