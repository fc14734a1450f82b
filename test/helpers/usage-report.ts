// Builders for usage reports in unit tests: every field at a neutral value, overridden where
// the test is about it.
import { noQuantities } from '../../src/core/measures.js';
import type { RankInput } from '../../src/core/rank.js';
import type { UsageReport, UsageRow, UsageTotals } from '../../src/core/report.js';

export const NO_USAGE: UsageTotals = {
  gpuHours: 0,
  inferences: 0,
  tokens: 0,
  quantities: noQuantities(),
  cost: 0,
  unpricedGpuHours: 0,
  unpricedGpuTypes: [],
  costPerInference: null,
  tokensPerCost: null,
};

export function usageRow(overrides: Partial<UsageRow> = {}): UsageRow {
  return { group: {}, versions: ['v1'], ...NO_USAGE, costShare: null, ...overrides };
}

/** One UTC day, 2026-11-27, grouped by use case; override what the test needs. */
export function usageReport(
  rows: readonly UsageRow[],
  overrides: Partial<UsageReport> = {},
): UsageReport {
  const from = Date.UTC(2026, 10, 27);
  return {
    window: { fromMs: from, toMs: from + 86_400_000, tz: 'UTC', label: '2026-11-27' },
    granularity: 'total',
    by: ['use_case'],
    source: 'test',
    catalogue: { origin: 'test', hash: 'h', currency: 'EUR', versions: ['v1'] },
    rows,
    totals: NO_USAGE,
    unpricedShare: 0,
    notes: [],
    partial: false,
    noSeries: false,
    measured: ['gpu_seconds', 'tokens', 'inferences'],
    ...overrides,
  };
}

/** A use case for rank whose GPU time (any amount: its cost is what counts) was all priced. */
export function priced(
  useCase: string,
  cost: number,
  inferences: number,
  valuePerInference?: number,
): RankInput {
  const value = valuePerInference === undefined ? {} : { valuePerInference };
  return { useCase, gpuHours: 1, unpricedGpuHours: 0, cost, inferences, ...value };
}

/** 2026-11-27 (UTC) by day, grouped by use case, model and GPU type, catalogue 2026-07. */
export function dayReport(
  rows: readonly UsageRow[],
  overrides: Partial<UsageReport> = {},
): UsageReport {
  const from = Date.UTC(2026, 10, 27);
  return usageReport(rows, {
    window: { fromMs: from, toMs: from + 86_400_000, tz: 'UTC', label: '2026-11-27' },
    granularity: 'day',
    by: ['use_case', 'model_name', 'gpu_type'],
    catalogue: { origin: 'pricing', hash: 'abc123', currency: 'EUR', versions: ['2026-07'] },
    ...overrides,
  });
}
