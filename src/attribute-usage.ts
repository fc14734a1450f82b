// Where attribution runs: between the source and the ledger. The source groups by the report's
// labels, the labels the rules read and the use-case label; each series' use case is then set
// by the rules (first match wins) before the ledger adds it, and the ledger merges equal
// groups. Usage no rule claims (or, without rules, usage whose series have no use-case label)
// is unattributed: kept in the report under an empty use case, and counted apart so that
// every output can say how much and whose it is.
import type { CommandContext } from './commands/options.js';
import { Ledger, type LedgerOptions } from './core/ledger.js';
import type { Note, Period, Unattributed, UsageTotals } from './core/report.js';
import { type SummariseOptions, summarise } from './core/summarise.js';
import type { BucketSeries, Labels, PriceVersion } from './core/types.js';
import type { LabelFilter } from './sources/types.js';

/** Label sets of unattributed series kept to name in notes. */
const EXAMPLES = 3;
/** Characters of a label value shown in a note. */
const MAX_VALUE_CHARS = 80;

export interface AttributionPlan {
  /** The labels the source groups by. */
  readonly fetchBy: readonly string[];
  /** The filters the source applies; with rules, those on the use-case label wait for them. */
  readonly sourceFilters: readonly LabelFilter[];
  /** Sets the series' use case, applies the waiting filters, and hands it to the ledger. */
  deliver(series: BucketSeries): void;
  /**
   * The usage no rule claimed, against the report's GPU-hours; undefined without rules when
   * every series had a use case.
   */
  /** Priced as the report is: the same cost basis, busy and idle split when the report has it. */
  unattributed(
    reportGpuHours: number,
    pricing?: Pick<SummariseOptions, 'costMeasure' | 'gpuTime'>,
  ): Unattributed | undefined;
  /** Notes on what the rules and the waiting filters left out. */
  notes(unattributed: Unattributed | undefined, currency: string): Note[];
}

export function planAttribution(
  context: Pick<CommandContext, 'labels' | 'attribution'>,
  request: {
    readonly by: readonly string[];
    readonly filters: readonly LabelFilter[];
    readonly ledger: Ledger;
    readonly ledgerOptions: Omit<LedgerOptions, 'by'>;
    readonly periods: readonly Period[] | null;
    readonly versions: readonly PriceVersion[];
  },
): AttributionPlan {
  const useCaseLabel = context.labels.useCase;
  const rules = context.attribution;
  const read = rules?.labelsRead ?? [];
  // With rules the use-case label is made, not read, unless a rule reads it.
  const made = rules !== undefined && !read.includes(useCaseLabel);
  const fetchBy = [
    ...new Set([
      ...request.by.filter((label) => !(made && label === useCaseLabel)),
      ...read,
      ...(made ? [] : [useCaseLabel]),
    ]),
  ];
  const waiting = rules ? request.filters.filter((f) => f.label === useCaseLabel) : [];
  const sourceFilters = request.filters.filter((f) => !waiting.includes(f));
  // The labels an unattributed series is named by: what the rules read, else what it has.
  const namedBy = rules ? read : fetchBy.filter((label) => label !== useCaseLabel);

  const apart = new Ledger({ ...request.ledgerOptions, by: [] });
  const unattributedSets = new Set<string>();
  const examples: Labels[] = [];
  let seen = 0;
  let kept = 0;

  return {
    fetchBy,
    sourceFilters,
    deliver(series) {
      const useCase = rules
        ? (rules.useCaseOf(series.labels) ?? '')
        : (series.labels[useCaseLabel] ?? '');
      seen++;
      if (!waiting.every((filter) => (filter.value === useCase) === (filter.op === '='))) return;
      kept++;
      const labels = rules ? { ...series.labels, [useCaseLabel]: useCase } : series.labels;
      if (useCase === '') {
        apart.add(series);
        const named: Record<string, string> = {};
        for (const label of namedBy) named[label] = series.labels[label] ?? '';
        const key = JSON.stringify(namedBy.map((label) => named[label]));
        if (!unattributedSets.has(key)) {
          unattributedSets.add(key);
          if (examples.length < EXAMPLES) examples.push(named);
        }
      }
      request.ledger.add(labels === series.labels ? series : { ...series, labels });
    },
    unattributed(reportGpuHours, pricing = {}) {
      const { totals } = summarise(apart.entries(), {
        ...pricing,
        periods: request.periods,
        versions: request.versions,
        splitVersions: false,
      });
      if (!rules && !hasUsage(totals)) return undefined;
      return {
        totals,
        gpuShare: reportGpuHours > 0 ? totals.gpuHours / reportGpuHours : 0,
        byRules: rules !== undefined,
        labelSets: unattributedSets.size,
        examples,
      };
    },
    notes(unattributed, currency) {
      const notes: Note[] = [];
      if (unattributed && hasUsage(unattributed.totals)) {
        notes.push({
          text: unattributedText(unattributed, currency, useCaseLabel, rules?.unmatchedReason),
        });
      }
      if (waiting.length > 0 && seen > 0 && kept === 0) {
        const filters = waiting.map((f) => `--filter ${f.label}${f.op}${f.value}`).join(' ');
        notes.push({
          text: `${filters}: the attribution rules give no usage in the window that use case; check the value against the rules' use cases`,
        });
      }
      return notes;
    },
  };
}

function hasUsage(totals: UsageTotals): boolean {
  return totals.gpuHours > 0 || totals.inferences > 0 || totals.tokens > 0;
}

function unattributedText(
  usage: Unattributed,
  currency: string,
  useCaseLabel: string,
  reason: string | undefined,
): string {
  const { totals } = usage;
  const cost =
    totals.cost === null
      ? 'unpriced'
      : `${totals.cost.toFixed(2)} ${currency}${totals.unpricedGpuHours > 0 ? ' and more unpriced' : ''}`;
  const amounts = `${totals.gpuHours.toFixed(2)} GPU-hours (${cost}), ${totals.inferences.toFixed(0)} inferences and ${totals.tokens.toFixed(0)} tokens`;
  const named = usage.examples.map(labelText).join('; ');
  const more =
    usage.labelSets > usage.examples.length ? `; ${usage.labelSets} label sets in all` : '';
  if (usage.byRules && reason !== undefined) {
    return `unattributed: ${amounts} ${reason} (${named}${more})`;
  }
  return usage.byRules
    ? `unattributed: ${amounts} match no attribution rule (${named}${more}): add a rule to attribution.rules in the config`
    : `unattributed: ${amounts} come from series without a ${useCaseLabel} label (${named}${more}): set it in the services, or map cluster labels to use cases with attribution.rules in the config`;
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return 'no labels';
  return entries.map(([label, value]) => `${label}=${JSON.stringify(shortened(value))}`).join(', ');
}

/** A pod name can be long; a note names it, it does not quote a kilobyte of it. */
function shortened(value: string): string {
  const chars = [...value];
  return chars.length > MAX_VALUE_CHARS ? `${chars.slice(0, MAX_VALUE_CHARS).join('')}...` : value;
}
