// Every preset's series names, stored as their ingestion path stores them (dots and all), are
// found and summed by the query ml-cost builds on a real VictoriaMetrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS, METRICS } from '../../src/core/types.js';
import { PRESET_NAMES, PRESETS } from '../../src/presets.js';
import { usageQuery } from '../../src/sources/promql.js';
import { type ExportLine, startVictoria, type Victoria } from '../helpers/victoria.js';

const HOUR_START = Date.parse('2026-07-01T10:00:00Z');
const MINUTE = 60_000;

// A counter per metric starting at 0 (so its first sample counts from 0), rising by a
// different amount for each preset and metric so a name mix-up cannot go unnoticed.
function increments(presetIndex: number, metricIndex: number): number[] {
  const step = 10 * (presetIndex + 1) + metricIndex + 1;
  return [0, step, 3 * step];
}

describe('metric presets on VictoriaMetrics', () => {
  let victoria: Victoria;

  beforeAll(async () => {
    victoria = await startVictoria();
    const lines: ExportLine[] = PRESET_NAMES.flatMap((name, presetIndex) =>
      METRICS.map((metric, metricIndex) => {
        const { labels, metrics } = PRESETS[name];
        return {
          metric: {
            __name__: metrics[metric] as string,
            [labels.useCase]: 'support-chat',
            [labels.modelName]: 'llama-3-8b',
            [labels.gpuType]: 'L4',
            // OTLP resource attributes arrive with their dots unless renamed.
            'service.name': `svc-${name}`,
          },
          values: increments(presetIndex, metricIndex),
          timestamps: [10, 20, 40].map((minutes) => HOUR_START + minutes * MINUTE),
        };
      }),
    );
    await victoria.import(lines);
  });

  afterAll(async () => {
    await victoria?.stop();
  });

  it.each(PRESET_NAMES.map((name, index) => [name, index] as const))(
    '%s: each metric is found under its stored name and label names',
    async (name, presetIndex) => {
      const { labels, metrics } = PRESETS[name];
      for (const [metricIndex, metric] of METRICS.entries()) {
        const by = [labels.useCase, labels.modelName, labels.gpuType, 'service.name'];
        // Two presets share some names; each preset's own series carry its service.name.
        const service = { label: 'service.name', op: '=', value: `svc-${name}` } as const;
        const query = usageQuery(metrics[metric] as string, by, [service]);
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
        expect(body.data.result, query).toEqual([
          {
            metric: {
              [labels.useCase]: 'support-chat',
              [labels.modelName]: 'llama-3-8b',
              [labels.gpuType]: 'L4',
              'service.name': `svc-${name}`,
            },
            value: [(HOUR_START + HOUR_MS) / 1000, String(3 * step)],
          },
        ]);
      }
    },
  );
});
