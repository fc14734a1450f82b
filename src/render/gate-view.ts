// The gate's checks laid out for people: one line per check with its status, measured value,
// limit and headroom, in the units of the check. The table and Markdown renderers draw it.
import type { CheckResult, GateMetric, GateResult, Unmeasured } from '../core/gate.js';
import type { UsageReport } from '../core/report.js';
import { fixed, percent, safeText, unitCost } from './format.js';
import { contextLines } from './usage-view.js';

export interface GateReport {
  readonly result: GateResult;
  readonly usage: UsageReport;
  /** Per use case (undefined: all usage), which projection a forecast budget was held against. */
  readonly forecastBasis: ReadonlyMap<string | undefined, string>;
}

export interface GateRow {
  readonly check: string;
  readonly scope: string;
  readonly passed: boolean;
  readonly measured: string;
  readonly limit: string;
  readonly headroom: string;
}

export interface GateView {
  readonly passed: boolean;
  readonly title: string;
  readonly context: readonly string[];
  readonly rows: readonly GateRow[];
  readonly footnotes: readonly string[];
}

export const GATE_COLUMNS = ['check', 'scope', 'status', 'measured', 'limit', 'headroom'] as const;

const UNMEASURED: Record<Unmeasured, string> = {
  no_usage: 'no usage in the window',
  no_gpu_usage: 'no GPU time in the window',
  unpriced: 'unpriced: no GPU-hour has a rate',
  no_inferences: 'no inferences in the window',
  no_tokens: 'no tokens in the window',
  no_forecast: 'no forecast (no closed hour this month)',
};

function formatter(metric: GateMetric, currency: string): (value: number) => string {
  switch (metric) {
    case 'cost':
      return (value) => `${fixed(value, 2)} ${currency}`;
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
    case 'cost_per_inference':
      return 'max cost per inference';
    case 'tokens_per_cost':
      return `min tokens per ${currency}`;
    case 'unpriced_share':
      return 'max unpriced share';
  }
}

function headroomText(result: CheckResult, format: (value: number) => string): string {
  const { headroom, check } = result;
  if (headroom === null) return '–';
  if (!Number.isFinite(headroom)) return 'unbounded';
  const share =
    check.limit > 0 && check.metric !== 'unpriced_share' ? headroom / check.limit : null;
  return share === null ? format(headroom) : `${format(headroom)} (${percent(share)})`;
}

export function gateView(report: GateReport): GateView {
  const { result, usage } = report;
  const currency = usage.catalogue.currency;
  const rows = result.results.map((r): GateRow => {
    const format = formatter(r.check.metric, currency);
    return {
      check: checkName(r, report, currency),
      scope: r.check.useCase === undefined ? 'all' : safeText(r.check.useCase),
      passed: r.status === 'pass',
      measured:
        r.unmeasured !== undefined
          ? UNMEASURED[r.unmeasured]
          : r.measured === null
            ? '–'
            : format(r.measured),
      limit: format(r.check.limit),
      headroom: headroomText(r, format),
    };
  });
  const failed = rows.filter((row) => !row.passed).length;
  const footnotes = usage.notes.map((note) => `note: ${note}`);
  if (rows.some((row) => !row.passed && row.headroom === '–')) {
    footnotes.push('a check that cannot be measured fails: a gate never passes on missing data');
  }
  return {
    passed: result.passed,
    title: result.passed
      ? `ml-cost gate: PASSED (${rows.length} checks)`
      : `ml-cost gate: FAILED (${failed} of ${rows.length} checks)`,
    context: contextLines(usage),
    rows,
    footnotes,
  };
}
