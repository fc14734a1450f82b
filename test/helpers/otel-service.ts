// A fake inference service instrumented with the real OpenTelemetry JS SDK and Prometheus
// exporter, exactly as the services ml-cost prices are, for end-to-end scrape tests.
// It remembers every value it recorded, so tests know the true usage without asking ml-cost.
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { freePort } from './victoria.js';

/** Where a model runs: the label values the service sets. */
export interface Deployment {
  readonly useCase: string;
  readonly modelName: string;
  readonly gpuType: string;
}

export interface Inference extends Deployment {
  readonly durationMs: number;
  readonly tokens: number;
  readonly gpuSeconds: number;
}

/** Inferences and tokens carry no gpu_type, so they add up per (use_case, model_name). */
export interface ModelUsage {
  readonly use_case: string;
  readonly model_name: string;
  readonly inferences: number;
  readonly tokens: number;
}

export interface GpuUsage {
  readonly use_case: string;
  readonly model_name: string;
  readonly gpu_type: string;
  readonly gpu_seconds: number;
}

export interface RecordedUsage {
  readonly models: ModelUsage[];
  readonly gpus: GpuUsage[];
}

export interface OtelService {
  /** host:port, as a scrape config's static target. */
  readonly target: string;
  readonly metricsUrl: string;
  /**
   * Creates the deployment's counter series at 0 before any load, as a service does when it
   * starts. The histogram cannot be created empty: its series appears with the first inference.
   */
  announce(deployment: Deployment): void;
  infer(inference: Inference): void;
  /** Everything recorded so far, the truth the stored series must add up to. */
  recorded(): RecordedUsage;
  stop(): Promise<void>;
}

export async function startOtelService(): Promise<OtelService> {
  const port = await freePort();
  const exporter = new PrometheusExporter({ host: '127.0.0.1', port, preventServerStart: true });
  await exporter.startServer();
  const provider = new MeterProvider({ readers: [exporter] });
  const meter = provider.getMeter('ml-inference-service', '1.0.0');
  const duration = meter.createHistogram('ml.inference.duration', {
    unit: 'ms',
    description: 'Time to serve one inference',
  });
  const tokens = meter.createCounter('ml.inference.tokens.total', {
    description: 'Tokens processed (prompt and completion)',
  });
  const gpuSeconds = meter.createCounter('ml.gpu.seconds', {
    unit: 's',
    description: 'GPU time consumed',
  });

  const models = new Map<string, ModelUsage>();
  const gpus = new Map<string, GpuUsage>();

  const addUsage = (inference: Inference, count: number) => {
    const modelKey = JSON.stringify([inference.useCase, inference.modelName]);
    const model = models.get(modelKey);
    models.set(modelKey, {
      use_case: inference.useCase,
      model_name: inference.modelName,
      inferences: (model?.inferences ?? 0) + count,
      tokens: (model?.tokens ?? 0) + inference.tokens,
    });
    const gpuKey = JSON.stringify([inference.useCase, inference.modelName, inference.gpuType]);
    gpus.set(gpuKey, {
      use_case: inference.useCase,
      model_name: inference.modelName,
      gpu_type: inference.gpuType,
      gpu_seconds: (gpus.get(gpuKey)?.gpu_seconds ?? 0) + inference.gpuSeconds,
    });
  };

  return {
    target: `127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${port}/metrics`,
    announce(deployment) {
      const model = { model_name: deployment.modelName, use_case: deployment.useCase };
      tokens.add(0, model);
      gpuSeconds.add(0, { ...model, gpu_type: deployment.gpuType });
      addUsage({ ...deployment, durationMs: 0, tokens: 0, gpuSeconds: 0 }, 0);
    },
    infer(inference) {
      const model = { model_name: inference.modelName, use_case: inference.useCase };
      duration.record(inference.durationMs, model);
      tokens.add(inference.tokens, model);
      gpuSeconds.add(inference.gpuSeconds, { ...model, gpu_type: inference.gpuType });
      addUsage(inference, 1);
    },
    recorded() {
      return { models: [...models.values()], gpus: [...gpus.values()] };
    },
    async stop() {
      await provider.shutdown();
    },
  };
}

/**
 * A deterministic load: round r gives each deployment r inferences with distinct, exactly
 * representable values (GPU-seconds in quarters), so sums compare exactly.
 * Round 1 is one inference per deployment: the histogram's count series then first appears
 * at 1, which VictoriaMetrics always counts as an increase from 0 (DESIGN.md §3).
 */
export function loadRound(round: number, deployments: readonly Deployment[]): Inference[] {
  return deployments.flatMap((deployment, index) =>
    Array.from({ length: round }, (_, n) => ({
      ...deployment,
      durationMs: 40 + 15 * index + n,
      tokens: 100 * (index + 1) + 7 * round + n,
      gpuSeconds: 0.25 * (index + 1 + round + n),
    })),
  );
}
