// The two-day fixture the export and gate tests share: counters with known increments and a
// catalogue with a price change in the middle, so every expected figure is a hand sum.
//
// From 2026-11-26T00:00Z to 2026-11-28T00:00Z, per hour:
//   chat/llama on A100-80GB: 1 GPU-hour, `chatTokens` tokens, `chatInferences` inferences;
//   search/bge on L4: 0.5 GPU-hour and `searchInferences` inferences.
// Prices: A100-80GB 2.93 until 2026-11-27T12:00Z (v1), 3.00 after (v2); L4 0.71 in both.
//   2026-11-26: chat 24 x 2.93 = 70.32; search 24 x 0.5 x 0.71 = 8.52
//   2026-11-27: chat 12 x 2.93 + 12 x 3.00 = 71.16; search 8.52
//   both days: chat 141.48 + search 17.04 = 158.52 EUR
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCatalogue } from './cli.js';
import { tempDir } from './temp.js';
import type { ExportLine } from './victoria.js';

export const TWO_DAYS_START = Date.UTC(2026, 10, 26);
export const TWO_DAYS_END = Date.UTC(2026, 10, 28);

export interface TwoDayRates {
  /** Minutes between samples. */
  readonly stepMinutes: number;
  readonly chatTokens: number;
  readonly chatInferences: number;
  readonly searchInferences: number;
}

/** Hourly samples: chat 1000 tokens and 10 inferences per hour, search 100 inferences per hour. */
export const HOURLY_RATES: TwoDayRates = {
  stepMinutes: 60,
  chatTokens: 1000,
  chatInferences: 10,
  searchInferences: 100,
};

/** Counters from 0 at the start, growing by a fixed amount per sample. */
export function twoDayUsage(rates: TwoDayRates): ExportLine[] {
  const stepMs = rates.stepMinutes * 60_000;
  const perStep = rates.stepMinutes / 60;
  const counter = (metric: Record<string, string>, perHour: number): ExportLine => {
    const values: number[] = [];
    const timestamps: number[] = [];
    for (let t = TWO_DAYS_START, i = 0; t <= TWO_DAYS_END; t += stepMs, i++) {
      values.push(i * perHour * perStep);
      timestamps.push(t);
    }
    return { metric, values, timestamps };
  };
  const chat = { use_case: 'chat', model_name: 'llama' };
  const search = { use_case: 'search', model_name: 'bge' };
  return [
    counter({ __name__: 'ml_gpu_seconds_total', ...chat, gpu_type: 'A100-80GB' }, 3600),
    counter({ __name__: 'ml_gpu_seconds_total', ...search, gpu_type: 'L4' }, 1800),
    counter({ __name__: 'ml_inference_tokens_total', ...chat }, rates.chatTokens),
    counter(
      { __name__: 'ml_inference_duration_milliseconds_count', ...chat },
      rates.chatInferences,
    ),
    counter(
      { __name__: 'ml_inference_duration_milliseconds_count', ...search },
      rates.searchInferences,
    ),
  ];
}

export function exportFileText(lines: readonly ExportLine[]): string {
  return `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;
}

/** v1 from 2026-01-01, v2 (A100-80GB 2.93 -> 3.00) from 2026-11-27T12:00Z. */
export function twoDayCatalogue(): Promise<string> {
  return writeCatalogue([
    {
      version: 'v1',
      effective_from: '2026-01-01T00:00:00Z',
      gpu_hour: { 'A100-80GB': 2.93, L4: 0.71 },
    },
    {
      version: 'v2',
      effective_from: '2026-11-27T12:00:00Z',
      gpu_hour: { 'A100-80GB': 3.0, L4: 0.71 },
    },
  ]);
}

export interface TwoDayFiles {
  readonly dir: string;
  /** The usage as an offline VictoriaMetrics export file, for --source. */
  readonly source: string;
  /** The two-day catalogue directory, for --catalogue. */
  readonly catalogue: string;
}

/** A fresh directory with `usage` (default: hourly samples) as an export file, and the catalogue. */
export async function writeTwoDayFiles(
  prefix: string,
  usage: readonly ExportLine[] = twoDayUsage(HOURLY_RATES),
): Promise<TwoDayFiles> {
  const dir = await tempDir(prefix);
  const source = join(dir, 'usage.jsonl');
  await writeFile(source, exportFileText(usage));
  return { dir, source, catalogue: await twoDayCatalogue() };
}
