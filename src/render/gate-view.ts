// The gate's checks laid out for people: one line per check with its status, measured value,
// limit and headroom, in the units of the check. The shared table and Markdown renderers draw it.

import type { CheckResult, GateMetric, GateResult, Unmeasured } from '../core/gate.js';
import type { UsageReport } from '../core/report.js';
import { CAUSE_TEXT, metricTitle } from './drift-view.js';
import { fixed, percent, periodLabel, safeText, unitCost } from './format.js';
import { type Column, contextLines, type View } from './usage-view.js';

export interface GateReport {
  readonly result: GateResult;
  readonly usage: UsageReport;
  /** Per use case (undefined: all usage), which projection a forecast budget was held against. */
  readonly forecastBasis: ReadonlyMap<string | undefined, string>;
}

const GATE_COLUMNS: readonly Column[] = [
  { title: 'check', numeric: false },
  { title: 'scope', numeric: false },
  { title: 'status', numeric: false, status: true },
  { title: 'measured', numeric: true },
  { title: 'limit', numeric: true },
  { title: 'headroom', numeric: true },
];

const UNMEASURED: Record<Unmeasured, string> = {
  no_usage: 'no usage in the window',
  no_gpu_usage: 'no GPU time in the window',
  unpriced: 'unpriced: no GPU-hour has a rate',
  partly_unpriced: 'only a bound: part of the GPU time has no rate',
  no_inferences: 'no inferences in the window',
  no_tokens: 'no tokens in the window',
  no_forecast: 'no forecast (no closed hour this month, or fewer than 3 closed days for a trend)',
  no_history: 'too little history for a drift baseline',
  no_value: 'no unit cost on the day (no inferences or tokens)',
  no_day_usage: 'no usage on the day checked for drift',
  no_complete_day: 'no complete day in the window to check for drift',
};

function formatter(metric: GateMetric, currency: string): (value: number) => string {
  switch (metric) {
    case 'cost':
      return (value) => `${fixed(value, 2)} ${currency}`;
    case 'overrun_probability':
      return (value) => percent(value, 1);
    case 'drift':
      return (value) => `${value > 0 ? '+' : ''}${fixed(value, 1)}σ`;
    case 'cost_per_inference':
      return (value) => `${unitCost(value)} ${currency}`;
    case 'tokens_per_cost':
      return (value) => (Number.isFinite(value) ? `${fixed(value, 0)} /${currency}` : 'unbounded');
    case 'unpriced_share':
      return (value) => percent(value, 2);
  }
}

function checkName(result: CheckResult, report: GateReport, currency: string): string {
  const { check } = result;
  switch (check.metric) {
    case 'cost': {
      if (check.basis === 'actual') return 'budget (actual)';
      const basis = report.forecastBasis.get(check.useCase);
      return `budget (forecast${basis ? `: ${basis}` : ''})`;
    }
    case 'overrun_probability':
      return `budget ${fixed(check.budget ?? 0, 2)} ${currency} (forecast: trend, P(over) at ${percent(check.confidence ?? 0, 0)} confidence)`;
    case 'cost_per_inference':
      return 'max cost per inference';
    case 'tokens_per_cost':
      return `min tokens per ${currency}`;
    case 'drift':
      return 'max drift (last complete day)';
    case 'unpriced_share':
      return 'max unpriced share';
  }
}

const BOUND_MARK = { lower_bound: '≥', upper_bound: '≤' } as const;

function measuredText(
  result: CheckResult,
  format: (value: number) => string,
  usage: UsageReport,
): string {
  if (result.measured === null) {
    return result.unmeasured === undefined ? '–' : UNMEASURED[result.unmeasured];
  }
  const value = `${result.bound ? `${BOUND_MARK[result.bound]} ` : ''}${format(result.measured)}${detailText(result, usage)}`;
  return result.unmeasured === undefined ? value : `${value} (${UNMEASURED[result.unmeasured]})`;
}

/** Headroom as a share of the limit reads well for amounts, not for shares or sigmas. */
const RELATIVE_HEADROOM: ReadonlySet<GateMetric> = new Set([
  'cost',
  'cost_per_inference',
  'tokens_per_cost',
]);

/** What the overrun probability and the drift figure were made from. */
function detailText(result: CheckResult, usage: UsageReport): string {
  const { detail } = result;
  const currency = usage.catalogue.currency;
  if (detail && 'sigmas' in detail) {
    const change = `${detail.deviationShare > 0 ? '+' : ''}${percent(detail.deviationShare)}`;
    const cause = detail.cause ? `, ${CAUSE_TEXT[detail.cause]}` : '';
    return ` ${metricTitle(detail.metric, currency)} on ${periodLabel(detail, usage.window.tz)} (${change}${cause})`;
  }
  if (detail && 'probability' in detail && detail.total !== undefined) {
    return ` (trend ${fixed(detail.total, 2)} ${currency} ± ${fixed(detail.standardError ?? 0, 2)}, t with ${detail.degreesOfFreedom} df)`;
  }
  return '';
}

function headroomText(result: CheckResult, format: (value: number) => string): string {
  const { headroom, check } = result;
  if (headroom === null) return '–';
  if (!Number.isFinite(headroom)) return 'unbounded';
  // A difference of probabilities is in percentage points, not a percentage of anything.
  if (check.metric === 'overrun_probability') {
    return `${headroom > 0 ? '+' : ''}${fixed(headroom * 100, 1)} pp`;
  }
  const share =
    check.limit > 0 && RELATIVE_HEADROOM.has(check.metric) ? headroom / check.limit : null;
  return share === null ? format(headroom) : `${format(headroom)} (${percent(share)})`;
}

export function gateView(report: GateReport): View {
  const { result, usage } = report;
  const currency = usage.catalogue.currency;
  const rows = result.results.map((r) => {
    const format = formatter(r.check.metric, currency);
    return [
      checkName(r, report, currency),
      r.check.useCase === undefined ? 'all' : safeText(r.check.useCase),
      r.status === 'pass' ? 'PASS' : 'FAIL',
      measuredText(r, format, usage),
      // A limit in sigmas is a size, not a signed deviation.
      r.check.metric === 'drift' ? `${fixed(r.check.limit, 1)}σ` : format(r.check.limit),
      headroomText(r, format),
    ];
  });
  const failed = result.results.filter((r) => r.status !== 'pass');
  const footnotes: string[] = [];
  if (result.results.some((r) => r.bound !== undefined)) {
    footnotes.push(
      `${BOUND_MARK.lower_bound} / ${BOUND_MARK.upper_bound}: a bound, since part of the GPU time has no rate in the catalogue; a bound that cannot decide a check fails it`,
    );
  }
  if (failed.some((r) => r.headroom === null)) {
    footnotes.push('a check that cannot be measured fails: a gate never passes on missing data');
  }
  return {
    verdict: result.passed ? 'pass' : 'fail',
    title: result.passed
      ? `ml-cost gate: PASSED (${rows.length} checks)`
      : `ml-cost gate: FAILED (${failed.length} of ${rows.length} checks)`,
    context: contextLines(usage),
    columns: GATE_COLUMNS,
    rows,
    totals: [],
    footnotes,
  };
}
