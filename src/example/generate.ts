// Deterministic example usage in the VictoriaMetrics export format: a few months of the three
// ml-cost counters for a handful of use cases, with the irregularities real data has (daily and
// weekly load, a pod restart, a scrape gap, a late deployment, an unpriced GPU type).
// Pure: the same options give the same lines, byte for byte. Seeded PRNG, no clock.
import { DEFAULT_PRESET, PRESETS } from '../presets.js';
import { type StoredNames, storedNames } from '../sources/types.js';

export interface ExportLine {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly number[];
  /** Milliseconds since the epoch. */
  readonly timestamps: readonly number[];
}

export interface GenerateOptions {
  /** First scrape at or after this instant (ms since the epoch). */
  readonly startMs: number;
  readonly days: number;
  /** Seconds between scrapes. */
  readonly intervalSeconds?: number;
  readonly seed?: number;
  /**
   * Number of use cases (report groups by use_case). Beyond the named ones, synthetic use cases
   * "uc-00007", ... are added: the knob for 1k/10k/100k-group benchmarks.
   */
  readonly useCases?: number;
}

const DEFAULT_METRICS = PRESETS[DEFAULT_PRESET].metrics;
// The default preset stores each measure under one name.
const first = (names: StoredNames) => storedNames(names)[0] as string;

/** The names the default preset reads, so `--source example` needs no preset flag. */
export const METRIC_NAMES = {
  // The default preset names all three (presets.test.ts).
  gpuSeconds: first(DEFAULT_METRICS.gpu_seconds as StoredNames),
  tokens: first(DEFAULT_METRICS.tokens as StoredNames),
  inferences: first(DEFAULT_METRICS.inferences as StoredNames),
} as const;

/** A GPU type the shipped catalogue has no rate for, so reports show unpriced usage. */
export const UNPRICED_GPU_TYPE = 'RTX-6000-Ada';
/** Costs about EUR 3 per inference: a dedicated H100 for a couple of requests an hour. */
export const MARGINAL_USE_CASE = 'contract-analysis';

interface Deployment {
  readonly useCase: string;
  readonly model: string;
  readonly gpuType: string;
  readonly pods: number;
  readonly gpusPerPod: number;
  /** Inferences per hour per pod at peak load. */
  readonly peakInferencesPerHour: number;
  readonly tokensPerInference: number;
  /** Share of the pod's GPUs held even at no load (autoscaling floor); 1 for a dedicated node. */
  readonly floor: number;
  /** Weekend load relative to a weekday. */
  readonly weekend: number;
  /** Day (from the start) the deployment goes live; 0 for "already running". */
  readonly fromDay?: number;
}

const NAMED_DEPLOYMENTS: readonly Deployment[] = [
  {
    useCase: 'support-chat',
    model: 'llama-3-70b',
    gpuType: 'H100-80GB',
    pods: 2,
    gpusPerPod: 2,
    peakInferencesPerHour: 1500,
    tokensPerInference: 900,
    floor: 0.35,
    weekend: 0.6,
  },
  {
    useCase: 'code-review',
    model: 'llama-3-70b',
    gpuType: 'A100-80GB',
    pods: 1,
    gpusPerPod: 2,
    peakInferencesPerHour: 300,
    tokensPerInference: 2500,
    floor: 0.3,
    weekend: 0.15,
  },
  {
    useCase: 'doc-summarise',
    model: 'mistral-7b',
    gpuType: 'L4',
    pods: 2,
    gpusPerPod: 1,
    peakInferencesPerHour: 600,
    tokensPerInference: 1800,
    floor: 0.3,
    weekend: 0.3,
  },
  {
    useCase: 'meeting-transcribe',
    model: 'whisper-large',
    gpuType: 'L4',
    pods: 2,
    gpusPerPod: 1,
    peakInferencesPerHour: 120,
    tokensPerInference: 1200,
    floor: 0.25,
    weekend: 0.1,
  },
  {
    useCase: 'meeting-transcribe',
    model: 'whisper-large',
    gpuType: UNPRICED_GPU_TYPE,
    pods: 1,
    gpusPerPod: 1,
    peakInferencesPerHour: 60,
    tokensPerInference: 1200,
    floor: 0.25,
    weekend: 0.1,
  },
  {
    useCase: 'image-tagging',
    model: 'mistral-7b',
    gpuType: 'L4',
    pods: 1,
    gpusPerPod: 1,
    peakInferencesPerHour: 900,
    tokensPerInference: 40,
    floor: 0.3,
    weekend: 0.8,
    fromDay: 12,
  },
  {
    useCase: MARGINAL_USE_CASE,
    model: 'llama-3-70b',
    gpuType: 'H100-80GB',
    pods: 1,
    gpusPerPod: 1,
    peakInferencesPerHour: 4.4,
    tokensPerInference: 6000,
    floor: 1,
    weekend: 0.3,
  },
];

const SYNTHETIC_TEMPLATES: readonly Pick<Deployment, 'model' | 'gpuType' | 'tokensPerInference'>[] =
  [
    { model: 'llama-3-70b', gpuType: 'H100-80GB', tokensPerInference: 1200 },
    { model: 'llama-3-70b', gpuType: 'A100-80GB', tokensPerInference: 1200 },
    { model: 'mistral-7b', gpuType: 'L4', tokensPerInference: 800 },
    { model: 'whisper-large', gpuType: 'L4', tokensPerInference: 1000 },
  ];

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Yields one export line per series: per pod, GPU-seconds, then tokens, then inferences. */
export function* generateExport(options: GenerateOptions): Generator<ExportLine> {
  const intervalMs = (options.intervalSeconds ?? 300) * 1000;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(intervalMs) || intervalMs <= 0) {
    throw new RangeError('intervalSeconds must be a positive number of milliseconds');
  }
  if (!(options.days > 0)) throw new RangeError('days must be positive');
  const endMs = options.startMs + options.days * DAY_MS;
  const deployments = [...NAMED_DEPLOYMENTS, ...syntheticDeployments(options.useCases ?? 0, seed)];
  for (const deployment of deployments) {
    for (let pod = 0; pod < deployment.pods; pod++) {
      yield* podSeries(deployment, pod, { ...options, intervalMs, seed, endMs });
    }
  }
}

export function namedUseCases(): string[] {
  return [...new Set(NAMED_DEPLOYMENTS.map((deployment) => deployment.useCase))];
}

function syntheticDeployments(useCases: number, seed: number): Deployment[] {
  const named = namedUseCases().length;
  const random = prng(hashString(`synthetic/${seed}`));
  const deployments: Deployment[] = [];
  for (let n = named + 1; n <= useCases; n++) {
    const template = SYNTHETIC_TEMPLATES[Math.floor(random() * SYNTHETIC_TEMPLATES.length)];
    if (!template) continue;
    deployments.push({
      ...template,
      useCase: `uc-${String(n).padStart(5, '0')}`,
      pods: 1,
      gpusPerPod: 1,
      peakInferencesPerHour: Math.round(20 + random() * 800),
      floor: 0.2 + random() * 0.3,
      weekend: 0.2 + random() * 0.6,
    });
  }
  return deployments;
}

interface PodContext extends GenerateOptions {
  readonly intervalMs: number;
  readonly seed: number;
  readonly endMs: number;
}

function podSeries(deployment: Deployment, pod: number, context: PodContext): ExportLine[] {
  const podName =
    `${deployment.useCase}-${deployment.model}-${deployment.gpuType}-${pod}`.toLowerCase();
  const random = prng(hashString(`${context.seed}/${podName}`));
  const { intervalMs } = context;
  const phaseMs = Math.floor(random() * intervalMs);
  const liveFromMs = context.startMs + Math.min(deployment.fromDay ?? 0, context.days / 2) * DAY_MS;
  const restartMs = isRestartingPod(deployment, pod) ? restartTime(context) : Number.NaN;
  const gap = isGappedPod(deployment, pod) ? gapTimes(context) : null;

  const timestamps: number[] = [];
  const gpuSeconds: number[] = [];
  const tokens: number[] = [];
  const inferences: number[] = [];
  // Integer units (milli-GPU-seconds, tokens, inferences) keep the counters exact decimals.
  let gpuMilli = 0;
  let tokenCount = 0;
  let inferenceCount = 0;
  let restarted = false;
  for (let slot = liveFromMs + phaseMs; slot < context.endMs; slot += intervalMs) {
    const jitterMs = Math.floor(random() * 400) - 200;
    const t = Math.max(liveFromMs, slot + jitterMs);
    const load = loadAt(t, deployment) * (0.85 + random() * 0.3);
    const active = deployment.floor + (1 - deployment.floor) * Math.min(1, load);
    const gpuStep = Math.round(deployment.gpusPerPod * intervalMs * active);
    const expected = (deployment.peakInferencesPerHour * load * intervalMs) / HOUR_MS;
    const served = Math.floor(expected + random());
    const tokenStep = Math.round(served * deployment.tokensPerInference * (0.7 + random() * 0.6));
    if (!restarted && t >= restartMs) {
      // The pod came back half an interval before this scrape: its counters start again from zero.
      restarted = true;
      gpuMilli = 0;
      tokenCount = 0;
      inferenceCount = 0;
    }
    const share = restarted && t - restartMs < intervalMs ? 0.5 : 1;
    gpuMilli += Math.round(gpuStep * share);
    inferenceCount += Math.round(served * share);
    tokenCount += Math.round(tokenStep * share);
    if (gap && t >= gap.fromMs && t < gap.toMs) continue;
    timestamps.push(t);
    gpuSeconds.push(gpuMilli / 1000);
    tokens.push(tokenCount);
    inferences.push(inferenceCount);
  }
  const labels = {
    model_name: deployment.model,
    use_case: deployment.useCase,
    environment: 'prod',
    pod: podName,
  };
  return [
    {
      metric: { __name__: METRIC_NAMES.gpuSeconds, ...labels, gpu_type: deployment.gpuType },
      values: gpuSeconds,
      timestamps,
    },
    { metric: { __name__: METRIC_NAMES.tokens, ...labels }, values: tokens, timestamps },
    { metric: { __name__: METRIC_NAMES.inferences, ...labels }, values: inferences, timestamps },
  ];
}

/** Daily curve peaking mid-afternoon UTC, quieter at weekends. Between about 0.15 and 1. */
function loadAt(t: number, deployment: Deployment): number {
  const hourOfDay = (t % DAY_MS) / HOUR_MS;
  const daily = 0.15 + 0.85 * ((1 - Math.cos((2 * Math.PI * (hourOfDay - 2)) / 24)) / 2);
  const weekday = new Date(t).getUTCDay();
  return daily * (weekday === 0 || weekday === 6 ? deployment.weekend : 1);
}

function isRestartingPod(deployment: Deployment, pod: number): boolean {
  return deployment.useCase === 'support-chat' && pod === 1;
}

function restartTime(context: PodContext): number {
  return context.startMs + Math.min(9, context.days / 2) * DAY_MS + 14 * HOUR_MS + 7 * 60_000;
}

function isGappedPod(deployment: Deployment, pod: number): boolean {
  return deployment.useCase === 'doc-summarise' && pod === 0;
}

/** A three-hour scrape outage; the counters keep counting, so the first scrape after it catches up. */
function gapTimes(context: PodContext): { fromMs: number; toMs: number } {
  const fromMs = context.startMs + Math.min(5, context.days / 3) * DAY_MS + 2 * HOUR_MS;
  return { fromMs, toMs: fromMs + 3 * HOUR_MS };
}

/** mulberry32: small, fast, and the same sequence on every platform. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** FNV-1a, to give every pod its own stream of random numbers whatever order pods are made in. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** One line of the export format, as /api/v1/export writes it. */
export function formatExportLine(line: ExportLine): string {
  return JSON.stringify({ metric: line.metric, values: line.values, timestamps: line.timestamps });
}
