// The ml-cost column layout, used by `report --format csv` and `export --schema ml-cost`.
import { extraMeasures, type Metric } from '../core/measures.js';
import { splitsGpuTime, type UsageReport, type UsageRow } from '../core/report.js';
import { periodTexts } from '../render/format.js';
import { basisCells, basisColumns, convertsCurrency, sortRows, versionsCell } from './rows.js';
import { type Cell, type Column, DECIMALS, number, type Table, text } from './table.js';

export interface MlCostLayoutOptions {
  /**
   * cost_share is a share of the whole report. An export leaves it out: a file per day
   * written by a back-fill would otherwise differ from the same day's file written alone.
   */
  readonly costShare: boolean;
}

/** Column names follow DESIGN.md §7; money columns carry the reporting currency (cost_eur). */
export function mlCostColumns(report: UsageReport, options: MlCostLayoutOptions): Column[] {
  const currency = report.catalogue.currency.toLowerCase();
  // Busy and idle GPU time, and the basis, only where busy GPU time was read.
  const split = splitsGpuTime(report);
  return [
    text('period_start'),
    text('period_end'),
    ...report.by.map((label) => text(label)),
    number('gpu_hours', DECIMALS.gpuHours),
    ...(split
      ? [number('busy_gpu_hours', DECIMALS.gpuHours), number('idle_gpu_hours', DECIMALS.gpuHours)]
      : []),
    number('inferences', DECIMALS.count),
    ...extraMeasures(report.measured ?? []).map((measure) =>
      number(measure.output.field, DECIMALS.count),
    ),
    number('tokens', DECIMALS.count),
    number(`cost_${currency}`, DECIMALS.money),
    ...(split
      ? [
          number(`busy_cost_${currency}`, DECIMALS.money),
          number(`idle_cost_${currency}`, DECIMALS.money),
        ]
      : []),
    number(`cost_per_inference_${currency}`, DECIMALS.unitMoney),
    number(`tokens_per_${currency}`, DECIMALS.tokensPerMoney),
    ...(options.costShare ? [number('cost_share', DECIMALS.ratio)] : []),
    number('unpriced_gpu_hours', DECIMALS.gpuHours),
    text('unpriced_gpu_types'),
    ...basisColumns(report),
    text('catalogue_versions'),
    ...(convertsCurrency(report) ? [text('fx_versions')] : []),
    text('catalogue_hash'),
    ...(samplingCell(report) === undefined ? [] : [text('sampling')]),
  ];
}

/**
 * How each gauge or presence was read, "gpu_seconds gauge 30s detected" (';' between
 * measures); undefined when only counters were, and the column is left out.
 */
function samplingCell(report: UsageReport): string | undefined {
  if (!report.sampling || report.sampling.length === 0) return undefined;
  return report.sampling
    .map(
      ({ measure, kind, interval }) => `${measure} ${kind} ${interval.ms / 1000}s ${interval.how}`,
    )
    .join(';');
}

/**
 * One record per report row, sorted by period, labels and version. A row without a period
 * (granularity 'total') spans the report window, so period_start/period_end are always
 * filled and a CSV file still says which window it covers.
 */
export function mlCostTable(report: UsageReport, options: MlCostLayoutOptions): Table {
  const { window } = report;
  const textsOf = periodTexts(window.tz);
  // A row without a period spans the window.
  const whole = textsOf({ startMs: window.fromMs, endMs: window.toMs });
  const fx = convertsCurrency(report);
  const extras = extraMeasures(report.measured ?? []).map((measure) => measure.name as Metric);
  const sampling = samplingCell(report);
  const split = splitsGpuTime(report);
  const record = (row: UsageRow): Cell[] => [
    (row.period ? textsOf(row.period) : whole).start,
    (row.period ? textsOf(row.period) : whole).end,
    ...report.by.map((label) => row.group[label] ?? ''),
    row.gpuHours,
    ...(split ? [row.gpuTime?.busyGpuHours ?? 0, row.gpuTime?.idleGpuHours ?? 0] : []),
    row.inferences,
    ...extras.map((name) => row.quantities[name]),
    row.tokens,
    row.cost,
    ...(split ? [row.gpuTime?.busyCost ?? null, row.gpuTime?.idleCost ?? null] : []),
    row.costPerInference,
    row.tokensPerCost,
    ...(options.costShare ? [row.costShare] : []),
    row.unpricedGpuHours,
    row.unpricedGpuTypes.join(';'),
    ...basisCells(report),
    versionsCell(row.versions),
    ...(fx ? [versionsCell(row.fxVersions ?? [])] : []),
    report.catalogue.hash,
    ...(sampling === undefined ? [] : [sampling]),
  ];
  return {
    columns: mlCostColumns(report, options),
    records: sortRows(report.rows, report.by).map(record),
  };
}
