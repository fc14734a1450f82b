// The FinOps FOCUS cost-and-usage layout, FOCUS 1.2 or 1.3, one charge per report row.
// Column IDs, allowed values and formats follow the spec: https://focus.finops.org/ and
// github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec.

import { TZDate } from '@date-fns/tz';
import { addMonths, format, startOfMonth } from 'date-fns';
import type { FocusIdentityConfig } from '../config.js';
import { extraMeasures } from '../core/measures.js';
import { priceName } from '../core/mig.js';
import { costGpuHours, splitsGpuTime, type UsageReport, type UsageRow } from '../core/report.js';
import { UsageError } from '../errors.js';
import { isoInZone } from '../render/format.js';
import { formatDecimal } from './decimal.js';
import { attachUsageToCharges, type Charge, unattachedNote } from './focus-charges.js';
import {
  assertDistinctLabelColumns,
  COST_BASIS_COLUMN,
  customLabelColumn,
  FIXED_CUSTOM_COLUMNS,
  FX_CUSTOM_COLUMN,
  focusSpecColumns,
  GPU_TIME_COLUMNS,
  TOKEN_SPLIT_COLUMNS,
} from './focus-columns.js';
import { chargeAmounts, gpuTimeAmounts, pricingCurrencyAmounts } from './focus-price.js';
import {
  DEFAULT_SERVICE_SUBCATEGORY,
  FOCUS_PRICING_UNIT,
  FOCUS_SERVICE_CATEGORY,
  FOCUS_SKU_METER,
  type FocusVersion,
} from './focus-values.js';
import { convertsCurrency, sortRows, versionsCell } from './rows.js';
import { type Cell, type Column, DECIMALS, type Table, text } from './table.js';

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
  /** One of FOCUS_AI_SUBCATEGORIES. */
  readonly serviceSubcategory: string;
}

/** Self-hosted inference: the organisation is its own provider until the config says otherwise. */
export const DEFAULT_FOCUS_IDENTITY: FocusIdentity = {
  billingAccountId: 'ml-cost',
  billingAccountName: 'ml-cost',
  serviceProviderName: 'Internal',
  hostProviderName: 'Internal',
  invoiceIssuerName: 'Internal',
  serviceName: 'ML inference',
  serviceSubcategory: DEFAULT_SERVICE_SUBCATEGORY,
};

/**
 * The identity from the config's export.focus section, each name not given by default; the
 * invoice issuer is the service provider unless named. FOCUS requires BilledCost 0 on a row
 * whose provider is not its invoice issuer (payments received by a third party, BilledCost-C-005-C),
 * while ml-cost bills the whole cost: two different names are refused rather than written
 * into a file that breaks that rule on every row.
 */
export function focusIdentity(config: FocusIdentityConfig | undefined): FocusIdentity {
  const given = config ?? {};
  const defaults = DEFAULT_FOCUS_IDENTITY;
  const serviceProviderName = given.service_provider_name ?? defaults.serviceProviderName;
  const invoiceIssuerName = given.invoice_issuer_name ?? serviceProviderName;
  if (invoiceIssuerName !== serviceProviderName) {
    throw new UsageError(
      `export.focus: service_provider_name ${JSON.stringify(serviceProviderName)} differs from invoice_issuer_name ${JSON.stringify(invoiceIssuerName)}; FOCUS then requires BilledCost 0 (a charge paid to a third party, rule BilledCost-C-005-C), but ml-cost bills the cost: give both the same name, or leave invoice_issuer_name out`,
    );
  }
  return {
    billingAccountId: given.billing_account_id ?? defaults.billingAccountId,
    billingAccountName: given.billing_account_name ?? defaults.billingAccountName,
    serviceProviderName,
    hostProviderName: given.host_provider_name ?? defaults.hostProviderName,
    invoiceIssuerName,
    serviceName: given.service_name ?? defaults.serviceName,
    serviceSubcategory: given.service_subcategory ?? defaults.serviceSubcategory,
  };
}

/** Which metric labels hold the use case, the model and the GPU type. */
export interface FocusLabels {
  readonly useCase: string;
  readonly model: string;
  readonly gpuType: string;
  /** The MIG profile label: a slice is a SKU of its own, priced at its share of the GPU. */
  readonly migProfile?: string;
}

export interface FocusLayoutOptions {
  readonly version: FocusVersion;
  readonly identity: FocusIdentity;
  readonly labels: FocusLabels;
  /**
   * The rate a catalogue version gives a GPU type (a MIG slice of it, for a profile other than
   * '') in the billing (reporting) currency, converted by the exchange-rate version named (if
   * any); undefined when it has none.
   */
  readonly rateOf: (
    version: string,
    gpuType: string,
    migProfile: string,
    fxVersion?: string,
  ) => number | undefined;
  /**
   * When a catalogue version (and exchange-rate version) is in force, [start, end): a row
   * priced by one is charged only for its part of the hour or day. Absent when one version
   * prices everything.
   */
  readonly spanOf?: (
    version: string,
    fxVersion?: string,
  ) => { readonly startMs: number; readonly endMs: number };
  /**
   * With a currency conversion: the catalogue's own currency and rate, for the FOCUS
   * PricingCurrency columns. Absent when charges are priced in the billing currency.
   */
  readonly pricingOf?: (
    version: string,
    gpuType: string,
    migProfile: string,
  ) => { readonly currency: string; readonly rate: number } | undefined;
  /**
   * The catalogue key a GPU type prices as in a version (an exporter's name resolves through
   * its alias), so that one product is one SKU whatever name the exporter wrote.
   */
  readonly priceKeyOf?: (version: string, gpuType: string) => string | undefined;
}

/** A FOCUS table, and what it could not carry, for the command to say on stderr. */
export interface FocusTable extends Table {
  readonly notes: readonly string[];
}

function extraLabels(report: UsageReport, labels: FocusLabels): string[] {
  const fixed = new Set([labels.useCase, labels.model, labels.gpuType, labels.migProfile]);
  return report.by.filter((label) => !fixed.has(label));
}

export function focusColumns(
  report: UsageReport,
  labels: FocusLabels,
  version: FocusVersion,
): Column[] {
  const extras = extraLabels(report, labels);
  assertDistinctLabelColumns(extras);
  const converts = convertsCurrency(report);
  return [
    ...focusSpecColumns(version, converts),
    ...FIXED_CUSTOM_COLUMNS.flatMap((column) => {
      if (column.name === 'x_Tokens' && splitsTokens(report))
        return [column, ...TOKEN_SPLIT_COLUMNS];
      if (column.name !== 'x_CatalogueVersion') return [column];
      return [
        ...(splitsGpuTime(report) ? GPU_TIME_COLUMNS : []),
        ...(report.catalogue.costBasis ? [COST_BASIS_COLUMN] : []),
        column,
      ];
    }),
    ...(converts ? [FX_CUSTOM_COLUMN] : []),
    ...extras.map((label) => text(customLabelColumn(label))),
  ];
}

/** The calendar month, in the report's time zone, that contains `ms`, as UTC instants. */
function billingMonth(ms: number, tz: string): { startMs: number; endMs: number; label: string } {
  const start = startOfMonth(new TZDate(ms, tz));
  return {
    startMs: start.getTime(),
    endMs: addMonths(start, 1).getTime(),
    label: format(start, 'yyyy-MM'),
  };
}

/** True when the report read input and output tokens apart (the naming tells them apart). */
function splitsTokens(report: UsageReport): boolean {
  return extraMeasures(report.measured ?? []).some((measure) => measure.name === 'input_tokens');
}

/**
 * FOCUS requires a cost on every usage row, and ml-cost never writes unpriced usage as zero:
 * callers check unpricedGpuHours first and refuse the export. A row that still arrives
 * without a cost or a rate is a bug, not data.
 */
function pricedRate(
  row: UsageRow,
  gpuType: string,
  migProfile: string,
  options: FocusLayoutOptions,
): number {
  const [version] = row.versions;
  const fx = row.fxVersions ?? [];
  const rate =
    row.versions.length === 1 && version !== undefined && fx.length <= 1
      ? options.rateOf(version, gpuType, migProfile, fx[0])
      : undefined;
  if (row.cost === null || row.unpricedGpuHours > 0 || rate === undefined) {
    throw new Error(
      'FOCUS layout received usage without one rate; the export should have refused it',
    );
  }
  return rate;
}

/**
 * The FOCUS PricingCurrency columns of one charge: the currency and rate of the catalogue
 * version, and its cost at that rate for the same quantity. A row priced in the billing
 * currency (a catalogue of several currencies) has the billing figures here too.
 */
function pricingCells(
  row: UsageRow,
  price: { readonly gpuType: string; readonly migProfile: string; readonly quantity: string },
  options: FocusLayoutOptions,
): Record<string, Cell> {
  const [version] = row.versions;
  const pricing =
    version === undefined
      ? undefined
      : options.pricingOf?.(version, price.gpuType, price.migProfile);
  if (!pricing) {
    throw new Error('FOCUS layout received a converted charge without its pricing currency rate');
  }
  const amounts = pricingCurrencyAmounts(pricing.rate, price.quantity);
  return {
    PricingCurrency: pricing.currency,
    PricingCurrencyContractedUnitPrice: amounts.unitPrice,
    PricingCurrencyEffectiveCost: amounts.cost,
    PricingCurrencyListUnitPrice: amounts.unitPrice,
  };
}

/**
 * Maps a report (hour or day rows, each priced by one catalogue version, grouped by the GPU
 * type) to FOCUS charges. Every cost column holds the same amount: ml-cost prices at the
 * catalogue's list rate with no discounts or commitments, so List = Contracted = Effective
 * = Billed, each the exact product of the written unit price and quantity (focus-price.ts).
 * The catalogue is the price list: SkuId is the GPU type, SkuPriceId the catalogue version
 * and GPU type. ChargePeriod is the row's own hour or day, cut to the part its version was in
 * force; BillingPeriod is the month around it in the report's time zone, and InvoiceId names
 * the billing account and that month. Times are written in UTC with a Z, as FOCUS requires.
 */
export function focusTable(report: UsageReport, options: FocusLayoutOptions): FocusTable {
  const { identity, labels, version: focusVersion } = options;
  const { window, catalogue } = report;
  const columns = focusColumns(report, labels, focusVersion);
  const converts = convertsCurrency(report);
  const extras = extraLabels(report, labels);
  const record = ({ row, counts }: Charge): Cell[] => {
    const migProfile = labels.migProfile ? (row.group[labels.migProfile] ?? '') : '';
    const rate = pricedRate(row, row.group[labels.gpuType] ?? '', migProfile, options);
    // A MIG slice is its own SKU: "NVIDIA H100 80GB HBM3 (MIG 1g.10gb)".
    const gpuType = priceName(row.group[labels.gpuType] ?? '', migProfile);
    // The charge is the cost basis' GPU time: cost = its quantity x the rate.
    const amounts = chargeAmounts(rate, costGpuHours(row));
    const time = row.gpuTime
      ? gpuTimeAmounts(rate, row.gpuHours, row.gpuTime.busyGpuHours)
      : undefined;
    const version = versionsCell(row.versions);
    const rawType = row.group[labels.gpuType] ?? '';
    const sku = priceName(options.priceKeyOf?.(version, rawType) ?? rawType, migProfile);
    const fxVersion = row.fxVersions?.[0];
    const span = options.spanOf?.(version, fxVersion);
    const pricing = converts
      ? pricingCells(
          row,
          { gpuType: row.group[labels.gpuType] ?? '', migProfile, quantity: amounts.quantity },
          options,
        )
      : {};
    const chargeStart = Math.max(row.period?.startMs ?? window.fromMs, span?.startMs ?? -Infinity);
    const chargeEnd = Math.min(row.period?.endMs ?? window.toMs, span?.endMs ?? Infinity);
    const billing = billingMonth(chargeStart, window.tz);
    const cells: Record<string, Cell> = {
      BilledCost: amounts.cost,
      BillingAccountId: identity.billingAccountId,
      BillingAccountName: identity.billingAccountName,
      BillingCurrency: catalogue.currency,
      BillingPeriodEnd: isoInZone(billing.endMs, 'UTC'),
      BillingPeriodStart: isoInZone(billing.startMs, 'UTC'),
      ChargeCategory: 'Usage',
      // null unless the row corrects an invoiced period; ml-cost never writes corrections.
      ChargeClass: null,
      ChargeDescription: `GPU time on ${gpuType} at ${formatDecimal(rate, DECIMALS.unitMoney)} ${catalogue.currency} per GPU-hour (catalogue ${version}${fxVersion ? `, converted at ${fxVersion}` : ''})`,
      ChargeFrequency: 'Usage-Based',
      ChargePeriodEnd: isoInZone(chargeEnd, 'UTC'),
      ChargePeriodStart: isoInZone(chargeStart, 'UTC'),
      ConsumedQuantity: amounts.quantity,
      ConsumedUnit: FOCUS_PRICING_UNIT,
      ContractedCost: amounts.cost,
      ContractedUnitPrice: amounts.unitPrice,
      EffectiveCost: amounts.cost,
      HostProviderName: identity.hostProviderName,
      InvoiceId: `${identity.billingAccountId}-${billing.label}`,
      InvoiceIssuerName: identity.invoiceIssuerName,
      ListCost: amounts.cost,
      ListUnitPrice: amounts.unitPrice,
      PricingCategory: 'Standard',
      PricingQuantity: amounts.quantity,
      PricingUnit: FOCUS_PRICING_UNIT,
      ProviderName: identity.serviceProviderName,
      PublisherName: identity.serviceProviderName,
      ServiceCategory: FOCUS_SERVICE_CATEGORY,
      ServiceName: identity.serviceName,
      ServiceProviderName: identity.serviceProviderName,
      ServiceSubcategory: identity.serviceSubcategory,
      SkuId: sku,
      SkuMeter: FOCUS_SKU_METER,
      SkuPriceDetails: JSON.stringify({ GpuCount: 1, x_GpuType: gpuType }),
      SkuPriceId: `${version}:${sku}`,
      x_UseCase: row.group[labels.useCase] ?? '',
      x_ModelName: row.group[labels.model] ?? '',
      x_GpuType: gpuType,
      x_Inferences: counts?.inferences ?? null,
      x_Tokens: counts?.tokens ?? null,
      x_InputTokens: counts?.inputTokens ?? null,
      x_OutputTokens: counts?.outputTokens ?? null,
      x_BusyGpuHours: time?.busyQuantity ?? null,
      x_IdleGpuHours: time?.idleQuantity ?? null,
      x_BusyCost: time?.busyCost ?? null,
      x_IdleCost: time?.idleCost ?? null,
      x_CostBasis: catalogue.costBasis ?? null,
      x_CatalogueVersion: version,
      x_CatalogueHash: catalogue.hash,
      x_FxVersion: fxVersion ?? null,
      ...pricing,
    };
    for (const label of extras) cells[customLabelColumn(label)] = row.group[label] ?? '';
    return columns.map((column) => cells[column.name] ?? null);
  };
  const { charges, unattached } = attachUsageToCharges(
    report.rows,
    labels.gpuType,
    labels.migProfile,
  );
  const order = new Map(
    sortRows(
      charges.map((charge) => charge.row),
      report.by,
    ).map((row, i) => [row, i]),
  );
  const sorted = [...charges].sort((a, b) => (order.get(a.row) ?? 0) - (order.get(b.row) ?? 0));
  return { columns, records: sorted.map(record), notes: unattachedNote(unattached) };
}
