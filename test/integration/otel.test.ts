// End to end with a real OpenTelemetry client: a service instrumented with the OTel JS SDK is
// scraped by a real VictoriaMetrics, and ml-cost must find exactly the usage the service recorded.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS, type Labels, type Metric } from '../../src/core/types.js';
import { type Preset, resolvePreset } from '../../src/presets.js';
import { createVictoriaSource } from '../../src/sources/victoria-metrics.js';
import { runCli, writeCatalogue } from '../helpers/cli.js';
import { hourEdges } from '../helpers/edges.js';
import {
  type Deployment,
  loadRound,
  type OtelService,
  type RecordedUsage,
  startOtelService,
} from '../helpers/otel-service.js';
import { tempDir } from '../helpers/temp.js';
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

// The load by hand: round r gives deployment i r inferences, with tokens 100(i+1)+7r+n and
// GPU-seconds (i+1+r+n)/4 for n < r, over rounds 1, 2 and 3; support-chat runs on two GPU types.
const EXPECTED: RecordedUsage = {
  models: [
    { use_case: 'support-chat', model_name: 'llama-3-8b', inferences: 12, tokens: 702 + 1302 },
    { use_case: 'summarise', model_name: 'llama-3-8b', inferences: 6, tokens: 1902 },
    { use_case: 'code-review', model_name: 'mixtral-8x7b', inferences: 6, tokens: 2502 },
  ],
  gpus: [
    { use_case: 'support-chat', model_name: 'llama-3-8b', gpu_type: 'A100-80GB', gpu_seconds: 6 },
    { use_case: 'support-chat', model_name: 'llama-3-8b', gpu_type: 'L4', gpu_seconds: 7.5 },
    { use_case: 'summarise', model_name: 'llama-3-8b', gpu_type: 'L4', gpu_seconds: 9 },
    {
      use_case: 'code-review',
      model_name: 'mixtral-8x7b',
      gpu_type: 'H100-80GB',
      gpu_seconds: 10.5,
    },
  ],
};

const preset = resolvePreset('otel-js-prometheus');

describe('a service instrumented with the OpenTelemetry JS SDK, scraped by VictoriaMetrics', () => {
  let service: OtelService;
  let victoria: Victoria;
  let configDir: string;
  let grid: HourSpan;
  const scratch: string[] = [];

  beforeAll(async () => {
    service = await startOtelService();
    configDir = await tempDir('ml-cost-scrape-');
    const config = join(configDir, 'scrape.yaml');
    await writeFile(config, scrapeConfig(service.target));
    victoria = await startVictoria([`-promscrape.config=${config}`]);

    // Each step waits for a scrape that stored it, so the load spreads over several scrapes.
    const startedMs = Date.now();
    for (const deployment of DEPLOYMENTS) service.announce(deployment);
    await waitUntilStored(victoria.url, preset, service.recorded());
    for (const round of [1, 2, 3]) {
      for (const inference of loadRound(round, DEPLOYMENTS)) service.infer(inference);
      await waitUntilStored(victoria.url, preset, service.recorded());
    }
    grid = hoursCovering(startedMs, Date.now());
  });

  afterAll(async () => {
    await victoria?.stop();
    await service?.stop();
    for (const dir of [configDir, ...scratch]) {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
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

  it('records the load the test meant to drive', () => {
    const recorded = service.recorded();
    expect(sortRows(recorded.models)).toEqual(sortRows(EXPECTED.models));
    expect(sortRows(recorded.gpus)).toEqual(sortRows(EXPECTED.gpus));
  });

  it('gives the VictoriaMetrics source exactly the usage the service recorded', async () => {
    const usage = await fetchUsage(victoria.url, preset, grid);

    expect(sortRows(usage.models)).toEqual(sortRows(EXPECTED.models));
    expect(sortRows(usage.gpus)).toEqual(sortRows(EXPECTED.gpus));
  });

  it('reports the recorded usage and its cost from the command line', async () => {
    const toMs = grid.startMs + grid.hours * HOUR_MS;
    const catalogue = await writeCatalogue([
      // Round prices per GPU-hour, in force long before any test run.
      {
        version: 'otel-test',
        effective_from: '2000-01-01T00:00:00Z',
        gpu_hour: { 'A100-80GB': 3.6, L4: 0.72, 'H100-80GB': 7.2 },
      },
    ]);
    // An empty working directory: no ml-cost.config.json changes the names or the numbers.
    const cwd = await tempDir('ml-cost-cli-');
    scratch.push(catalogue, cwd);
    const { code, stdout, stderr } = await runCli(
      [
        'report',
        '--source',
        victoria.url,
        '--from',
        new Date(grid.startMs).toISOString(),
        '--to',
        new Date(toMs).toISOString(),
        '--metrics-preset',
        'otel-js-prometheus',
        '--catalogue',
        catalogue,
        '--format',
        'json',
      ],
      // A clock well after the window, so ml-cost treats the window as closed and uncut.
      { cwd, env: { ML_COST_NOW: new Date(toMs + 2 * HOUR_MS).toISOString() } },
    );
    expect(code, stderr).toBe(0);

    const report = JSON.parse(stdout) as { rows: Row[]; totals: Record<string, number> };
    // gpu_hours are the GPU-seconds above over 3600, rounded to 6 decimals; cost at the test
    // prices: support-chat 6 s x 3.60 + 7.5 s x 0.72 = 0.006 + 0.0015, summarise 9 s x 0.72,
    // code-review 10.5 s x 7.20 (EUR per hour, so over 3600).
    expect(sortRows(report.rows)).toMatchObject([
      {
        use_case: 'code-review',
        model_name: 'mixtral-8x7b',
        inferences: 6,
        tokens: 2502,
        gpu_hours: 0.002917,
        cost_eur: 0.021,
      },
      {
        use_case: 'summarise',
        model_name: 'llama-3-8b',
        inferences: 6,
        tokens: 1902,
        gpu_hours: 0.0025,
        cost_eur: 0.0018,
      },
      {
        use_case: 'support-chat',
        model_name: 'llama-3-8b',
        inferences: 12,
        tokens: 2004,
        gpu_hours: 0.00375,
        cost_eur: 0.0075,
      },
    ]);
    expect(report.rows).toHaveLength(3);
    expect(report.totals).toMatchObject({ inferences: 24, tokens: 6408, cost_eur: 0.0303 });
  });
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

/** Whole hours anchored so that every scrape of the test falls strictly after the grid start. */
interface HourSpan {
  readonly startMs: number;
  readonly hours: number;
}

function hoursCovering(firstMs: number, lastMs: number): HourSpan {
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

/** What ml-cost's VictoriaMetrics source delivers for the grid, hours added up per group. */
async function fetchUsage(url: string, names: Preset, grid: HourSpan): Promise<RecordedUsage> {
  const { useCase, modelName, gpuType } = names.labels;
  const totals = new Map<string, { labels: Labels; total: number }>();
  const info = await createVictoriaSource({ url }).fetch(
    {
      edges: hourEdges(grid.startMs, grid.hours),
      by: [useCase, modelName],
      filters: [],
      metrics: names.metrics,
      gpuTypeLabel: gpuType,
    },
    (series) => {
      const key = JSON.stringify([series.metric, series.labels]);
      const hours = [...series.values].filter((value) => !Number.isNaN(value));
      const sum = hours.reduce((a, b) => a + b, 0);
      const seen = totals.get(key);
      totals.set(key, { labels: series.labels, total: (seen?.total ?? 0) + sum });
    },
  );
  expect(info).toMatchObject({ emptyMetrics: [], partial: false });
  const of = (metric: Metric) =>
    [...totals].filter(([key]) => JSON.parse(key)[0] === metric).map(([, row]) => row);
  const modelKey = (labels: Labels) => JSON.stringify([labels[useCase], labels[modelName]]);
  const inferences = new Map(of('inferences').map((row) => [modelKey(row.labels), row.total]));
  return {
    models: of('tokens').map((row) => ({
      use_case: row.labels[useCase] ?? '',
      model_name: row.labels[modelName] ?? '',
      inferences: inferences.get(modelKey(row.labels)) ?? 0,
      tokens: row.total,
    })),
    gpus: of('gpu_seconds').map((row) => ({
      use_case: row.labels[useCase] ?? '',
      model_name: row.labels[modelName] ?? '',
      gpu_type: row.labels[gpuType] ?? '',
      gpu_seconds: row.total,
    })),
  };
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
    stored = await latestValues(url, Object.values(names.metrics) as string[], (metric) =>
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
