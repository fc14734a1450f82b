// The columns of a FOCUS 1.2 or 1.3 cost-and-usage export.
// Column IDs and allowed values follow the specification (github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec).

import { UsageError } from '../errors.js';
import { COST_DECIMALS, QUANTITY_DECIMALS, UNIT_PRICE_DECIMALS } from './focus-price.js';
import type { FocusVersion } from './focus-values.js';
import { type Column, DECIMALS, fixedNumber, number, text } from './table.js';

const money = (name: string) => fixedNumber(name, COST_DECIMALS);
const unitPrice = (name: string) => fixedNumber(name, UNIT_PRICE_DECIMALS);
const quantity = (name: string) => fixedNumber(name, QUANTITY_DECIMALS);

/** FOCUS columns in both versions, in Column ID order. */
const COMMON_COLUMNS: readonly Column[] = [
  money('BilledCost'),
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
  quantity('ConsumedQuantity'),
  text('ConsumedUnit'),
  money('ContractedCost'),
  unitPrice('ContractedUnitPrice'),
  money('EffectiveCost'),
  text('InvoiceId'),
  text('InvoiceIssuerName'),
  money('ListCost'),
  unitPrice('ListUnitPrice'),
  text('PricingCategory'),
  quantity('PricingQuantity'),
  text('PricingUnit'),
  text('ProviderName'),
  text('PublisherName'),
  text('ServiceCategory'),
  text('ServiceName'),
  text('ServiceSubcategory'),
  text('SkuId'),
  text('SkuMeter'),
  text('SkuPriceDetails'),
  text('SkuPriceId'),
];

/**
 * FOCUS 1.3 adds ServiceProviderName and HostProviderName (and deprecates, but still
 * requires, ProviderName and PublisherName). In a 1.2 file they would be unprefixed custom
 * columns, which 1.2 forbids.
 */
const COLUMNS_SINCE_1_3: readonly Column[] = [
  text('HostProviderName'),
  text('ServiceProviderName'),
];

function byName(a: Column, b: Column): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The Pricing Currency columns (FOCUS 1.2 and 1.3): present when charges are priced in one
 * currency and billed in another. PricingCurrency and PricingCurrencyEffectiveCost must then
 * never be null; the two unit prices should be present where list prices are published (the
 * catalogue is the price list) and must not be null on a Usage row with a SkuPriceId.
 */
const PRICING_CURRENCY_COLUMNS: readonly Column[] = [
  text('PricingCurrency'),
  unitPrice('PricingCurrencyContractedUnitPrice'),
  money('PricingCurrencyEffectiveCost'),
  unitPrice('PricingCurrencyListUnitPrice'),
];

export function focusSpecColumns(version: FocusVersion, pricingCurrency = false): Column[] {
  const columns = [
    ...COMMON_COLUMNS,
    ...(version === '1.2' ? [] : COLUMNS_SINCE_1_3),
    ...(pricingCurrency ? PRICING_CURRENCY_COLUMNS : []),
  ];
  return columns.sort(byName);
}

/** ml-cost's own columns, after the FOCUS ones: custom columns carry the x_ prefix. */
export const FIXED_CUSTOM_COLUMNS: readonly Column[] = [
  text('x_UseCase'),
  text('x_ModelName'),
  text('x_GpuType'),
  number('x_Inferences', DECIMALS.count),
  number('x_Tokens', DECIMALS.count),
  text('x_CatalogueVersion'),
  text('x_CatalogueHash'),
];

/**
 * Where the naming tells input from output tokens: their own columns, after x_Tokens (their
 * sum). Absent otherwise, so files of other namings keep their columns.
 */
export const TOKEN_SPLIT_COLUMNS: readonly Column[] = [
  number('x_InputTokens', DECIMALS.count),
  number('x_OutputTokens', DECIMALS.count),
];

/**
 * Where busy GPU time was read: each charge's busy and idle GPU-hours (idle = allocated - busy,
 * negative when busy exceeds the allocation) and their costs, before x_CatalogueVersion.
 */
export const GPU_TIME_COLUMNS: readonly Column[] = [
  quantity('x_BusyGpuHours'),
  quantity('x_IdleGpuHours'),
  money('x_BusyCost'),
  money('x_IdleCost'),
];

/** Where busy GPU time is configured: what the charge's cost is the cost of (allocated, busy). */
export const COST_BASIS_COLUMN: Column = text('x_CostBasis');

/** With a currency conversion: the exchange-rate version that converted the row. */
export const FX_CUSTOM_COLUMN: Column = text('x_FxVersion');

/**
 * Custom column ID for another --by label: "x_Label" + PascalCase, so "environment" becomes
 * x_LabelEnvironment and can never collide with the fixed x_ columns.
 */
export function customLabelColumn(label: string): string {
  const words = label.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  return `x_Label${words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join('')}`;
}

/**
 * Two labels that spell one column ID ("team.name" and "team_name" both give x_LabelTeamName)
 * would write a file with a duplicate column, which no FOCUS reader can load.
 */
export function assertDistinctLabelColumns(labels: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const label of labels) {
    const column = customLabelColumn(label);
    const earlier = seen.get(column);
    if (earlier !== undefined) {
      throw new UsageError(
        `--by: labels "${earlier}" and "${label}" would both be the FOCUS column ${column}, and column IDs must be unique: group by one of them`,
      );
    }
    seen.set(column, label);
  }
}
