// The usage report laid out for people: header lines, columns, rounded cells, a totals row
// and footnotes. The table and Markdown renderers draw this same view.
import {
  type CostBasis,
  extraMeasures,
  METRICS,
  type MeasureDefinition,
  type Metric,
} from '../core/measures.js';
import {
  type GpuTimeSplit,
  type MeasureSampling,
  splitsGpuTime,
  type UsageReport,
  type UsageRow,
  type UsageTotals,
} from '../core/report.js';
import type { Figure } from '../core/unit-costs.js';
import {
  fixed,
  isoInZone,
  percent,
  periodTexts,
  roundToTotal,
  safeText,
  unitCost,
} from './format.js';
import { dailyChartLines } from './usage-chart.js';

export interface Column {
  readonly title: string;
  readonly numeric: boolean;
  /** Cells read PASS or FAIL: coloured in a table, FAIL in bold in Markdown. */
  readonly status?: boolean;
}

export interface View {
  readonly title: string;
  readonly context: readonly string[];
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly string[])[];
  readonly totals: readonly string[];
  readonly footnotes: readonly string[];
  /** A view that judges (the gate): its title reads green or red, in Markdown marked ✅ or ❌. */
  readonly verdict?: 'pass' | 'fail';
}

const PARTLY_UNPRICED = '*';

/**
 * A terminal table of more rows than this is unreadable, and cli-table3 lays tables out in
 * quadratic time (10,000 rows took 20 s here). The smaller rows are folded into one row, so
 * the totals still add up; CSV and JSON always carry every row.
 */
export const MAX_TABLE_ROWS = 500;

export function usageView(report: UsageReport, options: { chart?: boolean } = {}): View {
  const { currency } = report.catalogue;
  const tz = report.window.tz;
  const extras = extraMeasures(report.measured ?? []);
  const split = splitsGpuTime(report);
  const { shown, folded } = foldSmallRows(report.rows, split);
  const listed = [...shown, ...(folded ? [folded.row] : [])];
  // The totals row shows report.totals.cost rounded: the rows must add up to exactly that.
  const roundedCosts = roundToTotal(
    listed.map((row) => row.cost ?? 0),
    2,
    report.totals.cost ?? 0,
  );
  const busyIdle = split ? roundedGpuTime(listed, report.totals) : undefined;
  const measureCells = (row: UsageRow | UsageTotals, at: number) =>
    cellsOf(row, at < 0 ? (row.cost ?? 0) : (roundedCosts[at] ?? 0), extras, busyIdle?.(row, at));
  const columns: Column[] = [
    ...(report.granularity === 'total' ? [] : [{ title: report.granularity, numeric: false }]),
    ...report.by.map((label) => ({ title: label, numeric: false })),
    { title: 'GPU-h', numeric: true },
    ...(split ? GPU_TIME_COLUMNS.hours : []),
    { title: 'inferences', numeric: true },
    ...extras.map((measure) => ({ title: measure.output.title, numeric: true })),
    { title: 'tokens', numeric: true },
    { title: `cost ${currency}`, numeric: true },
    ...(split ? GPU_TIME_COLUMNS.costs(currency) : []),
    { title: `${currency}/inference`, numeric: true },
    { title: `tokens/${currency}`, numeric: true },
    { title: 'share', numeric: true },
  ];
  // Label (and period) columns: what the folded and totals rows leave blank after their name.
  const blank = () =>
    Array.from(
      { length: (report.granularity === 'total' ? 0 : 1) + report.by.length - 1 },
      () => '',
    );

  const textsOf = periodTexts(tz);
  const rows = shown.map((row, index) => [
    ...(row.period ? [textsOf(row.period).label] : []),
    ...report.by.map((label) => safeText(row.group[label] || '(none)')),
    ...measureCells(row, index),
    row.costShare === null ? '–' : percent(row.costShare),
  ]);
  if (folded) {
    rows.push([
      `(${fixed(folded.count, 0)} smaller rows)`,
      ...blank(),
      ...measureCells(folded.row, shown.length),
      folded.row.costShare === null ? '–' : percent(folded.row.costShare),
    ]);
  }
  const totals = [
    'total',
    ...blank(),
    ...measureCells(report.totals, -1),
    report.totals.cost ? '100.0%' : '–', // shares of nothing are not 100%
  ];

  return {
    title: 'ml-cost report',
    context: contextLines(report),
    columns,
    rows,
    totals,
    footnotes: [
      ...(folded
        ? [
            `showing the ${fixed(shown.length, 0)} costliest of ${fixed(report.rows.length, 0)} rows; --format csv or json lists them all`,
          ]
        : []),
      ...footnotes(report),
      ...(options.chart ? dailyChartLines(report) : []),
    ],
  };
}

/** The busy and idle columns, beside GPU-h and beside cost, where busy GPU time was read. */
const GPU_TIME_COLUMNS = {
  hours: [
    { title: 'busy GPU-h', numeric: true },
    { title: 'idle GPU-h', numeric: true },
  ],
  costs: (currency: string): Column[] => [
    { title: `busy ${currency}`, numeric: true },
    { title: `idle ${currency}`, numeric: true },
  ],
};

/** A row's busy and idle cells: hours, then the costs rounded so the rows add up to the totals. */
type GpuTimeCells = (row: UsageRow | UsageTotals, at: number) => GpuTimeCellTexts;

interface GpuTimeCellTexts {
  readonly hours: readonly string[];
  readonly costs: readonly string[];
}

function roundedGpuTime(rows: readonly UsageRow[], totals: UsageTotals): GpuTimeCells {
  const splitOf = (row: UsageRow | UsageTotals) => row.gpuTime ?? EMPTY_SPLIT;
  const rounded = (pick: (split: GpuTimeSplit) => number | null) => {
    const total = pick(splitOf(totals));
    // A total that is unpriced reconciles nothing: each row is rounded on its own.
    return total === null
      ? rows.map((row) => pick(splitOf(row)) ?? 0)
      : roundToTotal(
          rows.map((row) => pick(splitOf(row)) ?? 0),
          2,
          total,
        );
  };
  const busy = rounded((split) => split.busyCost);
  const idle = rounded((split) => split.idleCost);
  return (row, at) => {
    const split = splitOf(row);
    const money = (value: number | null, shown: number | undefined, unpriced: number) =>
      value === null
        ? 'unpriced'
        : `${fixed(shown ?? value, 2)}${unpriced > 0 ? PARTLY_UNPRICED : ''}`;
    return {
      hours: [fixed(split.busyGpuHours, 2), fixed(split.idleGpuHours, 2)],
      costs: [
        money(split.busyCost, at < 0 ? undefined : busy[at], split.unpricedBusyGpuHours),
        money(split.idleCost, at < 0 ? undefined : idle[at], 0),
      ],
    };
  };
}

const EMPTY_SPLIT: GpuTimeSplit = {
  busyGpuHours: 0,
  idleGpuHours: 0,
  allocatedCost: null,
  busyCost: null,
  idleCost: null,
  unpricedAllocatedGpuHours: 0,
  unpricedBusyGpuHours: 0,
};

/** The busy and idle parts of rows, added up: costs stay null where any part is null. */
function sumGpuTime(rows: readonly UsageRow[]): GpuTimeSplit {
  const sum = (pick: (split: GpuTimeSplit) => number) =>
    rows.reduce((total, row) => total + pick(row.gpuTime ?? EMPTY_SPLIT), 0);
  const cost = (pick: (split: GpuTimeSplit) => number | null, unpriced: number) => {
    const values = rows.map((row) => pick(row.gpuTime ?? EMPTY_SPLIT));
    const priced = values.filter((value): value is number => value !== null);
    return priced.length > 0 || unpriced === 0 ? priced.reduce((a, b) => a + b, 0) : null;
  };
  const unpricedAllocated = sum((split) => split.unpricedAllocatedGpuHours);
  const unpricedBusy = sum((split) => split.unpricedBusyGpuHours);
  const idleKnown = rows.every((row) => (row.gpuTime ?? EMPTY_SPLIT).idleCost !== null);
  return {
    busyGpuHours: sum((split) => split.busyGpuHours),
    idleGpuHours: sum((split) => split.idleGpuHours),
    allocatedCost: cost((split) => split.allocatedCost, unpricedAllocated),
    busyCost: cost((split) => split.busyCost, unpricedBusy),
    idleCost: idleKnown ? sum((split) => split.idleCost ?? 0) : null,
    unpricedAllocatedGpuHours: unpricedAllocated,
    unpricedBusyGpuHours: unpricedBusy,
  };
}

/** Keeps the MAX_TABLE_ROWS costliest rows in report order and sums the rest into one row. */
function foldSmallRows(
  rows: readonly UsageRow[],
  split: boolean,
): {
  shown: UsageRow[];
  folded?: { count: number; row: UsageRow };
} {
  if (rows.length <= MAX_TABLE_ROWS) return { shown: [...rows] };
  const byCost = rows
    .map((row, index) => ({ index, cost: row.cost ?? -1, hours: row.gpuHours }))
    .sort((a, b) => b.cost - a.cost || b.hours - a.hours || a.index - b.index);
  const keep = new Set(byCost.slice(0, MAX_TABLE_ROWS).map((entry) => entry.index));
  const shown = rows.filter((_, index) => keep.has(index));
  const rest = rows.filter((_, index) => !keep.has(index));
  const sum = (pick: (row: UsageRow) => number) =>
    rest.reduce((total, row) => total + pick(row), 0);
  const anyPriced = rest.some((row) => row.cost !== null);
  const shares = rest.filter((row) => row.costShare !== null);
  const unpricedGpuHours = sum((row) => row.unpricedGpuHours);
  const row: UsageRow = {
    group: {},
    versions: [...new Set(rest.flatMap((r) => r.versions))].sort(),
    gpuHours: sum((r) => r.gpuHours),
    inferences: sum((r) => r.inferences),
    tokens: sum((r) => r.tokens),
    quantities: Object.fromEntries(
      METRICS.map((name) => [name, sum((r) => r.quantities[name])]),
    ) as UsageRow['quantities'],
    cost: anyPriced || unpricedGpuHours === 0 ? sum((r) => r.cost ?? 0) : null,
    unpricedGpuHours,
    unpricedGpuTypes: [...new Set(rest.flatMap((r) => r.unpricedGpuTypes))].sort(),
    costPerInference: null,
    tokensPerCost: null,
    costShare:
      shares.length > 0 ? shares.reduce((total, r) => total + (r.costShare ?? 0), 0) : null,
    ...(split ? { gpuTime: sumGpuTime(rest) } : {}),
  };
  return { shown, folded: { count: rest.length, row } };
}

function cellsOf(
  row: UsageRow | UsageTotals,
  roundedCost: number,
  extras: readonly MeasureDefinition[],
  gpuTime: GpuTimeCellTexts | undefined,
): string[] {
  const mark = row.unpricedGpuHours > 0 ? PARTLY_UNPRICED : '';
  return [
    fixed(row.gpuHours, 2),
    ...(gpuTime?.hours ?? []),
    fixed(row.inferences, 0),
    ...extras.map((measure) => fixed(row.quantities[measure.name as Metric], 0)),
    fixed(row.tokens, 0),
    row.cost === null ? 'unpriced' : `${fixed(roundedCost, 2)}${mark}`,
    ...(gpuTime?.costs ?? []),
    unitCostText(row.unitCosts?.costPerInference, unitCost),
    unitCostText(row.unitCosts?.tokensPerCost, (value) => fixed(value, 0)),
  ];
}

/** A unit cost by the unit-cost rule: '≥'/'≤' before a bound, '–' where there is none. */
function unitCostText(figure: Figure | undefined, format: (value: number) => string): string {
  if (figure === undefined || figure.kind === 'undefined') return '–';
  if (!Number.isFinite(figure.value)) return figure.kind === 'exact' ? 'unbounded' : '–';
  if (figure.kind === 'exact') return format(figure.value);
  return `${figure.kind === 'lower_bound' ? '≥' : '≤'} ${format(figure.value)}`;
}

export function contextLines(
  report: Pick<UsageReport, 'window' | 'source' | 'catalogue' | 'partial' | 'sampling'>,
): string[] {
  const { window, catalogue } = report;
  const versions = catalogue.forcedVersion
    ? `${catalogue.forcedVersion} (forced over the whole window)`
    : catalogue.versions.join(', ') || 'none in force';
  return [
    `window  ${isoInZone(window.fromMs, window.tz)} → ${isoInZone(window.toMs, window.tz)}  (${window.label}, ${window.tz})`,
    `source  ${report.source}${report.partial ? '  [PARTIAL DATA]' : ''}`,
    `prices  catalogue ${versions} · ${catalogue.currency} · hash ${catalogue.hash}`,
    ...fxLines(catalogue, 'window'),
    ...samplingLines(report.sampling),
    ...costBasisLines(catalogue),
  ];
}

const HOW_SAMPLED: Readonly<Record<MeasureSampling['interval']['how'], string>> = {
  configured: 'configured',
  detected: 'detected',
  sparse: 'detected from few samples',
  assumed: 'assumed: no series had two samples; set scrape_interval',
};

/**
 * How each gauge or presence was read, "reads   gpu_seconds as a gauge, a sample per 30 s
 * (detected)": its usage is its samples times that interval. Nothing when only counters were.
 */
export function samplingLines(sampling: UsageReport['sampling']): string[] {
  if (!sampling || sampling.length === 0) return [];
  const parts = sampling.map(
    ({ measure, kind, interval }) =>
      `${measure} as a ${kind}, a sample per ${interval.ms / 1000} s (${HOW_SAMPLED[interval.how]})`,
  );
  return [`reads   ${parts.join(' · ')}`];
}

/**
 * What cost is the cost of, where busy GPU time is configured; without it the only basis is
 * the allocated GPU time and views stay as they were.
 */
export function costBasisLines(catalogue: UsageReport['catalogue']): string[] {
  const basis = catalogue.costBasis;
  if (!basis) return [];
  return [`basis   ${costBasisWords(basis)} (--cost-basis ${basis}); idle = allocated − busy`];
}

/** "cost of allocated GPU time" or "cost of busy GPU time". */
export function costBasisWords(basis: CostBasis): string {
  return `cost of ${basis} GPU time`;
}

/**
 * The exchange rates beside the catalogue versions: which converted the figures into the
 * reporting currency, or that none was in force. Nothing when no conversion was needed.
 */
export function fxLines(catalogue: UsageReport['catalogue'], span: 'window' | 'month'): string[] {
  const used = catalogue.fxVersions ?? [];
  if (catalogue.forcedFxVersions) {
    return [
      `fx      ${catalogue.forcedFxVersions.join(', ')} (forced over the whole ${span}) → ${catalogue.currency}`,
    ];
  }
  if (used.length === 0 && !catalogue.pricingCurrencies) return [];
  const from = (catalogue.pricingCurrencies ?? []).filter((c) => c !== catalogue.currency);
  const missing = catalogue.missingFx
    ? ` · no rate (unpriced): ${catalogue.missingFx.join(', ')}`
    : '';
  return [
    `fx      ${used.join(', ') || 'none'} · ${from.join(', ')} → ${catalogue.currency}${missing}`,
  ];
}

function footnotes(report: UsageReport): string[] {
  const notes: string[] = [];
  const { totals } = report;
  if (totals.unpricedGpuHours > 0) {
    const busy = report.catalogue.costBasis === 'busy' ? 'busy ' : '';
    notes.push(
      `${PARTLY_UNPRICED} cost excludes ${fixed(totals.unpricedGpuHours, 2)} unpriced ${busy}GPU-hours (${percent(report.unpricedShare)} of ${busy}GPU time) of ${totals.unpricedGpuTypes.map(safeText).join(', ')}: add their rates to the catalogue; unit costs there are bounds (≥, ≤)`,
    );
  }
  const unattributed = report.unattributed?.totals;
  if (
    unattributed &&
    (unattributed.gpuHours > 0 || unattributed.inferences > 0 || unattributed.tokens > 0)
  ) {
    const unpriced = unattributed.unpricedGpuHours > 0 ? ' and unpriced GPU time' : '';
    const cost =
      unattributed.cost === null
        ? 'unpriced'
        : `${fixed(unattributed.cost, 2)} ${report.catalogue.currency}${unpriced}`;
    const why = report.unattributed?.byRules
      ? 'match no attribution rule'
      : 'come from series without a use-case label';
    notes.push(
      `unattributed: ${fixed(unattributed.gpuHours, 2)} GPU-hours (${percent(report.unattributed?.gpuShare ?? 0)} of GPU time, ${cost}) ${why}; they are in the totals, as use case (none)`,
    );
  }
  if (report.rows.length === 0) notes.push('no usage in this window');
  return notes;
}
