// The MUST rules of FOCUS 1.2 and 1.3 that a cost-and-usage file can be checked against, written
// from the specification and the FinOps Foundation validator's rule model (model-1.2.json; 1.3
// adds the provider columns and the SkuPriceId-null rules), not read from src/export/, so tests
// hold exports against FOCUS rather than against themselves. Each violation names the rule ID
// the validator uses, or a short name where the rule is the spec's text only.
import { parseCsvLines } from './csv.js';

export type FocusVersion = '1.2' | '1.3';

/** Mandatory columns (Feature level: Mandatory) of the FOCUS 1.2 cost-and-usage dataset. */
const MANDATORY_1_2 = [
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ContractedCost',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'ServiceCategory',
  'ServiceName',
];

/**
 * Conditional columns whose condition holds for a priced GPU-hour catalogue: the provider
 * supports unit pricing and publishes a price list (ListUnitPrice, SkuId, SkuPriceId, SkuMeter,
 * SkuPriceDetails), measures usage (ConsumedQuantity, ConsumedUnit).
 */
const PRICE_LIST_COLUMNS = [
  'ConsumedQuantity',
  'ConsumedUnit',
  'ListUnitPrice',
  'SkuId',
  'SkuMeter',
  'SkuPriceDetails',
  'SkuPriceId',
];

/** Every column FOCUS 1.2 defines for the cost-and-usage dataset: anything else needs x_. */
const DEFINED_1_2 = [
  ...MANDATORY_1_2,
  ...PRICE_LIST_COLUMNS,
  'AvailabilityZone',
  'BillingAccountType',
  'CapacityReservationId',
  'CapacityReservationStatus',
  'ChargeFrequency',
  'CommitmentDiscountCategory',
  'CommitmentDiscountId',
  'CommitmentDiscountName',
  'CommitmentDiscountQuantity',
  'CommitmentDiscountStatus',
  'CommitmentDiscountType',
  'CommitmentDiscountUnit',
  'ContractedUnitPrice',
  'InvoiceId',
  'PricingCategory',
  'PricingCurrency',
  'PricingCurrencyContractedUnitPrice',
  'PricingCurrencyEffectiveCost',
  'PricingCurrencyListUnitPrice',
  'RegionId',
  'RegionName',
  'ResourceId',
  'ResourceName',
  'ResourceType',
  'ServiceSubcategory',
  'SubAccountId',
  'SubAccountName',
  'SubAccountType',
  'Tags',
];

/** FOCUS 1.3's provider columns: mandatory in 1.3, unknown (so unprefixed custom) in 1.2. */
const ADDED_1_3 = ['HostProviderName', 'ServiceProviderName'];

export function mandatoryColumns(version: FocusVersion): string[] {
  return version === '1.2' ? [...MANDATORY_1_2] : [...MANDATORY_1_2, ...ADDED_1_3];
}

/** The mandatory FOCUS columns of either version (what every ml-cost FOCUS export must have). */
export const FOCUS_MANDATORY_COLUMNS: readonly string[] = mandatoryColumns('1.3');

const DECIMAL_COLUMNS = [
  'BilledCost',
  'ConsumedQuantity',
  'ContractedCost',
  'ContractedUnitPrice',
  'EffectiveCost',
  'ListCost',
  'ListUnitPrice',
  'PricingQuantity',
];
const DATE_TIME_COLUMNS = [
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargePeriodEnd',
  'ChargePeriodStart',
];
/**
 * Columns that MUST NOT be null: the mandatory ones but those whose nullability depends on the
 * row (ChargeClass, PricingQuantity, PricingUnit) or that may be null (ChargeDescription), and
 * ChargeFrequency and ServiceSubcategory where present.
 */
const NOT_NULL = [
  ...MANDATORY_1_2.filter(
    (name) =>
      !['ChargeClass', 'ChargeDescription', 'PricingQuantity', 'PricingUnit'].includes(name),
  ),
  'ChargeFrequency',
  'ServiceSubcategory',
];

const CHARGE_CATEGORIES = ['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment'];
const CHARGE_FREQUENCIES = ['One-Time', 'Recurring', 'Usage-Based'];
const PRICING_CATEGORIES = ['Standard', 'Dynamic', 'Committed', 'Other'];
const SERVICE_CATEGORIES = [
  'AI and Machine Learning',
  'Analytics',
  'Business Applications',
  'Compute',
  'Databases',
  'Developer Tools',
  'Multicloud',
  'Identity',
  'Integration',
  'Internet of Things',
  'Management and Governance',
  'Media',
  'Migration',
  'Mobile',
  'Networking',
  'Security',
  'Storage',
  'Web',
  'Other',
];
/**
 * ServiceSubcategory values under "AI and Machine Learning" (the same in 1.2 and 1.3). Also
 * in src/export/focus-columns.ts, on purpose: this copy is the spec's, to check that one.
 */
const AI_SUBCATEGORIES = [
  'AI Platforms',
  'Bots',
  'Generative AI',
  'Machine Learning',
  'Natural Language Processing',
  'Other (AI and Machine Learning)',
];
/** FOCUS-defined SkuPriceDetails keys; any other key MUST start with x_ (SkuPriceDetails-C-017-C). */
const SKU_PRICE_PROPERTIES = [
  'CoreCount',
  'DiskMaxIops',
  'DiskSpace',
  'DiskType',
  'GpuCount',
  'InstanceType',
  'InstanceSeries',
  'MemorySize',
  'NetworkMaxIops',
  'NetworkMaxThroughput',
  'OperatingSystem',
  'Redundancy',
  'StorageClass',
];

/** NumericFormat: integer, decimal or E notation, as the validator's FormatNumeric reads it. */
const NUMERIC = /^[+-]?([0-9]*[.])?[0-9]+([eE][+-]?[0-9]+)?$/;
/** DateTimeFormat-A-003-M: 'YYYY-MM-DDTHH:mm:ssZ', UTC. */
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;
/** ColumnHandling-A-001/003/010: Pascal case, alphanumeric; custom columns x_ + the same. */
const FOCUS_COLUMN_ID = /^[A-Z][A-Za-z0-9]*$/;
const CUSTOM_COLUMN_ID = /^x_[A-Z][A-Za-z0-9]*$/;

/** UnitFormat, as the validator's FormatUnit accepts units (count units, "-<plural time>"). */
const TIME_PLURAL = '(Years|Months|Days|Hours|Minutes|Seconds)';
const TIME_SINGULAR = '(Year|Month|Day|Hour|Minute|Second)';
const COUNT_UNIT = '[A-Za-z][A-Za-z0-9]*(\\s+[A-Za-z][A-Za-z0-9]*)*';
const UNIT_FORMAT = new RegExp(
  [
    `^${COUNT_UNIT}$`,
    `^${COUNT_UNIT}-${TIME_PLURAL}$`,
    `^(${COUNT_UNIT}|${TIME_PLURAL})/${TIME_SINGULAR}$`,
    `^[0-9]+ ${COUNT_UNIT}$`,
    `^(${COUNT_UNIT}|${TIME_PLURAL})/[0-9]+ ${TIME_PLURAL}$`,
  ].join('|'),
);

/** ISO 4217 national currencies, from the runtime's ICU data (not from ml-cost's own list). */
const NATIONAL_CURRENCIES = new Set(
  Intl.supportedValuesOf('currency').filter((code) => !['XDR', 'XSU'].includes(code)),
);

/** Exact decimal a × b = c, on the written text: the decimal reading of the cost rules. */
function decimalProductEquals(a: string, b: string, c: string): boolean {
  const parse = (text: string) => {
    const [whole = '', fraction = ''] = text.split('.');
    return { units: BigInt(whole + fraction), scale: fraction.length };
  };
  const x = parse(a);
  const y = parse(b);
  const z = parse(c);
  const product = x.units * y.units;
  const scale = x.scale + y.scale;
  const common = Math.max(scale, z.scale);
  return product * 10n ** BigInt(common - scale) === z.units * 10n ** BigInt(common - z.scale);
}

type Row = Record<string, string>;

/** One rule over one row: a message when broken, else null. Empty cells are nulls. */
type RowRule = (row: Row, version: FocusVersion) => string | null;

const isNull = (value: string | undefined) => value === undefined || value === '';
const isUsageOrPurchase = (row: Row) =>
  ['Usage', 'Purchase'].includes(row.ChargeCategory ?? '') && row.ChargeClass !== 'Correction';

function needsValue(column: string, rule: string): RowRule {
  return (row) =>
    isUsageOrPurchase(row) && isNull(row[column])
      ? `${rule}: ${column} MUST NOT be null when ChargeCategory is Usage or Purchase and ChargeClass is not Correction`
      : null;
}

function nullOnTax(column: string, rule: string): RowRule {
  return (row) =>
    row.ChargeCategory === 'Tax' && !isNull(row[column])
      ? `${rule}: ${column} MUST be null when ChargeCategory is Tax`
      : null;
}

function productRule(price: string, cost: string, rule: string): RowRule {
  return (row) => {
    const p = row[price];
    const q = row.PricingQuantity;
    const c = row[cost];
    if (isNull(p) || isNull(q) || isNull(c) || row.ChargeClass === 'Correction') return null;
    // The validator multiplies the numbers it read as doubles; the decimal text must agree too.
    const asRead = Number(p) * Number(q) === Number(c);
    const exact = decimalProductEquals(p ?? '', q ?? '', c ?? '');
    return asRead && exact
      ? null
      : `${rule}: ${price} x PricingQuantity MUST match ${cost} (${p} x ${q} = ${c} ${asRead ? '' : 'as doubles '}${exact ? '' : 'in decimal'})`;
  };
}

function pairNullability(quantity: string, unit: string, rule: string): RowRule {
  return (row) =>
    isNull(row[quantity]) !== isNull(row[unit])
      ? `${rule}: ${unit} MUST be null exactly when ${quantity} is null`
      : null;
}

const ROW_RULES: readonly RowRule[] = [
  (row) =>
    CHARGE_CATEGORIES.includes(row.ChargeCategory ?? '')
      ? null
      : `ChargeCategory-C-003-M: "${row.ChargeCategory}" is not an allowed value`,
  (row) =>
    isNull(row.ChargeClass) || row.ChargeClass === 'Correction'
      ? null
      : `ChargeClass-C-005-C: ChargeClass MUST be "Correction" when not null`,
  (row) =>
    isNull(row.ChargeFrequency) || CHARGE_FREQUENCIES.includes(row.ChargeFrequency ?? '')
      ? null
      : `ChargeFrequency-C-003-M: "${row.ChargeFrequency}" is not an allowed value`,
  (row) =>
    row.ChargeCategory === 'Purchase' && row.ChargeFrequency === 'Usage-Based'
      ? 'ChargeFrequency-C-004-C: MUST NOT be Usage-Based when ChargeCategory is Purchase'
      : null,
  (row) =>
    SERVICE_CATEGORIES.includes(row.ServiceCategory ?? '')
      ? null
      : `ServiceCategory-C-003-M: "${row.ServiceCategory}" is not an allowed value`,
  (row) =>
    row.ServiceSubcategory === undefined ||
    (row.ServiceCategory === 'AI and Machine Learning' &&
      AI_SUBCATEGORIES.includes(row.ServiceSubcategory))
      ? null
      : `ServiceSubcategory-C-004-M: "${row.ServiceSubcategory}" is not a subcategory of "${row.ServiceCategory}"`,
  (row) =>
    isNull(row.PricingCategory) || PRICING_CATEGORIES.includes(row.PricingCategory ?? '')
      ? null
      : `PricingCategory-C-007-M: "${row.PricingCategory}" is not an allowed value`,
  needsValue('PricingCategory', 'PricingCategory-C-004-C'),
  nullOnTax('PricingCategory', 'PricingCategory-C-003-C'),
  needsValue('PricingQuantity', 'PricingQuantity-C-005-C'),
  nullOnTax('PricingQuantity', 'PricingQuantity-C-004-C'),
  needsValue('ListUnitPrice', 'ListUnitPrice-C-005-C'),
  nullOnTax('ListUnitPrice', 'ListUnitPrice-C-004-C'),
  needsValue('ContractedUnitPrice', 'ContractedUnitPrice-C-006-C'),
  nullOnTax('ContractedUnitPrice', 'ContractedUnitPrice-C-005-C'),
  needsValue('SkuId', 'SkuId-C-005-C'),
  nullOnTax('SkuId', 'SkuId-C-004-C'),
  needsValue('SkuPriceId', 'SkuPriceId-C-005-C'),
  nullOnTax('SkuPriceId', 'SkuPriceId-C-004-C'),
  (row) =>
    row.ChargeCategory === 'Usage' &&
    row.ChargeClass !== 'Correction' &&
    row.CommitmentDiscountStatus !== 'Unused' &&
    isNull(row.ConsumedQuantity)
      ? 'ConsumedQuantity-C-006-C: MUST NOT be null on a Usage row that is not a correction'
      : null,
  (row) =>
    row.ChargeCategory !== 'Usage' && !isNull(row.ConsumedQuantity)
      ? 'ConsumedQuantity-C-004-C: MUST be null when ChargeCategory is not Usage'
      : null,
  pairNullability('PricingQuantity', 'PricingUnit', 'PricingUnit-C-005/006-C'),
  pairNullability('ConsumedQuantity', 'ConsumedUnit', 'ConsumedUnit-C-005/006-C'),
  (row) =>
    isNull(row.SkuId) && !isNull(row.SkuMeter)
      ? 'SkuMeter-C-004-C: MUST be null when SkuId is null'
      : null,
  (row) =>
    isNull(row.SkuPriceId) && !isNull(row.SkuPriceDetails)
      ? 'SkuPriceDetails-C-004-C: MUST be null when SkuPriceId is null'
      : null,
  (row, version) => {
    if (version !== '1.3' || !isNull(row.SkuPriceId)) return null;
    const set = ['PricingQuantity', 'ConsumedQuantity', 'PricingCategory'].filter(
      (name) => !isNull(row[name]),
    );
    return set.length === 0 ? null : `1.3: ${set.join(', ')} MUST be null when SkuPriceId is null`;
  },
  (row) => {
    if (isNull(row.SkuPriceDetails)) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.SkuPriceDetails ?? '');
    } catch {
      return 'KeyValueFormat-A-001-M: SkuPriceDetails MUST be a serialized JSON object';
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return 'KeyValueFormat-A-001-M: SkuPriceDetails MUST be a JSON object';
    }
    for (const [key, value] of Object.entries(parsed)) {
      if (!key.startsWith('x_') && !SKU_PRICE_PROPERTIES.includes(key)) {
        return `SkuPriceDetails-C-017-C: key ${key} is neither FOCUS-defined nor x_-prefixed`;
      }
      if (value !== null && typeof value === 'object') {
        return `KeyValueFormat-A-003-M: value of ${key} MUST be a number, string, boolean or null`;
      }
      if (key === 'GpuCount' && typeof value !== 'number') {
        return 'SkuPriceDetails-C-021-M: GpuCount MUST be numeric';
      }
    }
    return null;
  },
  productRule('ListUnitPrice', 'ListCost', 'ListUnitPrice-C-010-C / ListCost-C-009-C'),
  productRule(
    'ContractedUnitPrice',
    'ContractedCost',
    'ContractedUnitPrice-C-011-C / ContractedCost-C-009-C',
  ),
  (row) =>
    ['ListUnitPrice', 'ContractedUnitPrice'].find(
      (name) => !isNull(row[name]) && Number(row[name]) < 0,
    ) === undefined
      ? null
      : 'ListUnitPrice-C-008-M / ContractedUnitPrice-C-009-C: unit prices MUST be non-negative',
  (row, version) => {
    const provider = version === '1.2' ? row.ProviderName : row.ServiceProviderName;
    return provider !== row.InvoiceIssuerName && Number(row.BilledCost) !== 0
      ? `BilledCost-C-005-C: BilledCost MUST be 0 when the provider (${provider}) is not the invoice issuer (${row.InvoiceIssuerName})`
      : null;
  },
  (row) =>
    NATIONAL_CURRENCIES.has(row.BillingCurrency ?? '')
      ? null
      : `BillingCurrency-C-006-M / CurrencyFormat-A-001-C: "${row.BillingCurrency}" is not an ISO 4217 national currency`,
  (row) => {
    const bad = ['PricingUnit', 'ConsumedUnit'].find(
      (name) => !isNull(row[name]) && !UNIT_FORMAT.test(row[name] ?? ''),
    );
    return bad === undefined ? null : `UnitFormat-A-000-M: ${bad} "${row[bad]}" is not a unit`;
  },
  (row) => {
    const at = (name: string) => Date.parse(row[name] ?? '');
    const [billingStart, billingEnd, chargeStart, chargeEnd] = [
      at('BillingPeriodStart'),
      at('BillingPeriodEnd'),
      at('ChargePeriodStart'),
      at('ChargePeriodEnd'),
    ] as [number, number, number, number];
    if (![billingStart, billingEnd, chargeStart, chargeEnd].every(Number.isFinite)) return null;
    if (!(chargeStart < chargeEnd)) {
      return 'ChargePeriodStart-C-004-M / ChargePeriodEnd-C-004-M: the charge period MUST be a non-empty [start, end)';
    }
    if (!(billingStart < billingEnd)) {
      return 'BillingPeriodStart-C-004-M / BillingPeriodEnd-C-004-M: the billing period MUST be a non-empty [start, end)';
    }
    return chargeStart >= billingStart && chargeEnd <= billingEnd
      ? null
      : 'ChargePeriod: a charge MUST fall inside its billing period';
  },
  // NullHandling-A-00x: no 0 standing in for "no value": a usage charge of nothing is one.
  (row) =>
    row.ChargeCategory === 'Usage' &&
    Number(row.PricingQuantity) === 0 &&
    Number(row.BilledCost) === 0
      ? 'NullHandling: a Usage row with zero quantity and zero cost is a placeholder'
      : null,
];

/** For each SkuPriceId, the distinct values of another column on its rows. */
function valuesPerPrice(rows: readonly Row[], column: string): Map<string, Set<string>> {
  const values = new Map<string, Set<string>>();
  for (const row of rows) {
    const id = row.SkuPriceId ?? '';
    if (id === '') continue;
    values.set(id, (values.get(id) ?? new Set()).add(row[column] ?? ''));
  }
  return values;
}

/** Rules over a whole column or the whole file. */
function fileViolations(
  names: readonly string[],
  rows: readonly Row[],
  version: FocusVersion,
): string[] {
  const problems: string[] = [];
  const defined = new Set(version === '1.2' ? DEFINED_1_2 : [...DEFINED_1_2, ...ADDED_1_3]);
  for (const name of mandatoryColumns(version).concat(PRICE_LIST_COLUMNS)) {
    if (!names.includes(name)) problems.push(`Presence: ${name} MUST be present`);
  }
  if (new Set(names).size !== names.length)
    problems.push('ColumnHandling: column IDs MUST be unique');
  for (const name of names) {
    if (defined.has(name)) continue;
    if (!CUSTOM_COLUMN_ID.test(name)) {
      problems.push(
        `ColumnHandling-A-010-M: ${name} is not a FOCUS ${version} column, so it MUST be a custom column x_ + PascalCase`,
      );
    }
    if (!FOCUS_COLUMN_ID.test(name.replace(/^x_/, ''))) {
      problems.push(`ColumnHandling-A-001/003-M: ${name} MUST be Pascal case and alphanumeric`);
    }
  }
  for (const name of DECIMAL_COLUMNS.filter((column) => names.includes(column))) {
    const values = rows.map((row) => row[name] ?? '').filter((value) => value !== '');
    const bad = values.find((value) => !NUMERIC.test(value));
    if (bad !== undefined) problems.push(`${name}-C-002-M NumericFormat: "${bad}" is not a number`);
    // A typed reader infers an all-integer column as integers, failing TypeDecimal.
    if (values.length > 0 && values.every((value) => !value.includes('.'))) {
      problems.push(`${name}-C-001-M TypeDecimal: every value is a whole number, read as integers`);
    }
    const decimals = new Set(values.map((value) => value.split('.')[1]?.length ?? 0));
    if (decimals.size > 1)
      problems.push(`${name}: fixed decimals, but rows have ${[...decimals].join(', ')}`);
  }
  for (const name of DATE_TIME_COLUMNS) {
    const bad = rows.find(
      (row) => !DATE_TIME.test(row[name] ?? '') || !Number.isFinite(Date.parse(row[name] ?? '')),
    );
    if (bad)
      problems.push(`${name}-C-002-M DateTimeFormat: "${bad[name]}" is not YYYY-MM-DDTHH:mm:ssZ`);
  }
  // SkuPriceId-C-008-M: one and only one parent SkuId per SkuPriceId.
  for (const [id, skus] of valuesPerPrice(rows, 'SkuId')) {
    if (skus.size !== 1)
      problems.push(`SkuPriceId-C-008-M: ${id} has SkuIds ${[...skus].join(', ')}`);
  }
  // SkuPriceDetails-C-007-M: the same details for every row of one SkuPriceId.
  for (const [id, set] of valuesPerPrice(rows, 'SkuPriceDetails')) {
    if (set.size !== 1) problems.push(`SkuPriceDetails-C-007-M: ${id} has several SkuPriceDetails`);
  }
  return problems;
}

/**
 * Every FOCUS rule the file breaks, as "rule: what" lines (row rules say which record); an
 * empty list is a file that passes. `delimiter` is "," as FOCUS files are written.
 */
export function focusViolations(csv: string, version: FocusVersion): string[] {
  const [names = [], ...lines] = parseCsvLines(csv);
  const rows = lines.map((cells) =>
    Object.fromEntries(cells.map((cell, i) => [names[i] ?? '', cell])),
  );
  const problems = fileViolations(names, rows, version);
  rows.forEach((row, index) => {
    for (const name of NOT_NULL.concat(version === '1.3' ? ADDED_1_3 : [])) {
      if (names.includes(name) && isNull(row[name])) {
        problems.push(`record ${index + 1}: ${name}: MUST NOT be null`);
      }
    }
    for (const rule of ROW_RULES) {
      const problem = rule(row, version);
      if (problem !== null) problems.push(`record ${index + 1}: ${problem}`);
    }
  });
  return problems;
}
