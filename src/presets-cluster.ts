// Presets for GPU time as a Kubernetes cluster keeps it: NVIDIA's dcgm-exporter (per-GPU
// gauges, with the pod holding the GPU as labels) and kube-state-metrics (GPUs requested per
// container). Names and labels as the exporters write them (README "GPU time from a Kubernetes
// cluster" cites the sources): dcgm-exporter etc/default-counters.csv and its metric template
// (gpu, UUID, pci_bus_id, device, modelName, GPU_I_PROFILE, GPU_I_ID, Hostname; pod, namespace,
// container from its Kubernetes pod mapper); kube-state-metrics docs/metrics/workload/
// pod-metrics.md (namespace, pod, uid, container, node, resource, unit).

import type { AttributionRule } from './core/attribution.js';
import type { Metric } from './core/measures.js';
import { type MetricNames, type MetricReading, storedNames } from './sources/types.js';

/** DCGM's per-GPU (per GPU instance, with MIG) ratio of time the graphics engine is active. */
export const DCGM_ENGINE_ACTIVE = 'DCGM_FI_PROF_GR_ENGINE_ACTIVE';
/** DCGM's GPU utilisation in %: the share of the sample period a kernel ran ("occupied"). */
export const DCGM_GPU_UTIL = 'DCGM_FI_DEV_GPU_UTIL';
/** kube-state-metrics' resource requests per container; GPUs are resource="nvidia_com_gpu". */
export const KSM_REQUESTS = 'kube_pod_container_resource_requests';

/** The labels dcgm-exporter writes on every GPU series, and those its pod mapper adds. */
export const DCGM_LABELS = {
  modelName: 'modelName',
  /** The node: NODE_NAME in the DaemonSet; renamed hostname after release 4.5.3-4.8.2. */
  hostname: ['Hostname', 'hostname'],
  namespace: 'namespace',
  pod: 'pod',
  container: 'container',
} as const;

/** The label kube-state-metrics names a pod's node with (empty while the pod is pending). */
export const KSM_NODE_LABEL = 'node';
/** The label naming the resource requested, sanitised: nvidia.com/gpu is nvidia_com_gpu. */
export const KSM_RESOURCE_LABEL = 'resource';

/**
 * The workload's namespace where a scrape did not honour the exporter's labels (Prometheus
 * Operator ServiceMonitor honorLabels: false, the dcgm-exporter Helm chart's default): the
 * scrape's own namespace label wins and the exporter's is renamed exported_namespace.
 */
export const EXPORTED_NAMESPACE = 'exported_namespace';

/**
 * A cluster's series carry no use case: by default it is the namespace (exported_namespace
 * where the scrape renamed it; a series with neither, a GPU no pod holds, is unattributed).
 * The config's attribution.rules replace this.
 */
export const NAMESPACE_ATTRIBUTION = {
  rules: [
    { match: [], useCase: { fromLabel: EXPORTED_NAMESPACE } },
    { match: [], useCase: { fromLabel: DCGM_LABELS.namespace } },
  ],
  unmatched:
    'come from series without a namespace label (a GPU no pod holds, or a request of a pod without one): map other labels to use cases with attribution.rules in the config',
} as const satisfies { rules: readonly AttributionRule[]; unmatched: string };

/** How series without a GPU type (kube-state-metrics') get one, by the node they run on. */
export interface NodeGpuTypes {
  /** The label naming the node on those series. */
  readonly nodeLabel: string;
  /** The label naming the resource requested: a MIG slice's profile is read from it. */
  readonly resourceLabel?: string;
  /**
   * The measure whose series say which GPUs each node has (DCGM's modelName and GPU_I_PROFILE),
   * and the labels naming their node, first non-empty wins: one extra query per report.
   */
  readonly fromMeasure?: { readonly metric: Metric; readonly nodeLabels: readonly string[] };
}

/** What a cluster preset adds to a metric-naming preset. */
export interface ClusterPresetParts {
  readonly metrics: MetricNames;
  readonly readings: Readonly<Partial<Record<Metric, MetricReading>>>;
  readonly attribution: { readonly rules: readonly AttributionRule[]; readonly unmatched: string };
  readonly gpuTypeByNode?: NodeGpuTypes;
  /** The labels doctor expects on each measure's series. */
  readonly neededLabels: Readonly<Partial<Record<Metric, readonly string[]>>>;
}

const presence: MetricReading = { kind: 'presence', scale: 1 };
const ratio: MetricReading = { kind: 'gauge', scale: 1 };
const percent: MetricReading = { kind: 'gauge', scale: 0.01 };
const dcgmNeeds = [DCGM_LABELS.namespace, DCGM_LABELS.modelName];

/** The note on busy GPU time read from DCGM_FI_DEV_GPU_UTIL. */
export const OCCUPIED_NOTE =
  `busy GPU time is read from ${DCGM_GPU_UTIL}, the share of each sample period in which a kernel ran: ` +
  `it says the GPU was occupied, not how much of it worked, so busy is an upper bound and idle a lower one; ` +
  `where profiling metrics exist, ${DCGM_ENGINE_ACTIVE} (preset dcgm) measures the engine's activity`;

/**
 * The notes a report carries for how its busy GPU time is read: DCGM_FI_DEV_GPU_UTIL says
 * "occupied", whichever preset or config names it.
 */
export function readingNotes(metrics: MetricNames): string[] {
  const busy = metrics.gpu_busy_seconds;
  return busy !== undefined && storedNames(busy).includes(DCGM_GPU_UTIL) ? [OCCUPIED_NOTE] : [];
}

/**
 * dcgm-exporter with profiling metrics: a GPU (or MIG GPU instance) series exists for every
 * scrape, labelled with the pod holding it; its presence is allocated GPU time, its engine
 * activity (0-1) busy time. DCGM_FI_DEV_GPU_UTIL is not reported for MIG instances
 * (dcgm-exporter #216, #105), GR_ENGINE_ACTIVE is: both measures read it, so idle >= 0.
 */
export const DCGM: ClusterPresetParts = {
  metrics: { gpu_seconds: DCGM_ENGINE_ACTIVE, gpu_busy_seconds: DCGM_ENGINE_ACTIVE },
  readings: { gpu_seconds: presence, gpu_busy_seconds: ratio },
  attribution: NAMESPACE_ATTRIBUTION,
  neededLabels: { gpu_seconds: dcgmNeeds, gpu_busy_seconds: dcgmNeeds },
};

/** dcgm-exporter without profiling metrics: DCGM_FI_DEV_GPU_UTIL, a percentage ("occupied"). */
export const DCGM_UTIL: ClusterPresetParts = {
  metrics: { gpu_seconds: DCGM_GPU_UTIL, gpu_busy_seconds: DCGM_GPU_UTIL },
  readings: { gpu_seconds: presence, gpu_busy_seconds: percent },
  attribution: NAMESPACE_ATTRIBUTION,
  neededLabels: { gpu_seconds: dcgmNeeds, gpu_busy_seconds: dcgmNeeds },
};

/**
 * Whole GPUs (nvidia.com/gpu) and, with the device plugin's "mixed" MIG strategy, MIG slices
 * (nvidia.com/mig-1g.10gb, written nvidia_com_mig_1g_10gb; "+me" profiles end in _me).
 */
const ksmGpuRequests = {
  names: KSM_REQUESTS,
  match: { [KSM_RESOURCE_LABEL]: { regex: 'nvidia_com_gpu|nvidia_com_mig_.+' } },
};

/** kube-state-metrics: GPUs requested x time is allocated GPU time; it knows no activity. */
export const KUBE_STATE_METRICS: ClusterPresetParts = {
  metrics: { gpu_seconds: ksmGpuRequests },
  readings: { gpu_seconds: ratio },
  attribution: NAMESPACE_ATTRIBUTION,
  gpuTypeByNode: { nodeLabel: KSM_NODE_LABEL, resourceLabel: KSM_RESOURCE_LABEL },
  neededLabels: { gpu_seconds: [DCGM_LABELS.namespace, KSM_NODE_LABEL] },
};

/**
 * Allocated from kube-state-metrics (what pods requested), busy from DCGM's engine activity;
 * the requests' GPU type from the DCGM series of the same node (Hostname -> modelName).
 */
export const KUBERNETES_GPU: ClusterPresetParts = {
  metrics: { gpu_seconds: ksmGpuRequests, gpu_busy_seconds: DCGM_ENGINE_ACTIVE },
  readings: { gpu_seconds: ratio, gpu_busy_seconds: ratio },
  attribution: NAMESPACE_ATTRIBUTION,
  gpuTypeByNode: {
    nodeLabel: KSM_NODE_LABEL,
    resourceLabel: KSM_RESOURCE_LABEL,
    fromMeasure: { metric: 'gpu_busy_seconds', nodeLabels: DCGM_LABELS.hostname },
  },
  neededLabels: {
    gpu_seconds: [DCGM_LABELS.namespace, KSM_NODE_LABEL],
    gpu_busy_seconds: dcgmNeeds,
  },
};
