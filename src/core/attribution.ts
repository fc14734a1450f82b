// Attribution rules: which use case a series' usage belongs to, from the labels a cluster
// really has (namespace, pod, container, any label). First match wins; no match leaves the
// usage unattributed, counted and named, never dropped. Pure.
import type { Labels } from './types.js';

/** How one label's value is matched. A label a series lacks has the value "". */
export type LabelMatcher =
  | { readonly kind: 'equals'; readonly value: string }
  | { readonly kind: 'prefix'; readonly value: string }
  /** Anchored at both ends, as PromQL's =~ is. */
  | { readonly kind: 'regex'; readonly value: RegExp };

export interface AttributionRule {
  /** Every label listed must match (an empty list matches every series). */
  readonly match: readonly { readonly label: string; readonly matcher: LabelMatcher }[];
  /** A fixed use case, or the value of a label (a rule whose label is empty does not match). */
  readonly useCase: { readonly value: string } | { readonly fromLabel: string };
}

export class Attribution {
  /** The labels any rule reads, in first-use order: the sources group by these. */
  readonly labelsRead: readonly string[];
  // One answer per distinct combination of the labels read: a pod's series share theirs.
  private readonly answers = new Map<string, string | undefined>();

  constructor(
    readonly rules: readonly AttributionRule[],
    /**
     * Why usage no rule claims is unattributed, and what to do, where the rules are a preset's
     * default rather than the config's: "come from series without a namespace label (...)".
     */
    readonly unmatchedReason?: string,
  ) {
    const read = new Set<string>();
    for (const rule of rules) {
      for (const { label } of rule.match) read.add(label);
      if ('fromLabel' in rule.useCase) read.add(rule.useCase.fromLabel);
    }
    this.labelsRead = [...read];
  }

  /** The use case of the first rule that matches, or undefined: unattributed. */
  useCaseOf(labels: Labels): string | undefined {
    // Length-prefixed values: unambiguous whatever characters they hold.
    let key = '';
    for (const label of this.labelsRead) {
      const value = labels[label] ?? '';
      key += `${value.length}:${value}`;
    }
    if (this.answers.has(key)) return this.answers.get(key);
    const answer = this.firstMatch(labels);
    this.answers.set(key, answer);
    return answer;
  }

  private firstMatch(labels: Labels): string | undefined {
    for (const rule of this.rules) {
      if (!rule.match.every(({ label, matcher }) => matches(matcher, labels[label] ?? ''))) {
        continue;
      }
      const useCase =
        'value' in rule.useCase ? rule.useCase.value : (labels[rule.useCase.fromLabel] ?? '');
      if (useCase !== '') return useCase;
    }
    return undefined;
  }
}

/** Whether a label's value ("" when the series lacks it) passes a matcher. */
export function matches(matcher: LabelMatcher, value: string): boolean {
  switch (matcher.kind) {
    case 'equals':
      return value === matcher.value;
    case 'prefix':
      return value.startsWith(matcher.value);
    case 'regex':
      return matcher.value.test(value);
  }
}

/**
 * A regular expression as a rule's regex matches: the whole value (anchored like PromQL's
 * =~), Unicode-aware. Throws a SyntaxError for one JavaScript cannot compile.
 */
export function anchoredRegex(source: string): RegExp {
  // Compiled alone first: wrapped unchecked, "a)|(.*" would become a pattern matching anything.
  new RegExp(source, 'u');
  return new RegExp(`^(?:${source})$`, 'u');
}
