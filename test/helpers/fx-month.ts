// The FX fixture: a catalogue priced in USD, monthly EUR/USD rates with a change in the middle
// of November 2026, and a month of usage with known increments, so every EUR figure is a hand
// calculation.
//
// Usage, every hour of 2026-11 (720 hours):
//   chat/llama on A100-80GB: 1 GPU-hour; search/bge on L4: 0.5 GPU-hour.
// Prices (USD per GPU-hour, version usd-2026-10 from 2026-10-01): A100-80GB 3.50, L4 0.80.
// Rates, 1 EUR = r USD (a USD price is divided by r):
//   EURUSD-2026-10 from 2026-10-01: 1.10 (in force before November, priced nothing here)
//   EURUSD-2026-11 from 2026-11-01: 1.25 -> A100 2.80 EUR, L4 0.64 EUR
//   EURUSD-2026-11-16 from 2026-11-16T12:00Z: 1.60 -> A100 2.1875 EUR, L4 0.50 EUR
// So 372 hours at 1.25 (Nov 1 00:00 to Nov 16 12:00), 348 at 1.60:
//   chat   372 x 2.80 = 1041.60   348 x 2.1875 = 761.25   -> 1802.85 EUR
//   search 186 x 0.64 =  119.04   174 x 0.50   =  87.00   ->  206.04 EUR
//   month  2008.89 EUR;  Nov 16: chat 12 x 2.80 + 12 x 2.1875 = 59.85, search 3.84 + 3.00 = 6.84
// At one rate, --fx-version EURUSD-2026-11-16: chat 720 x 2.1875 = 1575.00, search 360 x 0.50
//   = 180.00 -> 1755.00 EUR.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './temp.js';
import { exportFileText } from './two-days.js';
import { type ExportLine, hourlyCounter } from './victoria.js';

export const NOV_START = Date.UTC(2026, 10, 1);
export const NOV_END = Date.UTC(2026, 11, 1);
export const RATE_CHANGE = Date.UTC(2026, 10, 16, 12);

export const EXPECTED = {
  chat: 1802.85,
  search: 206.04,
  month: 2008.89,
  nov16: { chat: 59.85, search: 6.84 },
  atMidMonthRate: { chat: 1575, search: 180, month: 1755 },
} as const;

export function fxMonthUsage(): ExportLine[] {
  const chat = { use_case: 'chat', model_name: 'llama' };
  const search = { use_case: 'search', model_name: 'bge' };
  return [
    hourlyCounter(
      { __name__: 'ml_gpu_seconds_total', ...chat, gpu_type: 'A100-80GB' },
      3600,
      NOV_START,
      NOV_END,
    ),
    hourlyCounter(
      { __name__: 'ml_gpu_seconds_total', ...search, gpu_type: 'L4' },
      1800,
      NOV_START,
      NOV_END,
    ),
    hourlyCounter(
      { __name__: 'ml_inference_duration_milliseconds_count', ...chat },
      10,
      NOV_START,
      NOV_END,
    ),
  ];
}

export const USD_VERSION = {
  version: 'usd-2026-10',
  effective_from: '2026-10-01T00:00:00Z',
  currency: 'USD',
  gpu_hour: { 'A100-80GB': 3.5, L4: 0.8 },
};

export const RATES = [
  { version: 'EURUSD-2026-10', effective_from: '2026-10-01T00:00:00Z', rate: 1.1 },
  { version: 'EURUSD-2026-11', effective_from: '2026-11-01T00:00:00Z', rate: 1.25 },
  { version: 'EURUSD-2026-11-16', effective_from: '2026-11-16T12:00:00Z', rate: 1.6 },
] as const;

/** A rate published after November: adding it must not change November's figures. */
export const DECEMBER_RATE = {
  version: 'EURUSD-2026-12',
  effective_from: '2026-12-01T00:00:00Z',
  rate: 1.4,
};

export async function writeFxRate(
  catalogue: string,
  rate: { version: string; effective_from: string; rate: number },
): Promise<void> {
  await writeFile(
    join(catalogue, 'fx', `${rate.version}.json`),
    `${JSON.stringify({ ...rate, base: 'EUR', quote: 'USD', source: 'test rates' }, null, 2)}\n`,
  );
}

export interface FxMonthFiles {
  readonly source: string;
  readonly catalogue: string;
}

/** The usage as an export file, and the USD catalogue with its EUR/USD rates. */
export async function writeFxMonthFiles(prefix: string): Promise<FxMonthFiles> {
  const dir = await tempDir(prefix);
  const source = join(dir, 'usage.jsonl');
  await writeFile(source, exportFileText(fxMonthUsage()));
  const catalogue = join(dir, 'pricing');
  await mkdir(join(catalogue, 'fx'), { recursive: true });
  await writeFile(join(catalogue, 'usd.json'), JSON.stringify(USD_VERSION, null, 2));
  for (const rate of RATES) await writeFxRate(catalogue, rate);
  return { source, catalogue };
}
