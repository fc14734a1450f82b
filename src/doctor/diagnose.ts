// `ml-cost doctor`'s verdict: what the source holds for each measure ml-cost would read, and
// every problem found, each with the fix (the preset or the config field to use). Pure.

import type { LabelCardinality, Observations } from '../core/inspection.js';
import { measureOf, readsSamples } from '../core/measures.js';
import { METRICS, type Metric, type PriceVersion } from '../core/types.js';
import {
  busyFallback,
  checkScrapeLabels,
  clusterLabelAdvice,
  clusterPresetFix,
} from './cluster.js';
import { closestNaming, fitNaming, type MeasureFit, type Naming, type NamingFit } from './match.js';
import { checkPrices } from './prices.js';
import { checkSampledTiming, checkTiming, duration, round } from './timing.js';

export { duration };

const DAY_MS = 86_400_000;
/** Labels named like these hold one value per user or request, whatever their count today. */
const PER_REQUEST_LABEL =
  /(^|[._])(user|session|request|trace|span|conversation|customer|client)[._]?id$/i;

export type Severity = 'problem' | 'warning' | 'info';

export interface Finding {
  readonly severity: Severity;
  /** What it is about: a measure, a label, a GPU type... */
  readonly subject: string;
  readonly text: string;
  /** What to do; empty for information. */
  readonly fix: string;
}

export interface MeasureReport extends MeasureFit {
  readonly names: readonly string[];
  readonly series: number;
  readonly intervalS: number | null;
  readonly maxGapS: number | null;
  readonly resetsPerDay: number;
  readonly stale: number;
  readonly future: number;
}

export interface CardinalityReport {
  /** A measure, or LOOK_ALIKES. */
  readonly group: string;
  readonly day: string;
  readonly labels: readonly (LabelCardinality & { readonly flagged: boolean })[];
}

export interface DoctorInput {
  readonly fromMs: number;
  readonly toMs: number;
  readonly current: Naming;
  /** Every preset, in the order they are listed. */
  readonly candidates: readonly Naming[];
  readonly observations: Observations;
  /** Catalogue versions in force at some time in the window. */
  readonly versions: readonly PriceVersion[];
  /** Where the catalogue lives, to name the file of a missing rate. */
  readonly catalogueOrigin: string;
  /** Use cases the config gives a value per inference. */
  readonly valuedUseCases: readonly string[];
  readonly maxLabelValues: number;
}

export interface DoctorReport {
  readonly measures: readonly MeasureReport[];
  readonly cardinality: readonly CardinalityReport[];
  readonly closest: NamingFit | null;
  readonly gpuTypes: readonly {
    readonly gpuType: string;
    readonly unpricedIn: readonly string[];
  }[];
  readonly findings: readonly Finding[];
  readonly healthy: boolean;
}

const WORDS: Readonly<Record<Metric, string>> = Object.fromEntries(
  METRICS.map((metric) => [metric, measureOf(metric).words]),
) as Record<Metric, string>;

/** The probe group of stored names that look like a measure but no naming reads. */
export const LOOK_ALIKES = 'look-alikes';

/** Whether a stored name looks like one of the measures (to point at, and to check). */
export function looksLikeMeasure(name: string): boolean {
  return Object.values(LOOKS_LIKE).some((pattern) => pattern.test(name));
}

/** Stored names that look like a measure, to point at when none of its names exists. */
const LOOKS_LIKE: Readonly<Record<Metric, RegExp>> = {
  gpu_seconds: /gpu/i,
  gpu_busy_seconds: /gpu.*util|engine_active/i,
  tokens: /token/i,
  input_tokens: /prompt|input/i,
  output_tokens: /generation|completion|output/i,
  inferences: /request|inference|operation_duration|operation\.duration|_count$/i,
};

export function diagnose(input: DoctorInput): DoctorReport {
  const { observations: seen, current } = input;
  const days = Math.max(1, (input.toMs - input.fromMs) / DAY_MS);
  const fit = fitNaming(current, seen.names);
  const fits = input.candidates.map((candidate) => fitNaming(candidate, seen.names));
  const closest = closestNaming(fit, fits);
  const findings: Finding[] = [];
  const add = (severity: Severity, subject: string, text: string, fix = '') =>
    findings.push({ severity, subject, text, fix });

  // Only the measures the naming names: input and output tokens are left out by most.
  const named = fit.measures.filter((m) => (current.metrics[m.metric] ?? []).length > 0);
  const measures = named.map((measure): MeasureReport => {
    const names = current.metrics[measure.metric] ?? [];
    const stats = measure.found.map(({ name }) => seen.names[name]).filter((s) => s !== undefined);
    const series = stats.reduce((sum, s) => sum + s.series, 0);
    const resets = stats.reduce((sum, s) => sum + s.resets, 0);
    const intervals = stats.map((s) => s.intervalS).filter((v): v is number => v !== null);
    const gaps = stats.map((s) => s.maxGapS).filter((v): v is number => v !== null);
    return {
      ...measure,
      names,
      series,
      intervalS: intervals.length === 0 ? null : Math.max(...intervals),
      maxGapS: gaps.length === 0 ? null : Math.max(...gaps),
      resetsPerDay: resets / days,
      stale: stats.reduce((sum, s) => sum + s.stale, 0),
      future: stats.reduce((sum, s) => sum + s.future, 0),
    };
  });

  for (const measure of measures) {
    // A measure the naming does not name (input and output tokens in most) is not read.
    if (measure.names.length === 0) continue;
    const subject = `${WORDS[measure.metric]} (${measure.names.join('|')})`;
    const field = `metrics.${measure.metric}`;
    if (measure.found.length === 0) {
      add(
        'problem',
        subject,
        'no series in the window',
        missingFix(measure.metric, current, closest, seen.allNames, field),
      );
      continue;
    }
    for (const label of measure.missingLabels) {
      add(
        'problem',
        subject,
        `series carry no ${label} label: ${labelConsequence(label, current)}`,
        labelFix(label, measure, current, closest),
      );
    }
    const kind = current.kinds?.[measure.metric] ?? measureOf(measure.metric).kind;
    if (readsSamples(kind)) checkSampledTiming(measure, subject, add);
    else checkTiming(measure, subject, add);
  }
  checkDoubleCount(measures, add);
  checkScrapeLabels(measures, current, add);
  const cardinality = checkCardinality(input, add);
  checkLimits(input, measures, add);
  const gpuTypes = checkPrices(input, add);
  checkAttribution(input, add);
  checkValues(input, add);

  const order: Record<Severity, number> = { problem: 0, warning: 1, info: 2 };
  findings.sort((a, b) => order[a.severity] - order[b.severity]);
  return {
    measures,
    cardinality,
    closest,
    gpuTypes,
    findings,
    healthy: !findings.some((finding) => finding.severity === 'problem'),
  };
}

export type Add = (severity: Severity, subject: string, text: string, fix?: string) => void;

function missingFix(
  metric: Metric,
  current: Naming,
  closest: NamingFit | null,
  allNames: readonly string[],
  field: string,
): string {
  const fallback = busyFallback(metric, current, allNames) ?? clusterPresetFix(metric, closest);
  if (fallback) return fallback;
  const there = closest?.measures.find((m) => m.metric === metric)?.found ?? [];
  if (closest && there.length > 0) {
    return `use --metrics-preset ${closest.naming.name} (it reads ${there.map((f) => `${f.name}: ${f.series} series`).join(', ')})`;
  }
  const alike = allNames.filter((name) => LOOKS_LIKE[metric].test(name)).slice(0, 5);
  if (alike.length > 0)
    return `set ${field} in ml-cost.config.json to the stored name; names that look like it: ${alike.join(', ')}`;
  return `no stored name looks like ${WORDS[metric]}: check the source, the window, and that the service exports it; then set ${field} in ml-cost.config.json`;
}

function labelConsequence(label: string, current: Naming): string {
  const cluster = clusterLabelAdvice(label, current);
  if (cluster) return cluster.consequence;
  if (label === current.labels.gpuType) return 'GPU time cannot be priced (all of it unpriced)';
  if (label === current.labels.useCase)
    return 'every row falls under (none), and rank has no use cases';
  return 'rows cannot be split by model';
}

function labelFix(
  label: string,
  measure: MeasureFit,
  current: Naming,
  closest: NamingFit | null,
): string {
  const cluster = clusterLabelAdvice(label, current);
  const key =
    label === current.labels.useCase
      ? 'use_case'
      : label === current.labels.modelName
        ? 'model_name'
        : 'gpu_type';
  const better = closest?.measures.find((m) => m.metric === measure.metric);
  if (
    closest &&
    better &&
    better.found.length > 0 &&
    better.missingLabels.length < measure.missingLabels.length
  ) {
    return `use --metrics-preset ${closest.naming.name}`;
  }
  if (cluster) return cluster.fix;
  const others = measure.labels.filter((l) => !['le', 'vmrange'].includes(l)).join(', ') || 'none';
  return `set labels.${key} in ml-cost.config.json to the label that holds it (labels seen: ${others}), or add ${label} where the series are made (OTel attribute, scrape relabel_configs)`;
}

/** OTel GenAI requests are counted by client and server: a request seen by both counts twice. */
function checkDoubleCount(measures: readonly MeasureReport[], add: Add): void {
  const inferences = measures.find((m) => m.metric === 'inferences');
  if (!inferences || inferences.found.length < 2) return;
  add(
    'warning',
    `inferences (${inferences.names.join('|')})`,
    `${inferences.found.map((f) => f.name).join(' and ')} all have series: a request both a client and a server recorded is counted once by each`,
    `if they record the same requests, set metrics.inferences in ml-cost.config.json to one of them`,
  );
}

function checkCardinality(input: DoctorInput, add: Add): CardinalityReport[] {
  const out: CardinalityReport[] = [];
  const flaggedLabels = new Set<string>();
  for (const [group, entry] of Object.entries(input.observations.cardinality)) {
    const metric = group as Metric;
    const what =
      group in WORDS
        ? `${WORDS[metric]} (${input.current.metrics[metric]?.join('|')})`
        : `stored names that look like measures (${lookAlikeNames(input).join(', ')})`;
    const labels = entry.labels.map((label) => {
      const flagged =
        label.values > input.maxLabelValues ||
        (PER_REQUEST_LABEL.test(label.label) && label.values > 1);
      if (flagged && !flaggedLabels.has(label.label)) {
        flaggedLabels.add(label.label);
        add(
          'problem',
          `label ${label.label}`,
          `${label.values} values on ${what} on ${entry.day}${label.values > input.maxLabelValues ? `, more than ${input.maxLabelValues}` : ', and named like a per-user or per-request id'}: every value is a new series of every metric (the user_id pitfall that can exhaust VictoriaMetrics)`,
          `drop ${label.label} where the series are made (OTel view or attributes processor, relabel_configs labeldrop); per-user detail belongs in logs or traces`,
        );
      }
      return { ...label, flagged };
    });
    out.push({ group, day: entry.day, labels });
  }
  return out;
}

function lookAlikeNames(input: DoctorInput): string[] {
  const known = new Set(input.candidates.flatMap((c) => Object.values(c.metrics).flat()));
  for (const names of Object.values(input.current.metrics))
    for (const name of names) known.add(name);
  return Object.keys(input.observations.names)
    .filter((name) => !known.has(name))
    .sort();
}

function checkLimits(input: DoctorInput, measures: readonly MeasureReport[], add: Add): void {
  const limit = input.observations.maxUniqueTimeseries;
  for (const key of input.observations.overLimit) {
    add(
      'problem',
      key,
      `more series than VictoriaMetrics selects in one query (-search.maxUniqueTimeseries${limit ? ` ${limit.value}` : ''}): reports of it fail`,
      'drop high-cardinality labels at the source, or raise -search.maxUniqueTimeseries',
    );
  }
  if (!limit) return;
  for (const measure of measures) {
    if (measure.series <= limit.value / 2) continue;
    const over = measure.series > limit.value;
    add(
      over ? 'problem' : 'warning',
      `${WORDS[measure.metric]} (${measure.names.join('|')})`,
      `${measure.series} series in the window against -search.maxUniqueTimeseries ${limit.value}${limit.known ? '' : ' (the 1.79.5 default; the server did not say)'}${over ? ': report queries fail' : ': over half of it'}`,
      'drop high-cardinality labels at the source, or raise -search.maxUniqueTimeseries on VictoriaMetrics',
    );
  }
}

function checkAttribution(input: DoctorInput, add: Add): void {
  const usage = input.observations.gpuUsage;
  const total = usage.reduce((sum, u) => sum + u.seconds, 0);
  const none = usage.filter((u) => u.useCase === '').reduce((sum, u) => sum + u.seconds, 0);
  if (total <= 0 || none <= 0 || none >= total) return;
  add(
    'warning',
    'unattributed GPU time',
    `${round(none / 3600)} of ${round(total / 3600)} GPU-hours (${round((100 * none) / total)}%) carry no ${input.current.labels.useCase}: reports show them under (none)`,
    `set ${input.current.labels.useCase} on those series where they are made`,
  );
}

function checkValues(input: DoctorInput, add: Add): void {
  const without = input.observations.useCases.filter((uc) => !input.valuedUseCases.includes(uc));
  if (without.length === 0) return;
  add(
    'warning',
    'use cases',
    `${without.length} without a value per inference, so rank cannot weigh them: ${without.slice(0, 10).join(', ')}${without.length > 10 ? ', ...' : ''}`,
    `add use_cases.<name>.value_per_inference to ml-cost.config.json, e.g. "${without[0]}": { "value_per_inference": 0.5 }`,
  );
}
