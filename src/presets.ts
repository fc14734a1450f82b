// Naming conventions for the usage measures (core/measures.ts): one preset per way the same OTel
// instruments end up stored in VictoriaMetrics (DESIGN.md §2). A new convention is a new entry,
// not a code fork; a preset names only the measures its convention has.
import { UsageError } from './errors.js';
import type { MetricNames } from './sources/types.js';

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
  readonly labels: PresetLabels;
}

export const PRESET_NAMES = [
  'otel-collector',
  'victoriametrics-otlp',
  'otel-js-prometheus',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const DEFAULT_PRESET: PresetName = 'otel-collector';

// The services set these attribute names themselves, and every path below keeps them as they are.
const SERVICE_LABELS: PresetLabels = {
  useCase: 'use_case',
  modelName: 'model_name',
  gpuType: 'gpu_type',
};

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
