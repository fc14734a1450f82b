// The shape of one catalogue version file (DESIGN.md §5). Rules within one file only; rules
// that span files (unique versions and dates) live in validate.ts.
import * as z from 'zod/mini';
import '../zod-messages.js';
import { ISO_4217_CURRENCIES } from './currencies.js';
import { gpuNameFields, gpuNamesResolve, PRINTABLE_NAME } from './gpu-names-schema.js';

/**
 * Rates at or above this many currency units per GPU-hour are rejected as typos. Published
 * on-demand rates stay below ~10 EUR/USD per GPU-hour, so 1000 catches a misplaced decimal
 * point (4100 for 4.10) with a wide margin. A currency of small units (an H100-hour is about
 * 5,500 KRW) sets its own bound in the file, max_gpu_hour_rate, which says so in the open.
 */
const MAX_GPU_HOUR_RATE = 1000;

const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// Whole hour, UTC: minutes and seconds are zero, an optional all-zero fraction, and a Z.
const WHOLE_HOUR_UTC =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):00:00(?:\.0+)?Z$/;
const ANY_ISO_TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
// No control or format characters: a name is printed by pricing show and diff, and an escape
// sequence or a bidirectional override in it would drive the terminal or disguise the name.
const GPU_TYPE = PRINTABLE_NAME;

const EXAMPLE_TIMESTAMP = '"2026-07-01T00:00:00Z"';

function required(what: string) {
  return (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : what);
}

function timestampProblem(input: unknown): string {
  if (typeof input !== 'string' || !ANY_ISO_TIMESTAMP.test(input)) {
    return `must be an ISO 8601 UTC timestamp on a whole hour, e.g. ${EXAMPLE_TIMESTAMP}`;
  }
  if (!input.endsWith('Z')) {
    return `must be in UTC, ending in "Z" (convert the offset), e.g. ${EXAMPLE_TIMESTAMP}`;
  }
  return `must be on a whole hour (minutes and seconds zero), e.g. ${EXAMPLE_TIMESTAMP}`;
}

/**
 * Rejects dates the pattern lets through but the calendar does not have (2026-02-30). A
 * timestamp the pattern refuses has its one problem named already.
 */
function isCalendarDate(timestamp: string): boolean {
  if (!WHOLE_HOUR_UTC.test(timestamp)) return true;
  const ms = Date.parse(timestamp);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === timestamp.slice(0, 10);
}

/** A version name field (shared with exchange-rate files); a new schema on each call. */
export function versionNameField(description: string) {
  return z
    .string({ error: required('must be a string such as "2026-07"') })
    .check(
      z.regex(VERSION_NAME, {
        error:
          'must be a non-empty name of letters, digits, ".", "_" or "-", starting with a letter or digit, e.g. "2026-07"',
      }),
    )
    .register(z.globalRegistry, { description });
}

/** An effective_from field: an ISO 8601 UTC instant on a whole hour, in the calendar. */
export function effectiveFromField(description: string) {
  return z
    .string({ error: required(`must be a string such as ${EXAMPLE_TIMESTAMP}`) })
    .check(
      z.regex(WHOLE_HOUR_UTC, { error: (issue) => timestampProblem(issue.input) }),
      z.refine(isCalendarDate, { error: 'is not a date in the calendar' }),
    )
    .register(z.globalRegistry, { format: 'date-time', description });
}

/** An ISO 4217 national currency code. */
export function currencyField(description: string) {
  return z
    .enum(ISO_4217_CURRENCIES, {
      error: required(
        'must be a three-letter ISO 4217 national currency code in upper case, e.g. "EUR", "USD", "GBP"',
      ),
    })
    .register(z.globalRegistry, { description });
}

const gpuHourRate = z
  .number({ error: required(rateRule(MAX_GPU_HOUR_RATE)) })
  .check(z.minimum(0, { error: rateRule(MAX_GPU_HOUR_RATE) }));

function rateRule(max: number): string {
  return `must be a finite number >= 0 and < ${max} (price per GPU-hour)`;
}

/** Every rate below the file's bound: max_gpu_hour_rate, or MAX_GPU_HOUR_RATE. */
const ratesBelowBound = z.superRefine(
  (file: { gpu_hour: Record<string, number>; max_gpu_hour_rate?: number | undefined }, ctx) => {
    // A bound that is not a positive number is reported on its own field: measuring rates
    // against it would add one contradictory line per rate.
    if (file.max_gpu_hour_rate !== undefined && !(file.max_gpu_hour_rate > 0)) return;
    const max = file.max_gpu_hour_rate ?? MAX_GPU_HOUR_RATE;
    const bound =
      file.max_gpu_hour_rate === undefined
        ? `< ${max} (price per GPU-hour; a currency of small units sets its own bound with "max_gpu_hour_rate")`
        : `< ${max}, this file's max_gpu_hour_rate (price per GPU-hour)`;
    for (const [gpuType, rate] of Object.entries(file.gpu_hour)) {
      if (rate >= max) {
        ctx.addIssue({
          code: 'custom',
          path: ['gpu_hour', gpuType],
          message: `must be a finite number >= 0 and ${bound}; a rate this high is usually a misplaced decimal point`,
          input: rate,
        });
      }
    }
  },
);

export const priceVersionFileSchema = z
  .strictObject({
    $schema: z
      .optional(z.string({ error: 'must be a string (a path or URL to schema.json)' }))
      .register(z.globalRegistry, { description: 'Path or URL of this JSON Schema, for editors.' }),
    version: versionNameField('Unique name of this version, e.g. "2026-07".'),
    effective_from: effectiveFromField(
      'UTC instant on a whole hour from which these rates apply, e.g. "2026-07-01T00:00:00Z". The version in force at t is the one with the latest effective_from <= t.',
    ),
    currency: currencyField(
      'ISO 4217 currency code of every rate in this version, e.g. "EUR". Versions may differ; reports convert with the rates in fx/.',
    ),
    gpu_hour: z
      .record(
        z.string().check(
          z.regex(GPU_TYPE, {
            error:
              'GPU type must be non-empty, with no control characters and no leading or trailing spaces',
          }),
        ),
        gpuHourRate,
        {
          error: required(
            'must be an object of GPU type -> price per GPU-hour, e.g. { "L4": 0.71 }',
          ),
        },
      )
      .check(
        z.refine((rates) => Object.keys(rates).length > 0, {
          error: 'must list at least one GPU type, e.g. { "H100-80GB": 4.1 }',
        }),
      )
      .register(z.globalRegistry, {
        minProperties: 1,
        description:
          'Price per GPU-hour by GPU type (the gpu_type label value), each below max_gpu_hour_rate (default 1000). A GPU type not listed is unpriced, never free.',
      }),
    max_gpu_hour_rate: z
      .optional(
        z
          .number({ error: 'must be a number above 0 (the highest plausible price per GPU-hour)' })
          .check(
            z.positive({
              error: 'must be a number above 0 (the highest plausible price per GPU-hour)',
            }),
          ),
      )
      .register(z.globalRegistry, {
        description: `Rates must stay below this (default ${MAX_GPU_HOUR_RATE}): a guard against misplaced decimal points. Raise it for a currency of small units, e.g. 100000 for KRW.`,
      }),
    ...gpuNameFields,
    notes: z.optional(z.string({ error: 'must be a string' })).register(z.globalRegistry, {
      description: 'Where these prices come from: provider, instance, FX rate, date.',
    }),
  })
  .check(ratesBelowBound, gpuNamesResolve)
  .register(z.globalRegistry, {
    title: 'ml-cost pricing catalogue version',
    description:
      'One version of the ml-cost pricing catalogue: GPU-hour rates in force from effective_from.',
  });

export type PriceVersionFile = z.infer<typeof priceVersionFileSchema>;

/** The fields a version file may have, for "did you mean" hints on unknown fields. */
export const VERSION_FILE_FIELDS: readonly string[] = Object.keys(priceVersionFileSchema.shape);
