// The usage report laid out for people: header lines, columns, rounded cells, a totals row
// and footnotes. The table and Markdown renderers draw this same view.
import type { UsageReport, UsageRow, UsageTotals } from '../core/report.js';
import {
  fixed,
  isoInZone,
  percent,
  periodLabel,
  roundToTotal,
  safeText,
  unitCost,
} from './format.js';

export interface Column {
  readonly title: string;
  readonly numeric: boolean;
}

export interface View {
  readonly title: string;
  readonly context: readonly string[];
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly string[])[];
  readonly totals: readonly string[];
  readonly footnotes: readonly string[];
}

const PARTLY_UNPRICED = '*';

export function usageView(report: UsageReport): View {
  const { currency } = report.catalogue;
  const tz = report.window.tz;
  const columns: Column[] = [
    ...(report.granularity === 'total' ? [] : [{ title: report.granularity, numeric: false }]),
    ...report.by.map((label) => ({ title: label, numeric: false })),
    { title: 'GPU-h', numeric: true },
    { title: 'inferences', numeric: true },
    { title: 'tokens', numeric: true },
    { title: `cost ${currency}`, numeric: true },
    { title: `${currency}/inference`, numeric: true },
    { title: `tokens/${currency}`, numeric: true },
    { title: 'share', numeric: true },
  ];

  const pricedCosts = report.rows.map((row) => row.cost ?? 0);
  const roundedCosts = roundToTotal(pricedCosts, 2);
  const rows = report.rows.map((row, index) => [
    ...(row.period ? [periodLabel(row.period, tz)] : []),
    ...report.by.map((label) => safeText(row.group[label] || '(none)')),
    ...measureCells(row, roundedCosts[index] ?? 0),
    row.costShare === null ? '–' : percent(row.costShare),
  ]);
  const totals = [
    'total',
    ...Array.from({ length: columns.length - 8 }, () => ''),
    ...measureCells(report.totals, report.totals.cost ?? 0),
    report.totals.cost === null ? '–' : '100.0%',
  ];

  return {
    title: 'ml-cost report',
    context: contextLines(report),
    columns,
    rows,
    totals,
    footnotes: footnotes(report),
  };
}

function measureCells(row: UsageRow | UsageTotals, roundedCost: number): string[] {
  const mark = row.unpricedGpuHours > 0 ? PARTLY_UNPRICED : '';
  return [
    fixed(row.gpuHours, 2),
    fixed(row.inferences, 0),
    fixed(row.tokens, 0),
    row.cost === null ? 'unpriced' : `${fixed(roundedCost, 2)}${mark}`,
    row.costPerInference === null ? '–' : unitCost(row.costPerInference),
    row.tokensPerCost === null ? '–' : fixed(row.tokensPerCost, 0),
  ];
}

export function contextLines(
  report: Pick<UsageReport, 'window' | 'source' | 'catalogue' | 'partial'>,
): string[] {
  const { window, catalogue } = report;
  const versions = catalogue.forcedVersion
    ? `${catalogue.forcedVersion} (forced over the whole window)`
    : catalogue.versions.join(', ') || 'none in force';
  return [
    `window  ${isoInZone(window.fromMs, window.tz)} → ${isoInZone(window.toMs, window.tz)}  (${window.label}, ${window.tz})`,
    `source  ${report.source}${report.partial ? '  [PARTIAL DATA]' : ''}`,
    `prices  catalogue ${versions} · ${catalogue.currency} · hash ${catalogue.hash}`,
  ];
}

function footnotes(report: UsageReport): string[] {
  const notes: string[] = [];
  const { totals } = report;
  if (totals.unpricedGpuHours > 0) {
    notes.push(
      `${PARTLY_UNPRICED} cost excludes ${fixed(totals.unpricedGpuHours, 2)} unpriced GPU-hours (${percent(report.unpricedShare)} of GPU time) of ${totals.unpricedGpuTypes.map(safeText).join(', ')}: add their rates to the catalogue`,
    );
  }
  for (const note of report.notes) {
    if (!note.startsWith('unpriced GPU types')) notes.push(`note: ${note}`);
  }
  if (report.rows.length === 0) notes.push('no usage in this window');
  return notes;
}
