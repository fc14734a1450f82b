// The shape of one exchange-rate file (pricing/fx/*.json). Rules within one file only; rules
// that span files (unique names, one rate per pair and instant, one direction per pair) live in
// fx-validate.ts.
import * as z from 'zod/mini';
import '../zod-messages.js';
import { currencyField, effectiveFromField, versionNameField } from './schema.js';

const RATE_RULE = 'must be a finite number > 0: how many units of quote one unit of base buys';

export const fxRateFileSchema = z
  .strictObject({
    $schema: z
      .optional(z.string({ error: 'must be a string (a path or URL to schema.json)' }))
      .register(z.globalRegistry, { description: 'Path or URL of this JSON Schema, for editors.' }),
    version: versionNameField(
      'Unique name of this exchange-rate version among the fx/ files, e.g. "EURUSD-2026-07".',
    ),
    effective_from: effectiveFromField(
      'UTC instant on a whole hour from which this rate applies, e.g. "2026-07-01T00:00:00Z". The rate of a pair in force at t is the one with the latest effective_from <= t; before the first there is none.',
    ),
    base: currencyField('ISO 4217 code of the currency one unit of which is priced, e.g. "EUR".'),
    quote: currencyField('ISO 4217 code of the currency the rate is expressed in, e.g. "USD".'),
    rate: z
      .number({
        error: (issue) => (issue.input === undefined ? 'is required' : RATE_RULE),
      })
      .check(z.positive({ error: RATE_RULE }))
      .register(z.globalRegistry, {
        exclusiveMinimum: 0,
        description:
          'Units of quote per unit of base: 1 base = rate quote (EUR/USD 1.14 is base EUR, quote USD, rate 1.14). Used as written; the inverse pair divides by it.',
      }),
    source: z
      .string({
        error: (issue) =>
          issue.input === undefined
            ? 'is required: where the rate comes from (publisher, series, date)'
            : 'must be a string: where the rate comes from',
      })
      .check(
        z.refine((text) => text.trim() !== '', {
          error: 'must say where the rate comes from (publisher, series, date), not be empty',
        }),
      )
      .register(z.globalRegistry, {
        minLength: 1,
        description:
          'Where the rate comes from: publisher, series and date, e.g. "ECB euro reference rate of 2026-06-30".',
      }),
  })
  .check(
    z.superRefine((file: { base: string; quote: string }, ctx) => {
      if (file.base === file.quote) {
        ctx.addIssue({
          code: 'custom',
          path: ['quote'],
          message: `must differ from base ("${file.base}"): a currency needs no rate to itself`,
          input: file.quote,
        });
      }
    }),
  )
  .register(z.globalRegistry, {
    title: 'ml-cost exchange-rate version',
    description:
      'One exchange rate of the ml-cost pricing catalogue: 1 base = rate quote from effective_from, until the next rate of the same pair.',
  });

export type FxRateFile = z.infer<typeof fxRateFileSchema>;

/** The fields an exchange-rate file may have, for "did you mean" hints on unknown fields. */
export const FX_FILE_FIELDS: readonly string[] = Object.keys(fxRateFileSchema.shape);
