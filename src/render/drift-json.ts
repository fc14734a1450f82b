// The drift as JSON for programs: every checked day of every group, each metric with its band.
import type { DriftDayResult, DriftReport, MetricCheck } from '../core/drift-types.js';
import { driftSummary, metricField } from './drift-view.js';
import { isoInZone, periodLabel, round } from './format.js';
import {
  catalogueJson,
  costBasisJson,
  JSON_SCHEMA_VERSION,
  samplingJson,
  windowJson,
} from './usage-json.js';

/** Unit costs are often fractions of a cent: ten decimals, as the usage JSON's cost per inference. */
const VALUE_DECIMALS = 10;
const SIGMA_DECIMALS = 4;
const SHARE_DECIMALS = 6;

const num = (value: number | null, decimals: number) =>
  value === null || !Number.isFinite(value) ? null : round(value, decimals);

function metricJson(check: MetricCheck) {
  const { baseline } = check;
  return {
    status: check.status,
    value: num(check.value, VALUE_DECIMALS),
    baseline:
      baseline === null
        ? null
        : {
            kind: baseline.kind,
            days: baseline.days,
            median: num(baseline.median, VALUE_DECIMALS),
            sigma: num(baseline.sigma, VALUE_DECIMALS),
            lower: num(baseline.lower, VALUE_DECIMALS),
            upper: num(baseline.upper, VALUE_DECIMALS),
          },
    deviation_sigma: num(check.deviation, SIGMA_DECIMALS),
    deviation_share: num(check.deviationShare, SHARE_DECIMALS),
    ...(check.historyDays !== undefined ? { history_days: check.historyDays } : {}),
  };
}

function dayJson(day: DriftDayResult, report: DriftReport) {
  const tz = report.window.tz;
  const { currency } = report.catalogue;
  const explanation = day.explanation;
  return {
    day: periodLabel(day, tz),
    start: isoInZone(day.startMs, tz),
    end: isoInZone(day.endMs, tz),
    weekend: day.weekend,
    status: day.status,
    inferences: round(day.inferences, 6),
    gpu_hours: round(day.gpuHours, 6),
    unpriced_gpu_hours: round(day.unpricedGpuHours, 6),
    catalogue_versions: day.versions,
    metrics: Object.fromEntries(
      day.metrics.map((check) => [metricField(check.metric, currency), metricJson(check)]),
    ),
    cause: explanation?.cause ?? null,
    causes: explanation?.causes ?? [],
    continued: day.continued === true,
    evidence: explanation
      ? {
          price_ratio: num(explanation.evidence.price, SHARE_DECIMALS),
          gpu_mix_ratio: num(explanation.evidence.gpuMix, SHARE_DECIMALS),
          gpu_mix_shift: num(explanation.evidence.gpuMixShift, SHARE_DECIMALS),
          volume_ratio: num(explanation.evidence.volume, SHARE_DECIMALS),
          tokens_per_inference_ratio: num(explanation.evidence.tokensPerInference, SHARE_DECIMALS),
          gpu_seconds_per_inference_ratio: num(
            explanation.evidence.gpuSecondsPerInference,
            SHARE_DECIMALS,
          ),
          new_catalogue_versions: explanation.evidence.newVersions,
          baseline_catalogue_versions: explanation.evidence.baselineVersions,
          ...(explanation.evidence.newFxVersions
            ? { new_fx_versions: explanation.evidence.newFxVersions }
            : {}),
        }
      : null,
  };
}

export function renderDriftJson(report: DriftReport): string {
  const document = {
    schema_version: JSON_SCHEMA_VERSION,
    kind: 'drift',
    window: windowJson(report),
    baseline: {
      days: report.options.baselineDays,
      from: isoInZone(report.baselineFromMs, report.window.tz),
      minimum_history_days: report.minimumHistoryDays,
      sensitivity_sigma: report.options.sensitivity,
      method:
        'on ln(value): median ± sensitivity × 1.4826 × MAD of the trailing days, the sigma at least 0.01 and 1 / √(inferences of the day); weekend and weekday days apart when their medians differ',
    },
    by: report.by,
    source: report.source,
    currency: report.catalogue.currency,
    ...costBasisJson(report),
    catalogue: catalogueJson(report),
    ...samplingJson(report),
    partial: report.partial,
    groups: report.groups.map(({ group, days }) => ({
      group,
      days: days.map((day) => dayJson(day, report)),
    })),
    summary: driftSummary(report),
    notes: report.notes.map((note) => note.text),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
