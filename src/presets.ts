// Naming conventions for the usage measures (core/measures.ts): one preset per way the same OTel
// instruments end up stored in VictoriaMetrics (DESIGN.md §2). A new convention is a new entry,
// not a code fork; a preset names only the measures its convention has.

import type { AttributionRule } from './core/attribution.js';
import type { Metric } from './core/measures.js';
import { UsageError } from './errors.js';
import {
  type ClusterPresetParts,
  DCGM,
  DCGM_LABELS,
  DCGM_UTIL,
  KUBE_STATE_METRICS,
  KUBERNETES_GPU,
  type NodeGpuTypes,
} from './presets-cluster.js';
import type { MetricNames, MetricReading } from './sources/types.js';

/** The stored label names ml-cost needs, whatever the convention calls them. */
export interface PresetLabels {
  readonly useCase: string;
  readonly modelName: string;
  /** The pricing key: GPU-seconds are always grouped by it. */
  readonly gpuType: string;
}

export interface Preset {
  readonly name: string;
  readonly description: string;
  readonly metrics: MetricNames;
  /** How a metric is read where it differs from its measure's definition (a gauge, a scale). */
  readonly readings?: Readonly<Partial<Record<Metric, MetricReading>>>;
  readonly labels: PresetLabels;
  /**
   * Labels worth grouping by that the convention names in more than one way, each with its
   * names newest first (OTel GenAI's provider: gen_ai.provider.name, gen_ai.system before
   * semantic conventions 1.37). Doctor says which one the series carry.
   */
  readonly alternativeLabels?: Readonly<Record<string, readonly string[]>>;
  /**
   * Where the use case comes from when the config has no attribution rules: cluster series
   * carry no use-case label, so cluster presets take it from the namespace.
   */
  readonly attribution?: {
    readonly rules: readonly AttributionRule[];
    /** Why usage no rule claims is unattributed, and the fix, for the note. */
    readonly unmatched: string;
  };
  /** How series without a GPU type (kube-state-metrics') get one from the node they run on. */
  readonly gpuTypeByNode?: NodeGpuTypes;
  /**
   * The labels doctor expects on a measure's series where they are not the use-case, model and
   * GPU-type labels (a cluster's namespace, kube-state-metrics' node).
   */
  readonly neededLabels?: Readonly<Partial<Record<Metric, readonly string[]>>>;
}

export const PRESET_NAMES = [
  'otel-collector',
  'victoriametrics-otlp',
  'otel-js-prometheus',
  'otel-genai',
  'otel-genai-underscores',
  'otel-genai-dots',
  'vllm',
  // Before dcgm: on a cluster with both exporters, doctor's tie goes to reading both.
  'kubernetes-gpu',
  'dcgm',
  'dcgm-util',
  'kube-state-metrics',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const DEFAULT_PRESET: PresetName = 'otel-collector';

// The services set these attribute names themselves, and every path below keeps them as they are.
const SERVICE_LABELS: PresetLabels = {
  useCase: 'use_case',
  modelName: 'model_name',
  gpuType: 'gpu_type',
};

/**
 * OpenTelemetry GenAI semantic conventions (gen-ai-metrics.md, status Development): tokens are
 * the histogram gen_ai.client.token.usage (unit {token}) summed over gen_ai.token.type
 * (input, output); requests are the client's gen_ai.client.operation.duration or the model
 * server's gen_ai.server.request.duration (unit s), counted from the histograms' _count.
 * One preset per way the names are stored: Prometheus naming (units and suffixes added; the
 * {token} annotation is dropped), dots replaced by underscores only, or dots kept.
 */
function otelGenAi(
  name: PresetName,
  description: string,
  names: { tokens: string; client: string; server: string },
  sep: '.' | '_',
): Preset {
  const label = (dotted: string) => (sep === '.' ? dotted : dotted.replaceAll('.', '_'));
  const tokenType = label('gen_ai.token.type');
  const tokens = (type: string | readonly string[]) => ({
    names: names.tokens,
    match: { [tokenType]: type },
  });
  return {
    name,
    description,
    metrics: {
      gpu_seconds: 'ml_gpu_seconds_total',
      // The total is the two types the conventions define, so it is their sum by construction.
      tokens: tokens(['input', 'output']),
      input_tokens: tokens('input'),
      output_tokens: tokens('output'),
      inferences: [names.client, names.server],
    },
    labels: { useCase: 'use_case', modelName: label('gen_ai.request.model'), gpuType: 'gpu_type' },
    alternativeLabels: {
      provider: [label('gen_ai.provider.name'), label('gen_ai.system')],
      model: [label('gen_ai.request.model'), label('gen_ai.response.model')],
    },
  };
}

const OTEL_GENAI_PRESETS = {
  'otel-genai': otelGenAi(
    'otel-genai',
    'OpenTelemetry GenAI semantic conventions through the OTel Collector prometheusremotewrite ' +
      'exporter (also VictoriaMetrics -opentelemetry.usePrometheusNaming on releases that take OTLP): ' +
      'underscores, unit suffixes',
    {
      tokens: 'gen_ai_client_token_usage_sum',
      client: 'gen_ai_client_operation_duration_seconds_count',
      server: 'gen_ai_server_request_duration_seconds_count',
    },
    '_',
  ),
  'otel-genai-underscores': otelGenAi(
    'otel-genai-underscores',
    'OpenTelemetry GenAI semantic conventions with dots replaced by underscores and no unit ' +
      'suffix: OTel Collector prometheusremotewrite with add_metric_suffixes: false, or ' +
      'VictoriaMetrics -usePromCompatibleNaming on releases that take OTLP',
    {
      tokens: 'gen_ai_client_token_usage_sum',
      client: 'gen_ai_client_operation_duration_count',
      server: 'gen_ai_server_request_duration_count',
    },
    '_',
  ),
  'otel-genai-dots': otelGenAi(
    'otel-genai-dots',
    'OpenTelemetry GenAI semantic conventions pushed as OTLP to a VictoriaMetrics release that ' +
      'takes it (/opentelemetry/v1/metrics; 1.79.5 does not) without renaming flags: dots kept',
    {
      tokens: 'gen_ai.client.token.usage_sum',
      client: 'gen_ai.client.operation.duration_count',
      server: 'gen_ai.server.request.duration_count',
    },
    '.',
  ),
} as const;

/**
 * Cluster series: the use case is made (from the namespace, or the config's rules) into
 * use_case; reports group by it and by the GPU model dcgm-exporter writes (modelName), which
 * also prices them through the catalogue's gpu_aliases.
 */
const CLUSTER_LABELS: PresetLabels = {
  useCase: 'use_case',
  modelName: DCGM_LABELS.modelName,
  gpuType: DCGM_LABELS.modelName,
};

function clusterPreset(name: PresetName, description: string, parts: ClusterPresetParts): Preset {
  const { metrics, readings, attribution, gpuTypeByNode, neededLabels } = parts;
  return {
    name,
    description,
    metrics,
    readings,
    labels: CLUSTER_LABELS,
    attribution,
    ...(gpuTypeByNode ? { gpuTypeByNode } : {}),
    neededLabels,
  };
}

const CLUSTER_PRESETS = {
  dcgm: clusterPreset(
    'dcgm',
    'NVIDIA dcgm-exporter with profiling metrics: allocated GPU time is the time a GPU (or MIG ' +
      'slice) series of DCGM_FI_PROF_GR_ENGINE_ACTIVE exists, busy time its value (0-1) x time; ' +
      'use case from the namespace of the pod holding the GPU, GPU type from modelName (gpu_aliases), ' +
      'MIG slice from GPU_I_PROFILE',
    DCGM,
  ),
  'dcgm-util': clusterPreset(
    'dcgm-util',
    'NVIDIA dcgm-exporter without profiling metrics: as dcgm, from DCGM_FI_DEV_GPU_UTIL (%, read ' +
      'x 0.01), which says the GPU was occupied (a kernel ran), not busy: busy is an upper bound. ' +
      'Not reported for MIG slices',
    DCGM_UTIL,
  ),
  'kube-state-metrics': clusterPreset(
    'kube-state-metrics',
    'kube-state-metrics: allocated GPU time is kube_pod_container_resource_requests' +
      '{resource="nvidia_com_gpu", or a MIG slice nvidia_com_mig_<profile>} x time, use case from ' +
      'namespace; no busy time. Series carry the node, not the GPU model: give nodes a GPU type ' +
      'with gpu_types in the config',
    KUBE_STATE_METRICS,
  ),
  'kubernetes-gpu': clusterPreset(
    'kubernetes-gpu',
    'kube-state-metrics and dcgm-exporter together: allocated = GPUs requested x time ' +
      '(kube_pod_container_resource_requests{resource="nvidia_com_gpu" or nvidia_com_mig_<profile>}), busy = ' +
      'DCGM_FI_PROF_GR_ENGINE_ACTIVE x time, idle = allocated - busy; use case from namespace; ' +
      "a request's GPU type from the DCGM series of its node (Hostname -> modelName), or gpu_types in the config",
    KUBERNETES_GPU,
  ),
} as const;

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  'otel-collector': {
    name: 'otel-collector',
    description:
      'OTel Collector prometheusremotewrite exporter, or VictoriaMetrics/vmagent OTLP ingestion ' +
      'with -opentelemetry.usePrometheusNaming: unit and _total suffixes added to the names',
    metrics: {
      gpu_seconds: 'ml_gpu_seconds_total',
      tokens: 'ml_inference_tokens_total',
      inferences: 'ml_inference_duration_milliseconds_count',
    },
    labels: SERVICE_LABELS,
  },
  'victoriametrics-otlp': {
    name: 'victoriametrics-otlp',
    description:
      'OTLP pushed straight to VictoriaMetrics (/opentelemetry/v1/metrics) without ' +
      '-opentelemetry.usePrometheusNaming: instrument names kept with their dots, histograms get _count',
    metrics: {
      gpu_seconds: 'ml.gpu.seconds',
      tokens: 'ml.inference.tokens.total',
      inferences: 'ml.inference.duration_count',
    },
    labels: SERVICE_LABELS,
  },
  'otel-js-prometheus': {
    name: 'otel-js-prometheus',
    description:
      'OpenTelemetry JS PrometheusExporter (@opentelemetry/exporter-prometheus) scraped by ' +
      'VictoriaMetrics or vmagent: dots become underscores, counters get _total, no unit suffix',
    metrics: {
      gpu_seconds: 'ml_gpu_seconds_total',
      tokens: 'ml_inference_tokens_total',
      inferences: 'ml_inference_duration_count',
    },
    labels: SERVICE_LABELS,
  },
  ...OTEL_GENAI_PRESETS,
  vllm: {
    name: 'vllm',
    description:
      "vLLM's Prometheus endpoint (/metrics) scraped by VictoriaMetrics or vmagent: tokens are " +
      'prompt plus generation tokens, inferences the successful requests, labelled by model_name; ' +
      'vLLM has no GPU-time counter, so GPU-seconds keep the default name (set metrics.gpu_seconds)',
    metrics: {
      gpu_seconds: 'ml_gpu_seconds_total',
      tokens: ['vllm:prompt_tokens_total', 'vllm:generation_tokens_total'],
      input_tokens: 'vllm:prompt_tokens_total',
      output_tokens: 'vllm:generation_tokens_total',
      inferences: 'vllm:request_success_total',
    },
    labels: SERVICE_LABELS,
  },
  ...CLUSTER_PRESETS,
};

/** Looks a preset up by the name a user typed in --metrics-preset or the config file. */
export function resolvePreset(name: string): Preset {
  if (isPresetName(name)) return PRESETS[name];
  throw new UsageError(
    `unknown metrics preset "${name}"; valid presets: ${PRESET_NAMES.join(', ')}`,
  );
}

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}
