// ml-cost.config.json: optional settings for a team (source, metric names, labels, defaults,
// use-case values, gates), validated so that a typo is an error rather than a silent default.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { parseJsonText } from './catalogue/json-text.js';
import { unknownFieldMessage } from './catalogue/unknown-field.js';
import { UsageError } from './errors.js';
import { isPresetName, PRESET_NAMES } from './presets.js';

export const CONFIG_FILE = 'ml-cost.config.json';

const money = z.number().finite().nonnegative();

const limit = z.number().finite().nonnegative();
const gateLimits = {
  budget: limit.optional(),
  max_cost_per_inference: limit.optional(),
  min_tokens_per_eur: limit.optional(),
  /** Percent, 0..100. */
  max_unpriced_share: z.number().finite().min(0).max(100).optional(),
};

/** The "gates" section: limits for `ml-cost gate` when no limit flag is given. */
const gatesSchema = z.strictObject({
  ...gateLimits,
  on: z.enum(['actual', 'forecast']).optional(),
  period: z.string().min(1).optional(),
  use_cases: z.record(z.string().min(1), z.strictObject(gateLimits)).optional(),
});

export type GatesConfig = z.infer<typeof gatesSchema>;
export type GateLimitsConfig = z.infer<z.ZodObject<typeof gateLimits>>;

const configSchema = z
  .object({
    $schema: z.string().optional(),
    source: z.string().min(1).optional(),
    preset: z
      .string()
      .refine(isPresetName, {
        error: (issue) =>
          `unknown metrics preset ${JSON.stringify(issue.input)}; valid presets: ${PRESET_NAMES.join(', ')}`,
      })
      .optional(),
    metrics: z
      .object({
        gpu_seconds: z.string().min(1),
        tokens: z.string().min(1),
        inferences: z.string().min(1),
      })
      .partial()
      .strict()
      .optional(),
    labels: z
      .object({
        use_case: z.string().min(1),
        model_name: z.string().min(1),
        gpu_type: z.string().min(1),
      })
      .partial()
      .strict()
      .optional(),
    catalogue: z.string().min(1).optional(),
    tz: z
      .string()
      .refine(isTimeZone, {
        error: (issue) =>
          `unknown time zone ${JSON.stringify(issue.input)} (use an IANA name such as UTC or Europe/Paris)`,
      })
      .optional(),
    by: z.array(z.string().min(1)).min(1).optional(),
    settle_minutes: z.number().finite().nonnegative().optional(),
    use_cases: z
      .record(z.string(), z.object({ value_per_inference: money.optional() }).strict())
      .optional(),
    marginal_factor: z.number().finite().positive().optional(),
    gates: gatesSchema.optional(),
  })
  .strict();

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
    throw new UsageError(`--config ${path}: cannot read (${code ?? String(error)})`);
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
  return `${where || '(top level)'}: ${issue.message}`;
}

/** The field names the config schema allows in the object at `path`. */
function fieldsAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType | undefined = configSchema;
  for (const key of path) {
    schema = unwrapOptional(schema);
    if (schema instanceof z.ZodObject) schema = schema.shape[String(key)];
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return [];
  }
  schema = unwrapOptional(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrapOptional(schema: z.ZodType | undefined): z.ZodType | undefined {
  return schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
}
