// Builds the MetricsQL ml-cost sends. Pure: names are checked against the grammar and label
// values are escaped, so nothing a user types can change the shape of a query.
import type { MeasureKind } from '../core/measures.js';
import { UsageError } from '../errors.js';
import { type LabelFilter, type StoredNames, storedMatch, storedNames } from './types.js';

const PLAIN_METRIC = /^[A-Za-z_:][A-Za-z0-9_:]*$/;
// OTel names keep their dots (`ml.gpu.seconds`); VictoriaMetrics 1.79 parses dotted identifiers
// but not the quoted-name form `{"ml.gpu.seconds"}`, so dotted metrics go through __name__.
const DOTTED_METRIC = /^[A-Za-z_:][A-Za-z0-9_:.]*$/;
// Dotted label names (`service.name`) parse bare in selectors and in `by (...)` on 1.79.
const LABEL = /^[A-Za-z_][A-Za-z0-9_.]*$/;

// Bare metric names that MetricsQL reads as something else: `nan{...}` and `inf{...}` are
// syntax errors, `with{...}` silently selects nothing. The operator words are listed as well
// so no future parser change can turn a metric name into syntax.
const KEYWORDS = new Set([
  'nan',
  'inf',
  'with',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'if',
  'ifnot',
  'default',
  'limit',
  'keep_metric_names',
]);

// Unicode-mode regexps see surrogate pairs as one code point, so only a lone half matches.
const LONE_SURROGATE = /\p{Cs}/u;

/** A label value as a double-quoted MetricsQL string literal, every special character escaped. */
export function quote(value: string): string {
  if (LONE_SURROGATE.test(value)) {
    throw new UsageError(`label value ${JSON.stringify(value)} is not valid Unicode`);
  }
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\') out += '\\\\';
    else if (char === '"') out += '\\"';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\u${hex4(code)}`;
    else out += char;
  }
  return `${out}"`;
}

function hex4(code: number): string {
  return code.toString(16).padStart(4, '0');
}

/** The label-name grammar (dots allowed for OTel names); names starting with __ are reserved. */
export function isLabelName(name: string): boolean {
  return LABEL.test(name) && !name.startsWith('__');
}

export function checkLabelName(name: string): string {
  if (!LABEL.test(name)) {
    throw new UsageError(
      `invalid label name ${JSON.stringify(name)}: use letters, digits, underscores and dots, not starting with a digit`,
    );
  }
  if (name.startsWith('__')) {
    throw new UsageError(
      `invalid label name ${JSON.stringify(name)}: names starting with __ are reserved`,
    );
  }
  return name;
}

/** The metric-name grammar, with the dots of OTel names as VictoriaMetrics keeps them. */
export function isMetricName(name: string): boolean {
  return DOTTED_METRIC.test(name);
}

export function checkMetricName(name: string): string {
  if (!isMetricName(name)) {
    throw new UsageError(
      `invalid metric name ${JSON.stringify(name)}: use letters, digits, underscores, colons and dots, not starting with a digit`,
    );
  }
  return name;
}

/**
 * `metric{label="value",...}`, or `{__name__="metric",...}` when the bare name would not parse,
 * or `{__name__=~"a|b",...}` for several names (each one matched whole, dots escaped).
 */
export function selector(names: StoredNames, filters: readonly LabelFilter[]): string {
  const list = storedNames(names).map(checkMetricName);
  if (list.length === 0) throw new UsageError('a metric needs at least one stored name');
  // A measure's own matches come first: `{__name__="m", gen_ai.token.type="input", ...filters}`.
  const own = storedMatch(names).map(({ label, values, regex }) => {
    checkLabelName(label);
    if (regex !== undefined) return `${label}=~${quote(regex)}`;
    if (values.length === 0) throw new UsageError(`a match on ${label} needs at least one value`);
    if (values.length === 1) return `${label}=${quote(values[0] as string)}`;
    return `${label}=~${quote(values.map(regexLiteral).join('|'))}`;
  });
  const matchers = [
    ...own,
    ...filters.map((filter) => {
      if (filter.op !== '=' && filter.op !== '!=') {
        throw new UsageError(`invalid filter operator ${JSON.stringify(filter.op)}: use = or !=`);
      }
      return `${checkLabelName(filter.label)}${filter.op}${quote(filter.value)}`;
    }),
  ];
  if (list.length > 1) {
    const alternatives = [...new Set(list)].map((name) => name.replaceAll('.', '\\.')).join('|');
    return `{${[`__name__=~${quote(alternatives)}`, ...matchers].join(', ')}}`;
  }
  const metricName = list[0] as string;
  const bare = PLAIN_METRIC.test(metricName) && !KEYWORDS.has(metricName.toLowerCase());
  if (bare) return matchers.length === 0 ? metricName : `${metricName}{${matchers.join(', ')}}`;
  return `{${[`__name__=${quote(metricName)}`, ...matchers].join(', ')}}`;
}

/** A label value matched literally inside a regex (values are matched whole: VictoriaMetrics anchors). */
function regexLiteral(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/**
 * The one query shape ml-cost runs for usage, summed per group over windows of `windowMs`: a
 * counter's increase over (t - L, t]; a gauge's sum of samples, or a presence's count of them,
 * over [t - L, t) (sample-interval.ts says why; ml-cost multiplies them by the interval).
 */
export function usageQuery(
  names: StoredNames,
  by: readonly string[],
  filters: readonly LabelFilter[],
  windowMs = 3_600_000,
  kind: MeasureKind = 'counter',
): string {
  const labels = by.map(checkLabelName);
  const range = `${selector(names, filters)}[${duration(windowMs)}]`;
  // Series of two names can be alike once a rollup drops the name: VictoriaMetrics then
  // refuses the query ("duplicate output timeseries") unless the names are kept to the sum.
  const keep = storedNames(names).length > 1 ? ' keep_metric_names' : '';
  return `sum by (${labels.join(', ')}) (${rollupOf(kind, range)}${keep})`;
}

function rollupOf(kind: MeasureKind, range: string): string {
  switch (kind) {
    case 'counter':
      return `increase(${range})`;
    case 'gauge':
      return `sum_over_time(${range} ${HALF_OPEN})`;
    case 'presence':
      return `count_over_time(${range} ${HALF_OPEN})`;
  }
}

/** Turns the server's (t - L, t] windows into [t - L, t): timestamps are whole milliseconds. */
const HALF_OPEN = 'offset 1ms';

/**
 * Per series of a measure, its samples in the `rangeMs` before the point ([t - range, t)):
 * how many, and the first's and last's timestamps (seconds), told apart by the `rollup` label
 * VictoriaMetrics adds. One pass over the samples (aggr_over_time); the evidence of the
 * measure's sample interval is worked out from it by ml-cost (sample-interval.ts).
 */
export function sampleStatsQuery(names: StoredNames, rangeMs: number): string {
  const keep = storedNames(names).length > 1 ? ' keep_metric_names' : '';
  return `aggr_over_time(("count_over_time", "tfirst_over_time", "tlast_over_time"), ${selector(names, [])}[${rangeText(rangeMs)}] ${HALF_OPEN})${keep}`;
}

/** A lookbehind of any whole number of milliseconds: readable units where it has them. */
function rangeText(ms: number): string {
  if (!Number.isInteger(ms) || ms < 1) {
    throw new RangeError(`a lookbehind must be a positive whole number of ms, got ${ms}`);
  }
  return ms % 1000 === 0 ? duration(ms) : `${ms}ms`;
}

/** A MetricsQL duration: whole hours or minutes where it has them (readable in logs), else seconds. */
export function duration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 1000 || ms % 1000 !== 0) {
    throw new RangeError(`a query window must be a positive whole number of seconds, got ${ms} ms`);
  }
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
