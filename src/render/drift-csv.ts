// The drift as CSV: one record per group, checked day and metric, the same columns every run.
import { DRIFT_METRICS, type DriftReport } from '../core/drift-types.js';
import { basisCells, basisColumns, convertsCurrency, versionsCell } from '../export/rows.js';
import { type Cell, number, type Table, text } from '../export/table.js';
import { type CsvStyle, renderTableCsv, STANDARD_CSV } from './csv.js';
import { causeText, metricField } from './drift-view.js';
import { periodLabel } from './format.js';

const VALUE = 10;
const SIGMA = 4;

export function renderDriftCsv(report: DriftReport, style: CsvStyle = STANDARD_CSV): string {
  const tz = report.window.tz;
  const { currency } = report.catalogue;
  const fx = convertsCurrency(report);
  const records: Cell[][] = [];
  for (const { group, days } of report.groups) {
    for (const day of days) {
      for (const metric of DRIFT_METRICS) {
        const check = day.metrics.find((m) => m.metric === metric);
        const baseline = check?.baseline ?? null;
        records.push([
          periodLabel(day, tz),
          ...report.by.map((label) => group[label] ?? ''),
          metricField(metric, currency),
          check?.status ?? day.status,
          check?.value ?? null,
          baseline?.median ?? null,
          baseline?.sigma ?? null,
          baseline?.lower ?? null,
          baseline?.upper ?? null,
          baseline?.kind ?? null,
          baseline?.days ?? check?.historyDays ?? null,
          check?.deviation ?? null,
          check?.deviationShare ?? null,
          check?.status === 'drift' ? (day.explanation?.cause ?? null) : null,
          check?.status === 'drift' ? causeText(day) : null,
          String(day.weekend),
          ...basisCells(report),
          versionsCell(day.versions),
          ...(fx ? [versionsCell(report.catalogue.fxVersions ?? [])] : []),
          report.catalogue.hash,
        ]);
      }
    }
  }
  const table: Table = {
    columns: [
      text('day'),
      ...report.by.map((label) => text(label)),
      text('metric'),
      text('status'),
      number('value', VALUE),
      number('baseline_median', VALUE),
      number('baseline_sigma', VALUE),
      number('band_lower', VALUE),
      number('band_upper', VALUE),
      text('baseline_kind'),
      number('baseline_days', 0),
      number('deviation_sigma', SIGMA),
      number('deviation_share', 6),
      text('cause'),
      text('cause_text'),
      text('weekend'),
      ...basisColumns(report),
      text('catalogue_versions'),
      // The exchange rates of the whole window, when figures are converted.
      ...(fx ? [text('fx_versions')] : []),
      text('catalogue_hash'),
    ],
    records,
  };
  return renderTableCsv(table, style, { partial: report.partial });
}
