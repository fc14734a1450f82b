// The drift laid out for people: one line per drifting metric of a day, with the baseline, the
// band, the day's value, the deviation and the likely cause; a summary of what was not judged.
import type {
  DriftCause,
  DriftDayResult,
  DriftMetric,
  DriftReport,
  MetricCheck,
} from '../core/drift-types.js';
import type { Labels } from '../core/types.js';
import { fixed, isoInZone, periodLabel, safeText, unitCost } from './format.js';
import { type Column, contextLines, type View } from './usage-view.js';

export const CAUSE_TEXT: Readonly<Record<DriftCause, string>> = {
  price_change: 'price change',
  gpu_mix_change: 'GPU mix change',
  volume_drop: 'volume drop',
  volume_rise: 'volume rise',
  tokens_per_inference_change: 'tokens per inference change',
  gpu_time_per_inference_change: 'GPU time per inference change',
  unexplained: 'unexplained',
};

export function metricTitle(metric: DriftMetric, currency: string): string {
  switch (metric) {
    case 'cost_per_inference':
      return `${currency}/inference`;
    case 'cost_per_million_tokens':
      return `${currency}/1M tokens`;
    case 'tokens_per_cost':
      return `tokens/${currency}`;
    case 'gpu_seconds_per_inference':
      return 'GPU-s/inference';
  }
}

/** A metric's machine-readable name: the currency suffix follows the reporting currency. */
export function metricField(metric: DriftMetric, currency: string): string {
  const code = currency.toLowerCase();
  switch (metric) {
    case 'cost_per_inference':
      return `cost_per_inference_${code}`;
    case 'cost_per_million_tokens':
      return `cost_per_million_tokens_${code}`;
    case 'tokens_per_cost':
      return `tokens_per_${code}`;
    case 'gpu_seconds_per_inference':
      return 'gpu_seconds_per_inference';
  }
}

export function metricText(metric: DriftMetric, value: number): string {
  if (metric === 'tokens_per_cost' && Math.abs(value) >= 100) return fixed(value, 0);
  return unitCost(value);
}

function signed(value: number, text: string): string {
  return value > 0 ? `+${text}` : text;
}

export function deviationText(check: MetricCheck): string {
  if (check.deviation === null) return '–';
  return `${signed(check.deviation, fixed(check.deviation, 1))}σ`;
}

export function shareText(check: MetricCheck): string {
  if (check.deviationShare === null) return '–';
  return `${signed(check.deviationShare, fixed(check.deviationShare * 100, 1))}%`;
}

export function groupText(group: Labels, by: readonly string[]): string {
  return by.map((label) => safeText(group[label] || '(none)')).join(' · ') || 'all';
}

export function causeText(day: DriftDayResult): string {
  const explanation = day.explanation;
  if (!explanation) return '';
  const also = explanation.causes.slice(1).map((cause) => CAUSE_TEXT[cause]);
  const { newVersions, newFxVersions = [] } = explanation.evidence;
  const named = [
    ...(newVersions.length > 0 ? [`catalogue ${newVersions.join(', ')}`] : []),
    ...(newFxVersions.length > 0 ? [`exchange rate ${newFxVersions.join(', ')}`] : []),
  ];
  const versions =
    explanation.cause === 'price_change' && named.length > 0 ? ` (${named.join('; ')})` : '';
  return `${CAUSE_TEXT[explanation.cause]}${versions}${also.length > 0 ? `; also ${also.join(', ')}` : ''}${day.continued ? ' (continues)' : ''}`;
}

const BASELINE_KIND = { all: 'all days', weekday: 'weekdays', weekend: 'weekend days' } as const;

export function driftView(report: DriftReport): View {
  const { currency } = report.catalogue;
  const tz = report.window.tz;
  const columns: Column[] = [
    { title: 'day', numeric: false },
    ...report.by.map((label) => ({ title: label, numeric: false })),
    { title: 'metric', numeric: false },
    { title: 'baseline', numeric: true },
    { title: 'band', numeric: true },
    { title: 'day value', numeric: true },
    { title: 'deviation', numeric: true },
    { title: 'change', numeric: true },
    { title: 'likely cause', numeric: false },
  ];
  const rows: string[][] = [];
  for (const { group, days } of report.groups) {
    for (const day of days) {
      for (const check of day.metrics) {
        if (check.status !== 'drift' || check.baseline === null || check.value === null) continue;
        const format = (value: number) => metricText(check.metric, value);
        rows.push([
          periodLabel(day, tz),
          ...report.by.map((label) => safeText(group[label] || '(none)')),
          metricTitle(check.metric, currency),
          format(check.baseline.median),
          `${format(check.baseline.lower)} … ${format(check.baseline.upper)} (${BASELINE_KIND[check.baseline.kind]}, ${check.baseline.days})`,
          format(check.value),
          deviationText(check),
          shareText(check),
          causeText(day),
        ]);
      }
    }
  }
  return {
    title: 'ml-cost drift',
    context: [
      ...contextLines(report),
      `baseline  the ${report.options.baselineDays} days before each day (from ${isoInZone(report.baselineFromMs, tz)}); band = median ± ${fixed(report.options.sensitivity, 1)} × 1.4826 MAD, weekends apart when they differ`,
    ],
    columns,
    rows,
    totals: [],
    footnotes: driftSummary(report),
  };
}

/** What was found and what could not be judged, in sentences. */
export function driftSummary(report: DriftReport): string[] {
  const tz = report.window.tz;
  const counts = { checked: 0, drift: 0, onsets: 0, unpriced: 0, growth: 0 };
  const thin: string[] = [];
  for (const { group, days } of report.groups) {
    let groupThin = false;
    for (const day of days) {
      if (day.status === 'no_usage') continue;
      counts.checked++;
      if (day.status === 'drift') {
        counts.drift++;
        if (!day.continued) counts.onsets++;
      }
      if (day.status === 'unpriced') counts.unpriced++;
      if (day.status === 'growth') counts.growth++;
      if (day.status === 'insufficient_history') groupThin = true;
    }
    if (groupThin) thin.push(groupText(group, report.by));
  }
  const lines = [
    counts.drift === 0
      ? `No drift: ${groupDays(counts.checked)} with usage, every judged one within its band.`
      : `${counts.drift} of ${counts.checked} group-days with usage drift (${counts.onsets} new, the rest continue the day before).`,
  ];
  if (thin.length > 0) {
    lines.push(
      `Too little history to judge some days (${report.minimumHistoryDays} baseline days with a value needed): ${thin.join(', ')}.`,
    );
  }
  if (counts.growth > 0) {
    lines.push(
      `${groupDays(counts.growth)} ${counts.growth === 1 ? 'was' : 'were'} cheaper per inference only because more inferences shared the same GPU time: growth, not drift.`,
    );
  }
  if (counts.unpriced > 0) {
    lines.push(
      `${groupDays(counts.unpriced)} with unpriced GPU time are not judged (and not in any baseline): add their rates to the catalogue.`,
    );
  }
  if (report.groups.length === 0)
    lines.push(`No usage from ${isoInZone(report.baselineFromMs, tz)} on.`);
  return lines;
}

function groupDays(count: number): string {
  return `${count} group-day${count === 1 ? '' : 's'}`;
}
