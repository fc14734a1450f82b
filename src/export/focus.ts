// The FinOps FOCUS cost-and-usage layout (FOCUS 1.2 mandatory columns, plus the 1.3 provider
// names), one record per report row. Column IDs, allowed values and formats follow the spec:
// https://focus.finops.org/ and github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec.

import { TZDate } from '@date-fns/tz';
import { addMonths, startOfMonth } from 'date-fns';
import type { FocusIdentityConfig } from '../config.js';
import { compareText } from '../core/order.js';
import type { UsageReport, UsageRow } from '../core/report.js';
import { isoInZone } from '../render/format.js';
import { formatDecimal } from './decimal.js';
import { sortRows, versionsCell } from './rows.js';
import { type Cell, type Column, DECIMALS, number, type Table, text } from './table.js';

/** Who provides and bills the GPUs: FOCUS requires these names on every row. */
export interface FocusIdentity {
  readonly billingAccountId: string;
  readonly billingAccountName: string;
  /** The entity that makes the service available (FOCUS 1.3 ServiceProviderName; 1.2 ProviderName and PublisherName). */
  readonly serviceProviderName: string;
  /** Whose hardware runs it (FOCUS 1.3 HostProviderName). */
  readonly hostProviderName: string;
  readonly invoiceIssuerName: string;
  readonly serviceName: string;
}

/** Self-hosted inference: the organisation is its own provider until the config says otherwise. */
export const DEFAULT_FOCUS_IDENTITY: FocusIdentity = {
  billingAccountId: 'ml-cost',
  billingAccountName: 'ml-cost',
  serviceProviderName: 'Internal',
  hostProviderName: 'Internal',
  invoiceIssuerName: 'Internal',
  serviceName: 'ML inference',
};

/** The identity from the config's export.focus section, each name not given by default. */
export function focusIdentity(config: FocusIdentityConfig | undefined): FocusIdentity {
  const given = config ?? {};
  const defaults = DEFAULT_FOCUS_IDENTITY;
  return {
    billingAccountId: given.billing_account_id ?? defaults.billingAccountId,
    billingAccountName: given.billing_account_name ?? defaults.billingAccountName,
    serviceProviderName: given.service_provider_name ?? defaults.serviceProviderName,
    hostProviderName: given.host_provider_name ?? defaults.hostProviderName,
    invoiceIssuerName: given.invoice_issuer_name ?? defaults.invoiceIssuerName,
    serviceName: given.service_name ?? defaults.serviceName,
  };
}

/** Which metric labels hold the use case, the model and the GPU type. */
export interface FocusLabels {
  readonly useCase: string;
  readonly model: string;
  readonly gpuType: string;
}

export interface FocusLayoutOptions {
  readonly identity: FocusIdentity;
  readonly labels: FocusLabels;
  /** The rate a catalogue version gives a GPU type, for ChargeDescription; undefined when unknown. */
  readonly rateOf?: (version: string, gpuType: string) => number | undefined;
  /**
   * When a catalogue version is in force, [start, end): a row priced by one version is
   * charged only for its part of the hour or day. Absent when one version prices everything.
   */
  readonly spanOf?: (version: string) => { readonly startMs: number; readonly endMs: number };
}

/** FOCUS allowed value for GPU inference (ServiceCategory list, FOCUS 1.0+). */
export const FOCUS_SERVICE_CATEGORY = 'AI and Machine Learning';
/** A compound unit in the FOCUS UnitFormat: "<singular base unit>-<plural time unit>". */
export const FOCUS_PRICING_UNIT = 'GPU-Hours';

/** The FOCUS columns every export carries, in this order. */
export const FOCUS_COLUMNS: readonly Column[] = [
  number('BilledCost', DECIMALS.money),
  text('BillingAccountId'),
  text('BillingAccountName'),
  text('BillingCurrency'),
  text('BillingPeriodEnd'),
  text('BillingPeriodStart'),
  text('ChargeCategory'),
  text('ChargeClass'),
  text('ChargeDescription'),
  text('ChargeFrequency'),
  text('ChargePeriodEnd'),
  text('ChargePeriodStart'),
  number('ConsumedQuantity', DECIMALS.gpuHours),
  text('ConsumedUnit'),
  number('ContractedCost', DECIMALS.money),
  number('EffectiveCost', DECIMALS.money),
  text('HostProviderName'),
  text('InvoiceIssuerName'),
  number('ListCost', DECIMALS.money),
  text('PricingCategory'),
  number('PricingQuantity', DECIMALS.gpuHours),
  text('PricingUnit'),
  text('ProviderName'),
  text('PublisherName'),
  text('ServiceCategory'),
  text('ServiceName'),
  text('ServiceProviderName'),
];

const FIXED_CUSTOM_COLUMNS: readonly Column[] = [
  text('x_UseCase'),
  text('x_ModelName'),
  text('x_GpuType'),
  number('x_Inferences', DECIMALS.count),
  number('x_Tokens', DECIMALS.count),
  text('x_CatalogueVersion'),
  text('x_CatalogueHash'),
];

/**
 * Custom column ID for another --by label: "x_Label" + PascalCase, so "environment" becomes
 * x_LabelEnvironment and can never collide with the fixed x_ columns.
 */
export function customLabelColumn(label: string): string {
  const words = label.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  return `x_Label${words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join('')}`;
}

function extraLabels(report: UsageReport, labels: FocusLabels): string[] {
  const fixed = new Set([labels.useCase, labels.model, labels.gpuType]);
  return report.by.filter((label) => !fixed.has(label));
}

export function focusColumns(report: UsageReport, labels: FocusLabels): Column[] {
  return [
    ...FOCUS_COLUMNS,
    ...FIXED_CUSTOM_COLUMNS,
    ...extraLabels(report, labels).map((label) => text(customLabelColumn(label))),
  ];
}

/** The calendar month, in the report's time zone, that contains `ms`, as UTC instants. */
function billingMonth(ms: number, tz: string): { startMs: number; endMs: number } {
  const start = startOfMonth(new TZDate(ms, tz));
  return { startMs: start.getTime(), endMs: addMonths(start, 1).getTime() };
}

function describe(
  row: UsageRow,
  gpuType: string,
  currency: string,
  options: FocusLayoutOptions,
): string {
  const version = versionsCell(row.versions);
  if (gpuType === '') return `Inferences and tokens without GPU time (catalogue ${version})`;
  const [only] = row.versions;
  const rate =
    row.versions.length === 1 && only !== undefined ? options.rateOf?.(only, gpuType) : undefined;
  const price =
    rate === undefined ? '' : ` at ${formatDecimal(rate, DECIMALS.unitMoney)} ${currency}`;
  return `GPU time on ${gpuType}${price} per GPU-hour (catalogue ${version})`;
}

/**
 * Tokens and inferences carry no GPU-type label, so they arrive in a row of their own with
 * an empty GPU type. When their group (same other labels, period and catalogue version) ran
 * on exactly one GPU type, they belong to that charge and are folded into it; otherwise they
 * stay a zero-cost row, since splitting them between GPU types would be invented.
 */
export function attachUsageToCharges(rows: readonly UsageRow[], gpuTypeLabel: string): UsageRow[] {
  const keyOf = (row: UsageRow) =>
    JSON.stringify([
      row.period?.startMs ?? null,
      row.versions,
      Object.entries(row.group)
        .filter(([label]) => label !== gpuTypeLabel)
        .sort(([a], [b]) => compareText(a, b)),
    ]);
  const charges = new Map<string, UsageRow[]>();
  const loose = new Map<string, UsageRow>();
  for (const row of rows) {
    const key = keyOf(row);
    if ((row.group[gpuTypeLabel] ?? '') === '' && row.gpuHours === 0) loose.set(key, row);
    else charges.set(key, [...(charges.get(key) ?? []), row]);
  }
  const merged: UsageRow[] = [];
  for (const [key, group] of charges) {
    const extra = loose.get(key);
    const [only] = group;
    if (extra && group.length === 1 && only) {
      merged.push({
        ...only,
        inferences: only.inferences + extra.inferences,
        tokens: only.tokens + extra.tokens,
      });
      loose.delete(key);
    } else {
      merged.push(...group);
    }
  }
  return [...merged, ...loose.values()];
}

/**
 * FOCUS requires a cost on every usage row, and ml-cost never writes unpriced usage as zero:
 * callers check unpricedGpuHours first and refuse the export. A row that still arrives
 * without a cost is a bug, not data.
 */
function pricedCost(row: UsageRow): number {
  if (row.cost === null || row.unpricedGpuHours > 0) {
    throw new Error('FOCUS layout received unpriced usage; the export should have refused it');
  }
  return row.cost;
}

/**
 * Maps a report (hour or day rows, each priced by one catalogue version, grouped by the GPU
 * type) to FOCUS records. Every cost column holds the same amount: ml-cost prices at the
 * catalogue's list rate with no discounts or commitments, so List = Contracted = Effective
 * = Billed. ChargePeriod is the row's hour or day (the part of it its version was in force),
 * BillingPeriod the month around it in the
 * report's time zone; both are written in UTC with a Z, as FOCUS requires.
 */
export function focusTable(report: UsageReport, options: FocusLayoutOptions): Table {
  const { identity, labels } = options;
  const { window, catalogue } = report;
  const extras = extraLabels(report, labels);
  const record = (row: UsageRow): Cell[] => {
    const cost = pricedCost(row);
    // A day split at a price change is two charges, each for its own part of the day.
    const only = row.versions.length === 1 ? row.versions[0] : undefined;
    const span = only === undefined ? undefined : options.spanOf?.(only);
    const chargeStart = Math.max(row.period?.startMs ?? window.fromMs, span?.startMs ?? -Infinity);
    const chargeEnd = Math.min(row.period?.endMs ?? window.toMs, span?.endMs ?? Infinity);
    const billing = billingMonth(chargeStart, window.tz);
    const gpuType = row.group[labels.gpuType] ?? '';
    return [
      cost,
      identity.billingAccountId,
      identity.billingAccountName,
      catalogue.currency,
      isoInZone(billing.endMs, 'UTC'),
      isoInZone(billing.startMs, 'UTC'),
      'Usage',
      // null unless the row corrects an invoiced period; ml-cost never writes corrections.
      null,
      describe(row, gpuType, catalogue.currency, options),
      'Usage-Based',
      isoInZone(chargeEnd, 'UTC'),
      isoInZone(chargeStart, 'UTC'),
      row.gpuHours,
      FOCUS_PRICING_UNIT,
      cost,
      cost,
      identity.hostProviderName,
      identity.invoiceIssuerName,
      cost,
      'Standard',
      row.gpuHours,
      FOCUS_PRICING_UNIT,
      identity.serviceProviderName,
      identity.serviceProviderName,
      FOCUS_SERVICE_CATEGORY,
      identity.serviceName,
      identity.serviceProviderName,
      row.group[labels.useCase] ?? '',
      row.group[labels.model] ?? '',
      gpuType,
      row.inferences,
      row.tokens,
      versionsCell(row.versions),
      catalogue.hash,
      ...extras.map((label) => row.group[label] ?? ''),
    ];
  };
  return {
    columns: focusColumns(report, labels),
    records: sortRows(attachUsageToCharges(report.rows, labels.gpuType), report.by).map(record),
  };
}
