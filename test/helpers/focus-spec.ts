// The FOCUS columns an export must carry, written from the spec and not read from
// src/export/focus.ts, so that tests hold the layout against FOCUS rather than against itself.

/**
 * The FOCUS 1.2 mandatory columns, and the FOCUS 1.3 provider names (ServiceProviderName,
 * HostProviderName) that succeed ProviderName and PublisherName, as the spec's column library
 * lists them.
 */
export const FOCUS_MANDATORY_COLUMNS: readonly string[] = [
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'ContractedCost',
  'BillingCurrency',
  'BillingPeriodStart',
  'BillingPeriodEnd',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'PricingQuantity',
  'PricingUnit',
  'ServiceCategory',
  'ServiceName',
  'ServiceProviderName',
  'HostProviderName',
  'InvoiceIssuerName',
  'ProviderName',
  'PublisherName',
  'BillingAccountId',
  'BillingAccountName',
];
