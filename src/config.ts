// ml-cost.config.json: optional settings for a team (source, metric names, labels, defaults,
// use-case values, gates, FOCUS identity), validated so that a typo is an error rather than a silent default.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import * as z from 'zod/mini';
import { attributionSchema } from './attribution-config.js';
import { ISO_4217_CURRENCIES } from './catalogue/currencies.js';
import { parseJsonText } from './catalogue/json-text.js';
import { unknownFieldMessage } from './catalogue/unknown-field.js';
import { METRICS, type Metric, measureOf, readsSamples } from './core/measures.js';
import { UsageError } from './errors.js';
import { FOCUS_AI_SUBCATEGORIES } from './export/focus-values.js';
import { gpuTypesSchema } from './gpu-types-config.js';
import { isPresetName, PRESET_NAMES } from './presets.js';
import { isLabelName, isMetricName } from './sources/promql.js';
import { parseDuration } from './sources/sample-interval.js';
import './zod-messages.js';
import { fileProblem } from './file-errors.js';

export const CONFIG_FILE = 'ml-cost.config.json';

// zod numbers already reject Infinity and NaN, so no separate "finite" rule is needed.
const nonNegative = () => z.number().check(z.nonnegative());
const nonEmpty = () => z.string().check(z.minLength(1));

// Checked here, not when the query is built, so the error names this file and the field.
const labelName = () =>
  z.string().check(
    z.refine(isLabelName, {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a label name (letters, digits, _ and ., not starting with a digit or __)`,
    }),
  );
const metricName = () =>
  z.string().check(
    z.refine(isMetricName, {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a metric name (letters, digits, _, : and ., not starting with a digit)`,
    }),
  );

const nameList = () =>
  z.union([
    metricName(),
    z.array(metricName()).check(
      z.minLength(1),
      z.refine((names) => new Set(names).size === names.length, {
        error: 'a metric name is listed twice',
      }),
    ),
  ]);

/**
 * One stored name, or several whose usage adds up (vLLM's prompt and generation tokens), or
 * names with label values their series must have: {"names": "...", "match": {"label": "value"}}.
 */
const storedNames = () =>
  z.union([
    nameList(),
    z.strictObject({
      names: nameList(),
      match: z.record(
        labelName(),
        z.union([z.string(), z.array(z.string()).check(z.minLength(1))]),
      ),
    }),
  ]);

/** A Prometheus duration of more than 0: "30s", "1m", "1m30s", "500ms". */
const scrapeInterval = () =>
  z.string().check(
    z.refine((text) => parseDuration(text) !== null, {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a scrape interval: give a duration of more than 0 such as "30s", "1m" or "1m30s"`,
    }),
  );

/**
 * A measure's metric: its stored name(s), or an object that also says how to read it — a
 * counter, a gauge (each sample worth its value for one scrape interval) or a presence (each
 * sample worth one scrape interval) — a scale (0.01 for a percentage read as a ratio) and, for
 * a gauge or presence, the scrape interval (detected from the data when not given).
 */
const metricSetting = (measure: Metric) =>
  z.union([
    storedNames(),
    z
      .strictObject({
        name: storedNames(),
        kind: z.optional(z.enum(['counter', 'gauge', 'presence'])),
        scale: z.optional(z.number().check(z.positive())),
        scrape_interval: z.optional(scrapeInterval()),
      })
      .check(
        z.refine(
          (setting) =>
            setting.scrape_interval === undefined ||
            readsSamples(setting.kind ?? measureOf(measure).kind),
          {
            error: 'a counter has no scrape interval: scrape_interval is for a gauge or presence',
            path: ['scrape_interval'],
          },
        ),
      ),
  ]);

export type MetricSetting = z.infer<ReturnType<typeof metricSetting>>;

const money = nonNegative();

const limit = nonNegative();
const gateLimits = {
  budget: z.optional(limit),
  max_cost_per_inference: z.optional(limit),
  min_tokens_per_eur: z.optional(limit),
  /** Percent, 0..100. */
  max_unpriced_share: z.optional(z.number().check(z.minimum(0), z.maximum(100))),
  /** Robust sigmas, more than 0. */
  max_drift: z.optional(z.number().check(z.positive())),
};

/** The "gates" section: limits for `ml-cost gate` when no limit flag is given. */
const gatesSchema = z.strictObject({
  ...gateLimits,
  on: z.optional(z.enum(['actual', 'forecast'])),
  /** 0 < confidence < 1: with "on": "forecast", budgets are held as odds. */
  confidence: z.optional(z.number().check(z.positive(), z.lt(1))),
  period: z.optional(nonEmpty()),
  use_cases: z.optional(z.record(nonEmpty(), z.strictObject(gateLimits))),
});

export type GatesConfig = z.infer<typeof gatesSchema>;

/** The "export" section: who provides and bills the GPUs, as FOCUS exports name them. */
const exportSchema = z.strictObject({
  focus: z.optional(
    z.partial(
      z.strictObject({
        billing_account_id: nonEmpty(),
        billing_account_name: nonEmpty(),
        service_provider_name: nonEmpty(),
        host_provider_name: nonEmpty(),
        invoice_issuer_name: nonEmpty(),
        service_name: nonEmpty(),
        service_subcategory: z.enum(FOCUS_AI_SUBCATEGORIES, {
          error: `must be a FOCUS ServiceSubcategory of "AI and Machine Learning": ${FOCUS_AI_SUBCATEGORIES.map((name) => JSON.stringify(name)).join(', ')}`,
        }),
      }),
    ),
  ),
});

/** The "csv" section: how CSV output is punctuated, for spreadsheets in the reader's locale. */
const csvSchema = z.strictObject({ decimal_comma: z.optional(z.boolean()) });

export type FocusIdentityConfig = NonNullable<z.infer<typeof exportSchema>['focus']>;
export type GateLimitsConfig = z.infer<z.ZodMiniObject<typeof gateLimits>>;

const configSchema = z.strictObject({
  $schema: z.optional(z.string()),
  source: z.optional(nonEmpty()),
  preset: z.optional(
    z.string().check(
      z.refine(isPresetName, {
        error: (issue) =>
          `unknown metrics preset ${JSON.stringify(issue.input)}; valid presets: ${PRESET_NAMES.join(', ')}`,
      }),
    ),
  ),
  // One field per measure (core/measures.ts): a new measure can be named here without an edit.
  metrics: z.optional(
    z.partial(
      z.strictObject(
        Object.fromEntries(METRICS.map((name) => [name, metricSetting(name)])) as Record<
          Metric,
          ReturnType<typeof metricSetting>
        >,
      ),
    ),
  ),
  labels: z.optional(
    z.partial(
      z.strictObject({
        use_case: labelName(),
        model_name: labelName(),
        gpu_type: labelName(),
        mig_profile: labelName(),
      }),
    ),
  ),
  catalogue: z.optional(nonEmpty()),
  currency: z.optional(
    z.string().check(
      z.refine((code) => (ISO_4217_CURRENCIES as readonly string[]).includes(code), {
        error: (issue) =>
          `${JSON.stringify(issue.input)} is not an ISO 4217 currency code in upper case, e.g. "EUR", "USD"`,
      }),
    ),
  ),
  tz: z.optional(
    z.string().check(
      z.refine(isTimeZone, {
        error: (issue) =>
          `unknown time zone ${JSON.stringify(issue.input)} (use an IANA name such as UTC or Europe/Paris)`,
      }),
    ),
  ),
  by: z.optional(
    z.array(labelName()).check(
      z.minLength(1),
      z.refine((labels) => new Set(labels).size === labels.length, {
        error: 'a label is listed twice',
      }),
    ),
  ),
  settle_minutes: z.optional(nonNegative()),
  /** What cost is the cost of: allocated GPU time (default) or busy GPU time. */
  cost_basis: z.optional(z.enum(['allocated', 'busy'])),
  use_cases: z.optional(
    z.record(z.string(), z.strictObject({ value_per_inference: z.optional(money) })),
  ),
  marginal_factor: z.optional(z.number().check(z.positive())),
  gates: z.optional(gatesSchema),
  export: z.optional(exportSchema),
  csv: z.optional(csvSchema),
  attribution: z.optional(attributionSchema),
  gpu_types: z.optional(gpuTypesSchema),
});

export type Config = z.infer<typeof configSchema>;

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export interface LoadedConfig {
  readonly config: Config;
  /** The file it came from, or null when none was found. */
  readonly path: string | null;
}

/**
 * Loads --config FILE, or ml-cost.config.json in the working directory when present.
 * Relative paths inside it (catalogue, a file source) resolve against the file's directory.
 */
export async function loadConfig(
  explicitPath: string | undefined,
  cwd: string,
): Promise<LoadedConfig> {
  const path = resolve(cwd, explicitPath ?? CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (explicitPath === undefined && code === 'ENOENT') return { config: {}, path: null };
    throw new UsageError(`--config ${path}: cannot read (${fileProblem(error)})`);
  }
  const json = parseJsonText(text);
  if (!json.ok) throw new UsageError(`${path}: ${json.problem}`);
  const parsed = configSchema.safeParse(json.value);
  if (!parsed.success) throw new UsageError(`${path}: ${describeIssues(parsed.error.issues)}`);
  const config = { ...parsed.data };
  const base = dirname(path);
  if (config.catalogue !== undefined) config.catalogue = resolve(base, config.catalogue);
  if (
    config.source !== undefined &&
    !/^https?:\/\//i.test(config.source) &&
    config.source !== 'example'
  ) {
    config.source = resolve(base, config.source);
  }
  return { config, path };
}

/**
 * One line for the most telling issue: an unknown field first, since a misspelt name is the
 * likeliest mistake and explains the rest, with the fields allowed where it stands.
 */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const issue = issues.find((candidate) => candidate.code === 'unrecognized_keys') ?? issues[0];
  if (!issue) return '(top level): invalid';
  const where = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const field = where === '' ? key : `${where}.${key}`;
    return `${field}: ${unknownFieldMessage(key, fieldsAt(issue.path))}`;
  }
  return `${where || '(top level)'}: ${issueText(issue)}`;
}

/** zod's issue in ml-cost's words ("must be 0 or more"), not its own ("Too small: ..."). */
function issueText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      // JSON has objects where zod speaks of records.
      const expected = issue.expected === 'record' ? 'object' : issue.expected;
      return `must be ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}`;
    }
    case 'too_small':
      if (issue.origin === 'string' || (issue.origin === 'array' && issue.minimum === 1)) {
        return 'must not be empty';
      }
      if (issue.origin === 'array') return `must list at least ${issue.minimum}`;
      return `must be ${issue.inclusive ? `${issue.minimum} or more` : `more than ${issue.minimum}`}`;
    case 'too_big':
      return `must be ${issue.inclusive ? `${issue.maximum} or less` : `less than ${issue.maximum}`}`;
    case 'invalid_key':
      // The key's own problem ("__pod" is not a label name), not the object's.
      return issue.issues[0]?.message ?? issue.message;
    case 'invalid_value':
      return `must be ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}`;
    default:
      return issue.message;
  }
}

/** The field names the config schema allows in the object at `path`. */
function fieldsAt(path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType | undefined = configSchema;
  for (const key of path) {
    schema = unwrapOptional(schema);
    if (schema instanceof z.ZodMiniObject) schema = schema.shape[String(key)];
    else if (schema instanceof z.ZodMiniRecord) schema = schema.def.valueType;
    else if (schema instanceof z.ZodMiniArray) schema = schema.def.element;
    else return [];
  }
  schema = unwrapOptional(schema);
  return schema instanceof z.ZodMiniObject ? Object.keys(schema.shape) : [];
}

function unwrapOptional(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  return schema instanceof z.ZodMiniOptional ? schema.def.innerType : schema;
}
