// Validation rules over parsed version files: per file (the zod schema) and across files.
// Pure: callers read the files; every problem comes back as one line "file: field: what to fix".
import type { core } from 'zod/mini';
import type { MigRule, PriceVersion } from '../core/types.js';
import { isoUtc } from '../iso-time.js';
import { MIG_RULE_FIELDS } from './gpu-names-schema.js';
import { type PriceVersionFile, priceVersionFileSchema, VERSION_FILE_FIELDS } from './schema.js';
import { unknownFieldMessage } from './unknown-field.js';

/** A version file that passed its own schema, with the label used to name it in messages. */
export interface CheckedVersion {
  readonly file: string;
  readonly version: PriceVersion;
}

export type FileCheck =
  | { readonly ok: true; readonly checked: CheckedVersion }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Validates one parsed version file against the schema and turns it into a PriceVersion. */
export function checkVersionFile(file: string, parsed: unknown): FileCheck {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      ok: false,
      problems: [`${file}: must be a JSON object with version, effective_from, currency, gpu_hour`],
    };
  }
  const reserved = reservedKeyPaths(parsed);
  if (reserved.length > 0) {
    return {
      ok: false,
      problems: reserved.map(
        (path) =>
          `${file}: ${path}: "__proto__" cannot be a name (JavaScript would drop it without a word); rename it`,
      ),
    };
  }
  const result = priceVersionFileSchema.safeParse(parsed);
  if (!result.success) {
    // Unknown fields first: a misspelt field name also makes the real one "required".
    const issues = [...result.error.issues].sort(
      (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
    );
    return {
      ok: false,
      problems: issues.flatMap((issue) => describeIssue(file, parsed, issue, VERSION_FILE_FIELDS)),
    };
  }
  const data = result.data;
  return {
    ok: true,
    checked: {
      file,
      version: {
        version: data.version,
        effectiveFromMs: Date.parse(data.effective_from),
        currency: data.currency,
        gpuHour: Object.freeze({ ...data.gpu_hour }),
        ...(data.gpu_aliases && Object.keys(data.gpu_aliases).length > 0
          ? { gpuAliases: Object.freeze({ ...data.gpu_aliases }) }
          : {}),
        ...(data.mig && Object.keys(data.mig).length > 0 ? { mig: migRules(data.mig) } : {}),
      },
    },
  };
}

/** Where the parsed file has a key "__proto__", which zod's records drop silently. */
function reservedKeyPaths(value: unknown, path = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const found: string[] = [];
  for (const [key, inner] of Object.entries(value)) {
    const here = path === '' ? key : `${path}.${key}`;
    if (key === '__proto__') found.push(here);
    else found.push(...reservedKeyPaths(inner, here));
  }
  return found;
}

function migRules(mig: NonNullable<PriceVersionFile['mig']>): PriceVersion['mig'] {
  const rules: Record<string, MigRule> = {};
  for (const [gpuType, rule] of Object.entries(mig)) {
    Object.defineProperty(rules, gpuType, {
      value: Object.freeze({
        ...(rule.slices !== undefined ? { slices: rule.slices } : {}),
        ...(rule.share !== undefined ? { share: Object.freeze({ ...rule.share }) } : {}),
      }),
      enumerable: true,
    });
  }
  return Object.freeze(rules);
}

/**
 * Rules that span files: unique names, unique start instants. Versions may price in different
 * currencies: reports convert them with the exchange rates in fx/ (effective-prices.ts).
 * Returns the problems, each naming the later file and the field.
 */
export function checkCatalogueRules(checked: readonly CheckedVersion[]): string[] {
  const problems: string[] = [];
  const byName = new Map<string, CheckedVersion>();
  const byStart = new Map<number, CheckedVersion>();
  for (const entry of checked) {
    const { version } = entry;
    const sameName = byName.get(version.version);
    if (sameName) {
      problems.push(
        `${entry.file}: version: "${version.version}" is already used by ${sameName.file}; give each version a unique name`,
      );
    } else {
      byName.set(version.version, entry);
    }
    const sameStart = byStart.get(version.effectiveFromMs);
    if (sameStart) {
      problems.push(
        `${entry.file}: effective_from: ${isoUtc(version.effectiveFromMs)} is already the start of version "${sameStart.version.version}" (${sameStart.file}); each version needs its own start`,
      );
    } else {
      byStart.set(version.effectiveFromMs, entry);
    }
  }
  return problems;
}

/** Versions sorted by effective_from, the order Catalogue.versions keeps. */
export function sortVersions(checked: readonly CheckedVersion[]): PriceVersion[] {
  return checked.map((c) => c.version).sort((a, b) => a.effectiveFromMs - b.effectiveFromMs);
}

/**
 * One zod issue as lines "file: field: what to fix (got ...)". `lineOf` names the line of a
 * top-level field, where the caller kept the text.
 */
export function describeIssue(
  file: string,
  input: unknown,
  issue: core.$ZodIssue,
  fields: readonly string[],
  lineOf?: (key: string) => number | undefined,
): string | string[] {
  const at = (key: PropertyKey | undefined) => {
    const line = key === undefined ? undefined : lineOf?.(String(key));
    return line === undefined ? '' : ` (line ${line})`;
  };
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? `${fieldPath(issue.path)}.` : '';
    // Inside mig.<GPU type> of a version file the fields are a MIG rule's, not the file's.
    const allowed =
      fields === VERSION_FILE_FIELDS && issue.path[0] === 'mig' ? MIG_RULE_FIELDS : fields;
    return issue.keys.map(
      (key) =>
        `${file}: ${where}${key}: ${unknownFieldMessage(key, allowed)}${at(issue.path[0] ?? key)}`,
    );
  }
  const path = fieldPath(issue.path);
  if (issue.code === 'invalid_key') {
    return `${file}: ${path}: ${issue.issues[0]?.message ?? issue.message} (got ${JSON.stringify(String(issue.path.at(-1)))})`;
  }
  const value = valueAt(input, issue.path);
  const got = value === undefined ? '' : ` (got ${show(value)})`;
  return `${file}: ${path || '(top level)'}: ${issue.message}${got}${at(issue.path[0])}`;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function show(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
