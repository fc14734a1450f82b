// The usage report as JSON for programs: snake_case fields, money in the reporting currency.
import {
  extraMeasures,
  type MeasureDefinition,
  type Metric,
  noQuantities,
} from '../core/measures.js';
import {
  type GpuTimeSplit,
  splitsGpuTime,
  type Unattributed,
  type UsageReport,
  type UsageRow,
  type UsageTotals,
} from '../core/report.js';
import { renderedText } from './chunks.js';
import { currencyField, isoInZone, periodLabel, periodTexts, round } from './format.js';

export const JSON_SCHEMA_VERSION = 1;

/** Sub-cent precision without float noise; the table rounds to cents. */
/** Decimals in the usage and gate JSON: sub-cent money without float noise; tables round to cents. */
export const JSON_DECIMALS = {
  money: 6,
  quantity: 6,
  costPerInference: 10,
  tokensPerCost: 4,
  share: 8,
} as const;
const MONEY_DECIMALS = JSON_DECIMALS.money;
const QUANTITY_DECIMALS = JSON_DECIMALS.quantity;

export function renderUsageJson(report: UsageReport): string {
  return renderedText(usageJsonPieces(report));
}

/** Rows are handed out this many characters at a time: few pieces, none of them large. */
const PIECE_CHARS = 64 * 1024;

/** The usage report's JSON in pieces, made as they are written: rows never pile up as text. */
export function* usageJsonPieces(report: UsageReport): Generator<string> {
  const { currency } = report.catalogue;
  const tz = report.window.tz;
  const extras = extraMeasures(report.measured ?? []);
  const split = splitsGpuTime(report);
  const head = {
    schema_version: JSON_SCHEMA_VERSION,
    kind: 'usage_report',
    window: windowJson(report),
    granularity: report.granularity,
    by: report.by,
    source: report.source,
    currency,
    ...costBasisJson(report),
    catalogue: catalogueJson(report),
    ...samplingJson(report),
    partial: report.partial,
  };
  // One line per row: a report of 100,000 groups stays greppable.
  const writeRow = rowWriter(currency, tz, extras, split);
  yield `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "rows": [`;
  let piece = '';
  for (let i = 0; i < report.rows.length; i++) {
    piece += `${i === 0 ? '\n    ' : ',\n    '}${writeRow(report.rows[i] as UsageRow)}`;
    if (piece.length >= PIECE_CHARS) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}${report.rows.length === 0 ? ']' : '\n  ]'}`;
  const tail = {
    totals: measures(report.totals, currency, extras, split),
    unpriced: {
      gpu_hours: round(report.totals.unpricedGpuHours, QUANTITY_DECIMALS),
      share: round(report.unpricedShare, JSON_DECIMALS.share),
      gpu_types: report.totals.unpricedGpuTypes,
    },
    ...(report.unattributed
      ? { unattributed: unattributedJson(report.unattributed, currency, extras, split) }
      : {}),
    notes: report.notes.map((note) => note.text),
  };
  yield `,${JSON.stringify(tail, null, 2).slice(1)}\n`;
}

/** How each gauge or presence was read (only when one was): its sample interval and its origin. */
export function samplingJson(report: Pick<UsageReport, 'sampling'>) {
  if (!report.sampling || report.sampling.length === 0) return {};
  return {
    sampling: report.sampling.map(({ measure, kind, interval }) => ({
      measure,
      kind,
      interval_seconds: interval.ms / 1000,
      interval_from: interval.how,
    })),
  };
}

export function windowJson(report: Pick<UsageReport, 'window'>) {
  const { window } = report;
  return {
    from: isoInZone(window.fromMs, window.tz),
    to: isoInZone(window.toMs, window.tz),
    tz: window.tz,
    label: window.label,
    ...(window.cutFromMs !== undefined
      ? { requested_to: isoInZone(window.cutFromMs, window.tz), cut_to_settled: true }
      : {}),
  };
}

/**
 * What cost is the cost of, named where busy GPU time is configured (without it the only basis
 * is the allocated GPU time, and outputs stay as they were).
 */
export function costBasisJson(report: Pick<UsageReport, 'catalogue'>): { cost_basis?: string } {
  const basis = report.catalogue.costBasis;
  return basis ? { cost_basis: basis } : {};
}

export function catalogueJson(report: Pick<UsageReport, 'catalogue'>) {
  const { catalogue } = report;
  return {
    versions: catalogue.versions,
    hash: catalogue.hash,
    origin: catalogue.origin,
    ...(catalogue.forcedVersion ? { forced_version: catalogue.forcedVersion } : {}),
    ...fxJson(catalogue),
  };
}

/**
 * The exchange rates behind the figures, beside the catalogue versions: present whenever a
 * conversion was made or forced, absent for a catalogue priced in the reporting currency.
 */
export function fxJson(catalogue: UsageReport['catalogue']) {
  const used = catalogue.fxVersions ?? [];
  if (used.length === 0 && !catalogue.forcedFxVersions && !catalogue.pricingCurrencies) return {};
  return {
    fx_versions: used,
    ...(catalogue.pricingCurrencies ? { pricing_currencies: catalogue.pricingCurrencies } : {}),
    ...(catalogue.missingFx ? { missing_fx: catalogue.missingFx } : {}),
    ...(catalogue.forcedFxVersions ? { forced_fx_versions: catalogue.forcedFxVersions } : {}),
  };
}

/** A row as an object: what its JSON says, field by field (labels first). */
export function rowObject(
  row: UsageRow,
  currency: string,
  tz: string,
  extras: readonly MeasureDefinition[] = [],
  split = false,
): Record<string, unknown> {
  return {
    ...row.group,
    ...(row.period
      ? {
          period: periodLabel(row.period, tz),
          period_start: isoInZone(row.period.startMs, tz),
          period_end: isoInZone(row.period.endMs, tz),
        }
      : {}),
    ...measures(row, currency, extras, split),
    cost_share: row.costShare === null ? null : round(row.costShare, JSON_DECIMALS.share),
    catalogue_versions: row.versions,
    ...(row.fxVersions ? { fx_versions: row.fxVersions } : {}),
  };
}

/**
 * Writes JSON.stringify(rowObject(row)) without building the object: the same text, about
 * five times faster, which is most of rendering a 10,000-row report. A label named like one
 * of the fields would be overwritten in place by the spread: such a row takes the object path.
 */
export function rowWriter(
  currency: string,
  tz: string,
  extras: readonly MeasureDefinition[] = [],
  split = false,
): (row: UsageRow) => string {
  const fields = Object.keys(rowObject(EMPTY_ROW, currency, tz, extras, split));
  const extraFields = extras.map(
    (measure) =>
      [
        `,${JSON.stringify(measure.output.field)}:`,
        measure.name as Metric,
        measure.output.divideBy,
      ] as const,
  );
  const reserved = new Set([...fields, 'period', 'period_start', 'period_end', '__proto__']);
  const name = (field: string) => `,${JSON.stringify(field)}:`;
  const [busyCost, idleCost] = [
    name(currencyField('busy_cost', currency)),
    name(currencyField('idle_cost', currency)),
  ];
  const money = (value: number | null | undefined) =>
    value === null || value === undefined ? 'null' : number(round(value, MONEY_DECIMALS));
  const [cost, costPerInference, tokensPerCost] = [
    name(currencyField('cost', currency)),
    name(currencyField('cost_per_inference', currency)),
    name(`tokens_per_${currency.toLowerCase()}`),
  ];
  // Rows share their label names, periods and lists of versions (summarise hands out one
  // list per distinct set); lists of unpriced GPU types are mostly the one empty list.
  const textsOf = periodTexts(tz);
  const labelKeys = new Map<string, string>();
  const versionLists = new Map<readonly string[], string>();
  const versions = (names: readonly string[]) => {
    let text = versionLists.get(names);
    if (text === undefined) {
      text = JSON.stringify(names);
      versionLists.set(names, text);
    }
    return text;
  };
  const gpuTypes = (types: readonly string[]) =>
    types.length === 0 ? '[]' : JSON.stringify(types);
  return (row) => {
    let text = '{';
    for (const label in row.group) {
      let key = labelKeys.get(label);
      if (key === undefined) {
        if (reserved.has(label)) {
          return JSON.stringify(rowObject(row, currency, tz, extras, split));
        }
        key = `${JSON.stringify(label)}:`;
        labelKeys.set(label, key);
      }
      text += `${key}${JSON.stringify(row.group[label])},`;
    }
    if (row.period) {
      const period = textsOf(row.period);
      text += `"period":${JSON.stringify(period.label)},"period_start":"${period.start}","period_end":"${period.end}",`;
    }
    const time = split ? (row.gpuTime ?? NO_GPU_TIME) : undefined;
    return (
      `${text}"gpu_hours":${number(round(row.gpuHours, QUANTITY_DECIMALS))}` +
      (time
        ? `,"busy_gpu_hours":${number(round(time.busyGpuHours, QUANTITY_DECIMALS))}` +
          `,"idle_gpu_hours":${number(round(time.idleGpuHours, QUANTITY_DECIMALS))}`
        : '') +
      `,"inferences":${number(round(row.inferences, QUANTITY_DECIMALS))}` +
      extraFields
        .map(([key, name]) => `${key}${number(round(row.quantities[name], QUANTITY_DECIMALS))}`)
        .join('') +
      `,"tokens":${number(round(row.tokens, QUANTITY_DECIMALS))}` +
      `${cost}${money(row.cost)}` +
      (time ? `${busyCost}${money(time.busyCost)}${idleCost}${money(time.idleCost)}` : '') +
      `${costPerInference}${row.costPerInference === null ? 'null' : number(round(row.costPerInference, JSON_DECIMALS.costPerInference))}` +
      `${tokensPerCost}${row.tokensPerCost === null ? 'null' : number(round(row.tokensPerCost, JSON_DECIMALS.tokensPerCost))}` +
      `,"unpriced_gpu_hours":${number(round(row.unpricedGpuHours, QUANTITY_DECIMALS))}` +
      `,"unpriced_gpu_types":${gpuTypes(row.unpricedGpuTypes)}` +
      `,"cost_share":${row.costShare === null ? 'null' : number(round(row.costShare, JSON_DECIMALS.share))}` +
      `,"catalogue_versions":${versions(row.versions)}` +
      `${row.fxVersions ? `,"fx_versions":${versions(row.fxVersions)}` : ''}}`
    );
  };
}

/** A number as JSON writes it: non-finite values become null. */
function number(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/** Rows built without the split (by hand): no busy time known, no costs. */
const NO_GPU_TIME: GpuTimeSplit = {
  busyGpuHours: 0,
  idleGpuHours: 0,
  allocatedCost: null,
  busyCost: null,
  idleCost: null,
  unpricedAllocatedGpuHours: 0,
  unpricedBusyGpuHours: 0,
};

const EMPTY_ROW: UsageRow = {
  group: {},
  versions: [],
  gpuHours: 0,
  inferences: 0,
  tokens: 0,
  quantities: noQuantities(),
  cost: 0,
  unpricedGpuHours: 0,
  unpricedGpuTypes: [],
  costPerInference: null,
  tokensPerCost: null,
  costShare: null,
};

/**
 * Usage no attribution rule claimed (or with no use-case label): part of the totals above,
 * which rows hold under an empty use case.
 */
function unattributedJson(
  unattributed: Unattributed,
  currency: string,
  extras: readonly MeasureDefinition[],
  split: boolean,
) {
  return {
    by: unattributed.byRules ? 'attribution_rules' : 'missing_use_case_label',
    ...measures(unattributed.totals, currency, extras, split),
    gpu_share: round(unattributed.gpuShare, JSON_DECIMALS.share),
    label_sets: unattributed.labelSets,
    examples: unattributed.examples,
  };
}

function measures(
  row: UsageRow | UsageTotals,
  currency: string,
  extras: readonly MeasureDefinition[],
  split: boolean,
) {
  const money = (value: number | null) => (value === null ? null : round(value, MONEY_DECIMALS));
  const time = split ? (row.gpuTime ?? NO_GPU_TIME) : undefined;
  return {
    gpu_hours: round(row.gpuHours, QUANTITY_DECIMALS),
    ...(time
      ? {
          busy_gpu_hours: round(time.busyGpuHours, QUANTITY_DECIMALS),
          idle_gpu_hours: round(time.idleGpuHours, QUANTITY_DECIMALS),
        }
      : {}),
    inferences: round(row.inferences, QUANTITY_DECIMALS),
    ...Object.fromEntries(
      extras.map((measure) => [
        measure.output.field,
        round(row.quantities[measure.name as Metric], QUANTITY_DECIMALS),
      ]),
    ),
    tokens: round(row.tokens, QUANTITY_DECIMALS),
    [currencyField('cost', currency)]: money(row.cost),
    ...(time
      ? {
          [currencyField('busy_cost', currency)]: money(time.busyCost),
          [currencyField('idle_cost', currency)]: money(time.idleCost),
        }
      : {}),
    [currencyField('cost_per_inference', currency)]:
      row.costPerInference === null
        ? null
        : round(row.costPerInference, JSON_DECIMALS.costPerInference),
    [`tokens_per_${currency.toLowerCase()}`]:
      row.tokensPerCost === null ? null : round(row.tokensPerCost, JSON_DECIMALS.tokensPerCost),
    unpriced_gpu_hours: round(row.unpricedGpuHours, QUANTITY_DECIMALS),
    unpriced_gpu_types: row.unpricedGpuTypes,
  };
}
