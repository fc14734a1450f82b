// The config's "attribution" section: rules mapping cluster labels to use cases, checked so
// that a broken rule is an error naming it (exit 2), then compiled for the pure core.
import * as z from 'zod/mini';
import { Attribution, anchoredRegex, type LabelMatcher } from './core/attribution.js';
import { isLabelName } from './sources/promql.js';
import './zod-messages.js';

const MATCHER_RULE =
  'must be a string (the exact value), { "prefix": "..." } or { "regex": "..." }';

export const labelName = () =>
  z.string().check(
    z.refine(isLabelName, {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a label name (letters, digits, _ and ., not starting with a digit or __)`,
    }),
  );

/** One label's matcher, as attribution rules and gpu_types rules write it. */
export const matcherSchema = z.union(
  [
    z.string(),
    z.strictObject({ prefix: z.string() }),
    z.strictObject({
      regex: z.string().check(
        z.refine(compiles, {
          error: (issue) =>
            `invalid regular expression ${JSON.stringify(issue.input)}: ${regexProblem(String(issue.input))}`,
        }),
      ),
    }),
  ],
  { error: MATCHER_RULE },
);

const ruleSchema = z.strictObject({
  match: z.record(labelName(), matcherSchema, {
    error: 'must be an object of label -> matcher, e.g. { "namespace": "search" }',
  }),
  use_case: z.union([z.string().check(z.minLength(1)), z.strictObject({ label: labelName() })], {
    error: 'must be a non-empty use-case name, or { "label": "<label>" } to take its value',
  }),
});

export const attributionSchema = z.strictObject({
  rules: z.array(ruleSchema).check(z.minLength(1)),
});

export type AttributionConfig = z.infer<typeof attributionSchema>;

/** The fields of the section and of one rule, for "did you mean" hints. */
export const ATTRIBUTION_FIELDS = {
  section: Object.keys(attributionSchema.shape),
  rule: Object.keys(ruleSchema.shape),
};

function compiles(source: string): boolean {
  try {
    anchoredRegex(source);
    return true;
  } catch {
    return false;
  }
}

function regexProblem(source: string): string {
  try {
    anchoredRegex(source);
    return 'unknown';
  } catch (error) {
    // "Invalid regular expression: /(a/u: Unterminated group" -> "Unterminated group"
    return (error as Error).message.replace(/^Invalid regular expression: \/.*\/u?: /s, '');
  }
}

/** The rules as the core runs them. The config schema has checked every regex compiles. */
export function compileAttribution(config: AttributionConfig): Attribution {
  return new Attribution(
    config.rules.map((rule) => ({
      match: Object.entries(rule.match).map(([label, matcher]) => ({
        label,
        matcher: toMatcher(matcher),
      })),
      useCase:
        typeof rule.use_case === 'string'
          ? { value: rule.use_case }
          : { fromLabel: rule.use_case.label },
    })),
  );
}

/** A matcher as the core runs it. The schema has checked every regex compiles. */
export function toMatcher(
  matcher: AttributionConfig['rules'][number]['match'][string],
): LabelMatcher {
  if (typeof matcher === 'string') return { kind: 'equals', value: matcher };
  if ('prefix' in matcher) return { kind: 'prefix', value: matcher.prefix };
  return { kind: 'regex', value: anchoredRegex(matcher.regex) };
}
