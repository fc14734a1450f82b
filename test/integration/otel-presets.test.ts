// Every preset's series names, stored as their ingestion path stores them (dots and all), are
// found and summed by the query ml-cost builds on a real VictoriaMetrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../src/core/types.js';
import { PRESET_NAMES, PRESETS } from '../../src/presets.js';
import { usageQuery } from '../../src/sources/promql.js';
import { storedMatch, storedNames } from '../../src/sources/types.js';
import { type ExportLine, startVictoria, type Victoria } from '../helpers/victoria.js';

const HOUR_START = Date.parse('2026-07-01T10:00:00Z');
const MINUTE = 60_000;

// A counter per metric starting at 0 (so its first sample counts from 0), rising by a
// different amount for each preset and metric so a name mix-up cannot go unnoticed.
function increments(presetIndex: number, metricIndex: number): number[] {
  const step = 10 * (presetIndex + 1) + metricIndex + 1;
  return [0, step, 3 * step];
}

// The measures every service preset names; input and output tokens are the tokens' series
// filtered. The cluster presets (GPU time from exporters' gauges) have their own test:
// cluster-presets.test.ts.
const BASE = ['gpu_seconds', 'tokens', 'inferences'] as const;
const SERVICE_PRESETS = PRESET_NAMES.filter((name) => PRESETS[name].attribution === undefined);

describe('metric presets on VictoriaMetrics', () => {
  let victoria: Victoria;

  beforeAll(async () => {
    victoria = await startVictoria();
    const lines: ExportLine[] = SERVICE_PRESETS.flatMap((name, presetIndex) =>
      BASE.flatMap((metric, metricIndex) => {
        const { labels, metrics } = PRESETS[name];
        const spec = metrics[metric] ?? [];
        // A measure stored under several names: the k-th name's counter rises k+1 times as fast.
        return storedNames(spec).map((stored, k) => ({
          metric: {
            __name__: stored,
            // The label values a measure's own match asks for (gen_ai_token_type="input").
            ...Object.fromEntries(storedMatch(spec).map(({ label, values }) => [label, values[0]])),
            [labels.useCase]: 'support-chat',
            [labels.modelName]: 'llama-3-8b',
            [labels.gpuType]: 'L4',
            // OTLP resource attributes arrive with their dots unless renamed.
            'service.name': `svc-${name}`,
          },
          values: increments(presetIndex, metricIndex).map((value) => value * (k + 1)),
          timestamps: [10, 20, 40].map((minutes) => HOUR_START + minutes * MINUTE),
        }));
      }),
    );
    await victoria.import(lines);
  });

  afterAll(async () => {
    await victoria?.stop();
  });

  it.each(SERVICE_PRESETS.map((name, index) => [name, index] as const))(
    '%s: each metric is found under its stored name and label names',
    async (name, presetIndex) => {
      const { labels, metrics } = PRESETS[name];
      for (const [metricIndex, metric] of BASE.entries()) {
        const by = [labels.useCase, labels.modelName, labels.gpuType, 'service.name'];
        // Two presets share some names; each preset's own series carry its service.name.
        const service = { label: 'service.name', op: '=', value: `svc-${name}` } as const;
        const query = usageQuery(metrics[metric] ?? [], by, [service]);
        const params = new URLSearchParams({
          query,
          time: String((HOUR_START + HOUR_MS) / 1000),
          nocache: '1',
        });
        const res = await fetch(`${victoria.url}/api/v1/query?${params}`);
        expect(res.status, query).toBe(200);
        const body = (await res.json()) as {
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        const step = 10 * (presetIndex + 1) + metricIndex + 1;
        // Names 1..n add up: 3 * step * (1 + 2 + ... + n).
        const n = storedNames(metrics[metric] ?? []).length;
        const total = (3 * step * n * (n + 1)) / 2;
        expect(body.data.result, query).toEqual([
          {
            metric: {
              [labels.useCase]: 'support-chat',
              [labels.modelName]: 'llama-3-8b',
              [labels.gpuType]: 'L4',
              'service.name': `svc-${name}`,
            },
            value: [(HOUR_START + HOUR_MS) / 1000, String(total)],
          },
        ]);
      }
    },
  );

  // Which OTLP naming modes exist where: VictoriaMetrics 1.79.5 takes no OTLP at all (OTLP
  // ingestion and its -usePromCompatibleNaming / -opentelemetry.usePrometheusNaming flags came in
  // later releases), so on it OTel GenAI names arrive through the Collector's remote write.
  it('1.79.5 refuses an OTLP push: its names come from the OTel Collector', async () => {
    const res = await fetch(`${victoria.url}/opentelemetry/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('unsupported path requested: "/opentelemetry/v1/metrics"');
  });
});
