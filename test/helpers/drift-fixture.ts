// The drift scenario (drift-scenario.ts) as VictoriaMetrics counters, sampled hourly, with a
// catalogue whose v2 raises the price group's GPU type by 20 % on its price day: the real
// pipeline then prices what the scenario priced by hand.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCatalogue } from './cli.js';
import { driftScenario, SCENARIO_DAYS, SCENARIO_START } from './drift-scenario.js';
import { tempDir } from './temp.js';
import type { ExportLine } from './victoria.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The price group runs on a GPU type of its own, so that v2 changes its price alone. */
const GPU_TYPE_OF: Record<string, string> = { price: 'L40S' };

export interface DriftFixture {
  readonly dir: string;
  readonly source: string;
  readonly catalogue: string;
  readonly lines: readonly ExportLine[];
  readonly events: { readonly price: number; readonly move: number; readonly collapse: number };
}

export function isoDay(dayIndex: number): string {
  return new Date(SCENARIO_START + dayIndex * DAY_MS).toISOString().slice(0, 10);
}

export function driftLines(seed: number): {
  lines: ExportLine[];
  scenario: ReturnType<typeof driftScenario>;
} {
  const scenario = driftScenario(seed, 0.005);
  const lines: ExportLine[] = [];
  for (const [useCase, days] of scenario.groups) {
    const series = new Map<string, { metric: Record<string, string>; perDay: number[] }>();
    const add = (key: string, metric: Record<string, string>, d: number, amount: number) => {
      let entry = series.get(key);
      if (!entry) {
        entry = { metric, perDay: new Array(SCENARIO_DAYS).fill(0) };
        series.set(key, entry);
      }
      entry.perDay[d] = (entry.perDay[d] ?? 0) + amount;
    };
    days.forEach((day, d) => {
      for (const gpu of day.gpu) {
        const gpuType = GPU_TYPE_OF[useCase] ?? gpu.gpuType;
        const metric = { __name__: 'ml_gpu_seconds_total', use_case: useCase, gpu_type: gpuType };
        add(`gpu ${gpuType}`, metric, d, gpu.gpuHours * 3600);
      }
      add('tokens', { __name__: 'ml_inference_tokens_total', use_case: useCase }, d, day.tokens);
      add(
        'inferences',
        { __name__: 'ml_inference_duration_milliseconds_count', use_case: useCase },
        d,
        day.inferences,
      );
    });
    for (const { metric, perDay } of series.values()) {
      const values: number[] = [0];
      const timestamps: number[] = [SCENARIO_START];
      let total = 0;
      perDay.forEach((amount, d) => {
        for (let h = 1; h <= 24; h++) {
          total += amount / 24;
          values.push(Math.round(total * 1000) / 1000);
          timestamps.push(SCENARIO_START + d * DAY_MS + h * HOUR_MS);
        }
      });
      lines.push({ metric, values, timestamps });
    }
  }
  return { lines, scenario };
}

export async function writeDriftFixture(seed: number): Promise<DriftFixture> {
  const { lines, scenario } = driftLines(seed);
  const dir = await tempDir('ml-cost-drift-');
  const source = join(dir, 'usage.jsonl');
  await writeFile(source, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  const catalogue = await writeCatalogue([
    {
      version: 'v1',
      effective_from: '2026-01-01T00:00:00Z',
      gpu_hour: { A100: 3, H100: 6, L40S: 3 },
    },
    {
      version: 'v2',
      effective_from: `${isoDay(scenario.priceDay)}T00:00:00Z`,
      gpu_hour: { A100: 3, H100: 6, L40S: 3.6 },
    },
  ]);
  return {
    dir,
    source,
    catalogue,
    lines,
    events: { price: scenario.priceDay, move: scenario.moveDay, collapse: scenario.collapseDay },
  };
}
