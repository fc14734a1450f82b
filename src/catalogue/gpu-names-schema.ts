// The parts of a version file that say how exporters name GPU types (gpu_aliases) and how MIG
// slices are priced (mig), and the rules that tie both to the file's gpu_hour keys.
import * as z from 'zod/mini';
import '../zod-messages.js';
import { DEFAULT_MIG_SLICES } from '../core/mig.js';

// The same rule as a GPU type: printed by pricing show and diff, and named in unpriced notes,
// so no control or format characters and no leading or trailing spaces.
export const PRINTABLE_NAME = /^[^\s\p{Cc}\p{Cf}](?:[^\p{Cc}\p{Cf}]*[^\s\p{Cc}\p{Cf}])?$/u;

/** NVIDIA's MIG GPUs split into at most 7 compute slices (MIG user guide, supported GPUs). */
const MAX_MIG_SLICES = 7;

function printable(what: string) {
  return z.string().check(
    z.regex(PRINTABLE_NAME, {
      error: `${what} must be non-empty, with no control characters and no leading or trailing spaces`,
    }),
  );
}

const migRuleSchema = z.strictObject({
  slices: z
    .optional(
      z
        .int({ error: sliceRule() })
        .check(
          z.minimum(1, { error: sliceRule() }),
          z.maximum(MAX_MIG_SLICES, { error: sliceRule() }),
        ),
    )
    .register(z.globalRegistry, {
      description: `Compute slices of a whole GPU of this type (default ${DEFAULT_MIG_SLICES}: A100, H100, H200, B200; 4 on A30 and RTX PRO 6000 Blackwell). A profile "<N>g.<M>gb" costs N / slices of the GPU's rate.`,
    }),
  share: z
    .optional(
      z.record(
        printable('MIG profile'),
        z
          .number({ error: shareRule() })
          .check(z.positive({ error: shareRule() }), z.maximum(1, { error: shareRule() })),
        {
          error:
            'must be an object of MIG profile -> share of the whole GPU, e.g. { "1g.10gb": 0.125 }',
        },
      ),
    )
    .register(z.globalRegistry, {
      description:
        'Share of the whole GPU\'s rate per MIG profile (the GPU_I_PROFILE label), in (0, 1], instead of N / slices, e.g. { "1g.10gb": 0.125 } to price by memory.',
    }),
});

function sliceRule(): string {
  return `must be a whole number from 1 to ${MAX_MIG_SLICES} (compute slices of the whole GPU)`;
}

function shareRule(): string {
  return "must be a number above 0 and at most 1 (share of the whole GPU's rate)";
}

/** The fields of one GPU type's MIG rule, for "did you mean" hints. */
export const MIG_RULE_FIELDS: readonly string[] = Object.keys(migRuleSchema.shape);

export const gpuNameFields = {
  gpu_aliases: z
    .optional(
      z.record(printable('alias'), printable('the GPU type an alias names'), {
        error: 'must be an object of exporter name -> GPU type, e.g. { "NVIDIA L4": "L4" }',
      }),
    )
    .register(z.globalRegistry, {
      description:
        'Other names of GPU types, as exporters write them, each naming a key of gpu_hour: e.g. DCGM\'s modelName { "NVIDIA H100 80GB HBM3": "H100-80GB" }. Matched exactly.',
    }),
  mig: z
    .optional(
      z.record(printable('GPU type'), migRuleSchema, {
        error: 'must be an object of GPU type -> MIG rule, e.g. { "A30-24GB": { "slices": 4 } }',
      }),
    )
    .register(z.globalRegistry, {
      description: `How MIG slices of a GPU type (a key of gpu_hour) are priced. A slice costs its share of the whole GPU's rate: N / ${DEFAULT_MIG_SLICES} for a profile "<N>g.<M>gb" unless the GPU type sets other slices or a share per profile.`,
    }),
};

interface GpuNames {
  gpu_hour: Record<string, number>;
  gpu_aliases?: Record<string, string> | undefined;
  mig?: Record<string, unknown> | undefined;
}

/**
 * Every alias and MIG rule names a priced GPU type: an alias that pointed nowhere, or that
 * shadowed a key, would price usage other than the file says.
 */
export const gpuNamesResolve = z.superRefine((file: GpuNames, ctx) => {
  const keys = file.gpu_hour;
  const aliases = file.gpu_aliases ?? {};
  const known = () => listed(Object.keys(keys));
  for (const [alias, target] of Object.entries(aliases)) {
    const path = ['gpu_aliases', alias];
    // A name the pattern refused has its one problem named already.
    if (!PRINTABLE_NAME.test(alias) || !PRINTABLE_NAME.test(target)) continue;
    if (Object.hasOwn(keys, alias)) {
      ctx.addIssue({
        code: 'custom',
        path,
        input: target,
        message: `${JSON.stringify(alias)} is a GPU type of gpu_hour already; an alias is another name for one (remove the alias or the rate)`,
      });
    } else if (!Object.hasOwn(keys, target)) {
      const why = Object.hasOwn(aliases, target)
        ? `names the alias ${JSON.stringify(target)}; an alias names a GPU type of gpu_hour, one of`
        : `names ${JSON.stringify(target)}, which gpu_hour does not price; use one of`;
      ctx.addIssue({ code: 'custom', path, input: target, message: `${why} ${known()}` });
    }
  }
  for (const gpuType of Object.keys(file.mig ?? {})) {
    if (Object.hasOwn(keys, gpuType) || !PRINTABLE_NAME.test(gpuType)) continue;
    const hint = Object.hasOwn(aliases, gpuType)
      ? `it is an alias of ${JSON.stringify(aliases[gpuType])}; use that name`
      : `use one of ${known()}`;
    ctx.addIssue({
      code: 'custom',
      path: ['mig', gpuType],
      input: gpuType,
      message: `${JSON.stringify(gpuType)} is not a GPU type of gpu_hour; ${hint}`,
    });
  }
});

function listed(names: readonly string[]): string {
  const shown = names.slice(0, 8).map((name) => JSON.stringify(name));
  return names.length > shown.length ? `${shown.join(', ')}, ...` : shown.join(', ');
}
