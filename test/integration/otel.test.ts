// End to end with a real OpenTelemetry client: a service instrumented with the OTel JS SDK is
// scraped by a real VictoriaMetrics, and ml-cost must find exactly the usage the service recorded.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../src/core/types.js';
import { type Preset, resolvePreset } from '../../src/presets.js';
import { usageQuery } from '../../src/sources/promql.js';
import {
  type Deployment,
  loadRound,
  type OtelService,
  type RecordedUsage,
  startOtelService,
} from '../helpers/otel-service.js';
import { startVictoria, type Victoria } from '../helpers/victoria.js';

const SUPPORT_CHAT: Deployment = {
  useCase: 'support-chat',
  modelName: 'llama-3-8b',
  gpuType: 'A100-80GB',
};

const DEPLOYMENTS: readonly Deployment[] = [
  SUPPORT_CHAT,
  // The same model on a second GPU type: GPU-seconds split by gpu_type, tokens do not.
  { useCase: 'support-chat', modelName: 'llama-3-8b', gpuType: 'L4' },
  { useCase: 'summarise', modelName: 'llama-3-8b', gpuType: 'L4' },
  { useCase: 'code-review', modelName: 'mixtral-8x7b', gpuType: 'H100-80GB' },
];

const preset = resolvePreset('otel-js-prometheus');

describe('a service instrumented with the OpenTelemetry JS SDK, scraped by VictoriaMetrics', () => {
  let service: OtelService;
  let victoria: Victoria;
  let configDir: string;

  beforeAll(async () => {
    service = await startOtelService();
    configDir = await mkdtemp(join(tmpdir(), 'ml-cost-scrape-'));
    const config = join(configDir, 'scrape.yaml');
    await writeFile(config, scrapeConfig(service.target));
    victoria = await startVictoria([`-promscrape.config=${config}`]);
  });

  afterAll(async () => {
    await victoria?.stop();
    await service?.stop();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('exposes the series names the otel-js-prometheus preset expects', async () => {
    const fresh = await startOtelService();
    try {
      fresh.infer({ ...SUPPORT_CHAT, durationMs: 120, tokens: 350, gpuSeconds: 1.25 });
      const exposition = await (await fetch(fresh.metricsUrl)).text();
      const names = new Set(
        exposition.split('\n').map((line) => /^([^#\s{]+)[{\s]/.exec(line)?.[1]),
      );
      for (const name of Object.values(preset.metrics)) expect(names).toContain(name);
      // A histogram in ms keeps its bare name here; the Collector would add _milliseconds.
      expect(names).not.toContain(resolvePreset('otel-collector').metrics.inferences);
    } finally {
      await fresh.stop();
    }
  });

  it('gives ml-cost exactly the usage the service recorded, over several scrapes', async () => {
    const startedMs = Date.now();
    for (const deployment of DEPLOYMENTS) service.announce(deployment);
    await waitUntilStored(victoria.url, preset, service.recorded());
    for (const round of [1, 2, 3]) {
      for (const inference of loadRound(round, DEPLOYMENTS)) service.infer(inference);
      await waitUntilStored(victoria.url, preset, service.recorded());
    }
    const grid = hoursCovering(startedMs, Date.now());

    const usage = await fetchUsage(victoria.url, preset, grid);

    const recorded = service.recorded();
    expect(sortRows(usage.models)).toEqual(sortRows(recorded.models));
    expect(sortRows(usage.gpus)).toEqual(sortRows(recorded.gpus));
    // The load by hand: round r gives deployment i r inferences, with tokens 100(i+1)+7r+n
    // and GPU-seconds (i+1+r+n)/4 for n < r; support-chat runs on two GPU types.
    expect(sortRows(recorded.models)).toEqual(
      sortRows([
        { use_case: 'support-chat', model_name: 'llama-3-8b', inferences: 12, tokens: 702 + 1302 },
        { use_case: 'summarise', model_name: 'llama-3-8b', inferences: 6, tokens: 1902 },
        { use_case: 'code-review', model_name: 'mixtral-8x7b', inferences: 6, tokens: 2502 },
      ]),
    );
    expect(sortRows(recorded.gpus)).toEqual(
      sortRows([
        {
          use_case: 'support-chat',
          model_name: 'llama-3-8b',
          gpu_type: 'A100-80GB',
          gpu_seconds: 6,
        },
        { use_case: 'support-chat', model_name: 'llama-3-8b', gpu_type: 'L4', gpu_seconds: 7.5 },
        { use_case: 'summarise', model_name: 'llama-3-8b', gpu_type: 'L4', gpu_seconds: 9 },
        {
          use_case: 'code-review',
          model_name: 'mixtral-8x7b',
          gpu_type: 'H100-80GB',
          gpu_seconds: 10.5,
        },
      ]),
    );
  });

  it.todo(
    'ml-cost report --metrics-preset otel-js-prometheus --format json prints the recorded usage (needs ML_COST_NOW in the CLI)',
  );
});

function scrapeConfig(target: string): string {
  return [
    'scrape_configs:',
    '  - job_name: ml-inference-service',
    '    scrape_interval: 1s',
    '    static_configs:',
    `      - targets: ['${target}']`,
    '',
  ].join('\n');
}

interface Grid {
  readonly startMs: number;
  readonly hours: number;
}

/** Whole hours anchored so that every scrape of the test falls strictly after the grid start. */
function hoursCovering(firstMs: number, lastMs: number): Grid {
  const startMs = Math.floor((firstMs - 1) / HOUR_MS) * HOUR_MS;
  return { startMs, hours: Math.ceil((lastMs + 1 - startMs) / HOUR_MS) };
}

interface Row {
  readonly use_case: string;
  readonly model_name: string;
  readonly gpu_type?: string;
}

function sortRows<T extends Row>(rows: readonly T[]): T[] {
  const key = (row: T) => JSON.stringify([row.use_case, row.model_name, row.gpu_type ?? '']);
  return [...rows].sort((a, b) => key(a).localeCompare(key(b)));
}

/** Sums the hourly increases ml-cost's query asks VictoriaMetrics for over the grid. */
async function fetchUsage(url: string, names: Preset, grid: Grid): Promise<RecordedUsage> {
  const { useCase, modelName, gpuType } = names.labels;
  const byModel = [useCase, modelName];
  const [inferences, tokens, gpuSeconds] = await Promise.all([
    sumIncrease(url, usageQuery(names.metrics.inferences, byModel, []), grid),
    sumIncrease(url, usageQuery(names.metrics.tokens, byModel, []), grid),
    sumIncrease(url, usageQuery(names.metrics.gpu_seconds, [...byModel, gpuType], []), grid),
  ]);
  const modelKey = (labels: Record<string, string>) =>
    JSON.stringify([labels[useCase], labels[modelName]]);
  const inferencesByModel = new Map(inferences.map((row) => [modelKey(row.labels), row.total]));
  return {
    models: tokens.map((row) => ({
      use_case: row.labels[useCase] ?? '',
      model_name: row.labels[modelName] ?? '',
      inferences: inferencesByModel.get(modelKey(row.labels)) ?? 0,
      tokens: row.total,
    })),
    gpus: gpuSeconds.map((row) => ({
      use_case: row.labels[useCase] ?? '',
      model_name: row.labels[modelName] ?? '',
      gpu_type: row.labels[gpuType] ?? '',
      gpu_seconds: row.total,
    })),
  };
}

interface Matrix {
  data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
}

async function sumIncrease(url: string, query: string, grid: Grid) {
  const params = new URLSearchParams({
    query,
    start: String((grid.startMs + HOUR_MS) / 1000),
    end: String((grid.startMs + grid.hours * HOUR_MS) / 1000),
    step: '3600',
    nocache: '1',
  });
  const res = await fetch(`${url}/api/v1/query_range?${params}`);
  if (!res.ok) throw new Error(`query_range ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as Matrix;
  return body.data.result.map((series) => ({
    labels: series.metric,
    total: series.values.reduce((sum, [, value]) => sum + Number(value), 0),
  }));
}

/**
 * Waits until VictoriaMetrics has scraped and stored the service's current counter values,
 * so the next load lands in a later scrape.
 */
async function waitUntilStored(url: string, names: Preset, expected: RecordedUsage) {
  const { useCase, modelName, gpuType } = names.labels;
  const want = new Map<string, number>();
  for (const row of expected.models) {
    if (row.inferences > 0) {
      want.set(
        JSON.stringify([names.metrics.inferences, row.use_case, row.model_name]),
        row.inferences,
      );
    }
    want.set(JSON.stringify([names.metrics.tokens, row.use_case, row.model_name]), row.tokens);
  }
  for (const row of expected.gpus) {
    const key = [names.metrics.gpu_seconds, row.use_case, row.model_name, row.gpu_type];
    want.set(JSON.stringify(key), row.gpu_seconds);
  }

  const deadline = Date.now() + 15_000;
  let stored = new Map<string, number>();
  while (Date.now() < deadline) {
    stored = await latestValues(url, Object.values(names.metrics), (metric) =>
      JSON.stringify(
        metric.__name__ === names.metrics.gpu_seconds
          ? [metric.__name__, metric[useCase], metric[modelName], metric[gpuType]]
          : [metric.__name__, metric[useCase], metric[modelName]],
      ),
    );
    if ([...want].every(([key, value]) => stored.get(key) === value)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `VictoriaMetrics did not store the scraped values in time.\nwant: ${JSON.stringify([...want])}\nstored: ${JSON.stringify([...stored])}`,
  );
}

/** The newest raw sample of each series, from /api/v1/export, keyed by keyOf. */
async function latestValues(
  url: string,
  metrics: readonly string[],
  keyOf: (metric: Record<string, string>) => string,
): Promise<Map<string, number>> {
  await fetch(`${url}/internal/force_flush`);
  const params = new URLSearchParams();
  for (const metric of metrics) params.append('match[]', `{__name__=${JSON.stringify(metric)}}`);
  const res = await fetch(`${url}/api/v1/export?${params}`);
  if (!res.ok) throw new Error(`export ${res.status}: ${await res.text()}`);
  const newest = new Map<string, { timestamp: number; value: number }>();
  for (const line of (await res.text()).split('\n')) {
    if (line === '') continue;
    const series = JSON.parse(line) as {
      metric: Record<string, string>;
      values: number[];
      timestamps: number[];
    };
    const key = keyOf(series.metric);
    series.timestamps.forEach((timestamp, i) => {
      const value = series.values[i];
      if (value === undefined) return;
      const seen = newest.get(key);
      if (!seen || timestamp > seen.timestamp) newest.set(key, { timestamp, value });
    });
  }
  return new Map([...newest].map(([key, { value }]) => [key, value]));
}
