// ml-cost gate: budget, unit-cost and unpriced-usage checks for CI. The exit code says pass
// (0) or breach (1); a check that cannot be measured fails, and data that cannot be read is
// an error (3), never a pass.

import { Command, Option } from 'commander';
import type { GateLimitsConfig, GatesConfig } from '../config.js';
import type { ForecastResult } from '../core/forecast.js';
import type { GateBasis, GateCheck, GateResult, ScopeUsage } from '../core/gate.js';
import { compareText } from '../core/order.js';
import type { UsageReport } from '../core/report.js';
import type { Window } from '../core/types.js';
import { GateBreach, SourceError, UsageError } from '../errors.js';
import type { GateReport } from '../render/gate-view.js';
import type { LabelFilter } from '../sources/types.js';
import { io, publish, useColor } from './io.js';
import {
  addFilterOption,
  addOutputOptions,
  addSourceOptions,
  addWindowOptions,
  type CommandContext,
  collect,
  commandWindow,
  createContext,
  parseAmount,
  parseFilters,
  type SourceFlags,
  type WindowFlags,
} from './options.js';

export const GATE_FORMATS = ['table', 'markdown', 'json', 'html'] as const;

type GateFlags = SourceFlags &
  WindowFlags & {
    budget?: string;
    on?: GateBasis;
    maxCostPerInference?: string;
    minTokensPerEur?: string;
    maxUnpricedShare?: string;
    useCase?: string[];
    filter?: string[];
    format: (typeof GATE_FORMATS)[number];
    output?: string;
    color?: boolean;
  };

export function gateCommand(): Command {
  const command = new Command('gate')
    .summary('budget and unit-cost checks for CI; the exit code says pass or breach')
    .description(
      'Checks cost against limits. Exit 0 when every check passes, 1 when any is breached, ' +
        '2 for bad usage, config or catalogue, 3 when the data source failed. A check that ' +
        'cannot be measured (no usage, no GPU time, unpriced usage) fails: a gate never ' +
        'passes on data it could not read. Checks come from the flags, else from the "gates" ' +
        'section of ml-cost.config.json. With GITHUB_STEP_SUMMARY set, the Markdown summary ' +
        'is appended to that file.',
    )
    .option('--budget <amount>', 'maximum cost over the window, in the catalogue currency')
    .addOption(
      new Option(
        '--on <basis>',
        'hold the budget against the actual cost so far, or the end-of-month forecast (default: actual)',
      ).choices(['actual', 'forecast']),
    )
    .option('--max-cost-per-inference <amount>', 'maximum cost per inference')
    .option(
      '--min-tokens-per-eur <n>',
      'minimum tokens per currency unit (EUR, or the catalogue currency)',
    )
    .option(
      '--max-unpriced-share <percent>',
      'GPU time without a rate allowed, in % of GPU-hours (default 0: any unpriced usage fails)',
    )
    .option(
      '--use-case <name>',
      'check this use case instead of all usage (repeatable: each gets every check)',
      collect,
    );
  addFilterOption(command);
  addWindowOptions(command, 'this-month');
  addOutputOptions(command, GATE_FORMATS);
  addSourceOptions(command);
  command.addHelpText(
    'after',
    `
Examples:
  $ ml-cost gate --source http://victoria:8428 --budget 12000 --on forecast
  $ ml-cost gate --source http://victoria:8428 --use-case chat --max-cost-per-inference 0.02 --min-tokens-per-eur 40000
  $ ml-cost gate --source http://victoria:8428 --period last-month --budget 11000 --format markdown
  $ ml-cost gate --source http://victoria:8428 --budget 12000 --format html --output gate.html   # each check against its limit

Config (ml-cost.config.json), used when no check flag is given:
  "gates": { "budget": 12000, "on": "forecast", "max_unpriced_share": 0,
             "use_cases": { "chat": { "max_cost_per_inference": 0.02, "min_tokens_per_eur": 40000 } } }`,
  );
  return command.action(async (flags: GateFlags) => {
    await runGate(flags);
  });
}

interface ScopeLimits {
  budget?: number;
  maxCostPerInference?: number;
  minTokensPerCost?: number;
  /** Fraction 0..1. */
  maxUnpricedShare?: number;
}

function checksOf(limits: ScopeLimits, useCase: string | undefined, basis: GateBasis): GateCheck[] {
  const scope = useCase === undefined ? {} : { useCase };
  const checks: GateCheck[] = [];
  if (limits.budget !== undefined) {
    checks.push({ metric: 'cost', limit: limits.budget, basis, ...scope });
  }
  if (limits.maxCostPerInference !== undefined) {
    checks.push({
      metric: 'cost_per_inference',
      limit: limits.maxCostPerInference,
      basis: 'actual',
      ...scope,
    });
  }
  if (limits.minTokensPerCost !== undefined) {
    checks.push({
      metric: 'tokens_per_cost',
      limit: limits.minTokensPerCost,
      basis: 'actual',
      ...scope,
    });
  }
  // Always checked, 0 unless raised: unpriced usage would otherwise pass as free.
  checks.push({
    metric: 'unpriced_share',
    limit: limits.maxUnpricedShare ?? 0,
    basis: 'actual',
    ...scope,
  });
  return checks;
}

function parsePercent(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = parseAmount(text.trim().replace(/%$/, ''), flag);
  if (value !== undefined && value > 100) {
    throw new UsageError(`${flag}: "${text}" is more than 100 %`);
  }
  return value === undefined ? undefined : value / 100;
}

export interface GatePlan {
  readonly checks: readonly GateCheck[];
  readonly period?: string;
  readonly basis: GateBasis;
}

/** Checks from the flags when any limit flag is given, else from the config's gates section. */
export function planGate(
  flags: GateFlags,
  gatesConfig: GatesConfig | undefined,
  configPath: string | null,
): GatePlan {
  const fromFlags: ScopeLimits = {
    budget: parseAmount(flags.budget, '--budget'),
    maxCostPerInference: parseAmount(flags.maxCostPerInference, '--max-cost-per-inference'),
    minTokensPerCost: parseAmount(flags.minTokensPerEur, '--min-tokens-per-eur'),
  };
  const maxUnpricedShare = parsePercent(flags.maxUnpricedShare, '--max-unpriced-share');
  const hasFlagLimits = Object.values(fromFlags).some((value) => value !== undefined);

  if (hasFlagLimits || gatesConfig === undefined) {
    if (!hasFlagLimits && maxUnpricedShare === undefined) {
      throw new UsageError(
        'no checks: give --budget, --max-cost-per-inference, --min-tokens-per-eur or --max-unpriced-share, or a "gates" section in ml-cost.config.json',
      );
    }
    const limits = { ...fromFlags, maxUnpricedShare };
    const scopes = flags.useCase?.length ? flags.useCase : [undefined];
    const basis = flags.on ?? 'actual';
    return { basis, checks: scopes.flatMap((useCase) => checksOf(limits, useCase, basis)) };
  }

  // Validated with the rest of ml-cost.config.json when it was loaded.
  const gates = gatesConfig;
  const basis: GateBasis = flags.on ?? gates.on ?? 'actual';
  const limitsOf = (section: GateLimitsConfig): ScopeLimits => ({
    budget: section.budget,
    maxCostPerInference: section.max_cost_per_inference,
    minTokensPerCost: section.min_tokens_per_eur,
    maxUnpricedShare:
      maxUnpricedShare ??
      (section.max_unpriced_share === undefined ? undefined : section.max_unpriced_share / 100),
  });
  const useCases = Object.entries(gates.use_cases ?? {}).sort(([a], [b]) => compareText(a, b));
  let checks = [
    ...checksOf(limitsOf(gates), undefined, basis),
    ...useCases.flatMap(([useCase, section]) => checksOf(limitsOf(section), useCase, basis)),
  ];
  // Without limit flags, --use-case picks those use cases' sections of the config.
  const wanted = flags.useCase;
  if (wanted?.length) {
    checks = checks.filter(
      (check) => check.useCase !== undefined && wanted.includes(check.useCase),
    );
    if (checks.length === 0) {
      throw new UsageError(
        `--use-case ${wanted.join(', ')}: no such use case under gates.use_cases in ${configPath ?? 'the config'}; give limit flags to check it`,
      );
    }
  }
  return { basis, checks, ...(gates.period !== undefined ? { period: gates.period } : {}) };
}

async function runGate(flags: GateFlags): Promise<void> {
  const filters = parseFilters(flags.filter);
  const context = await createContext(flags);
  const plan = planGate(flags, context.config.gates, context.configPath);
  const window = await commandWindow(flags, context, plan.period ?? 'this-month');
  const forecastScopes = plan.checks
    .filter((check) => check.metric === 'cost' && check.basis === 'forecast')
    .map((check) => check.useCase);
  // Refused before any query: a forecast gate judges one calendar month.
  if (forecastScopes.length > 0) await forecastMonthOf(window);
  const [{ buildUsageReport }, gate] = await Promise.all([
    import('../pipeline.js'),
    import('../core/gate.js'),
  ]);
  const useCaseLabel = context.labels.useCase;
  const report = await buildUsageReport(context, {
    window,
    by: [useCaseLabel],
    filters,
    granularity: 'total',
    catalogueVersion: flags.catalogueVersion,
  });
  refusePartial(report.partial);

  const forecasts =
    forecastScopes.length > 0
      ? await forecastCosts(context, report, filters, flags.catalogueVersion, {
          perUseCase: forecastScopes.some((useCase) => useCase !== undefined),
        })
      : undefined;
  const usageOf = (useCase: string | undefined): ScopeUsage => {
    const usage = gate.scopeUsage(report, useCaseLabel, useCase);
    const forecast = forecasts?.get(useCase);
    return forecast === undefined ? usage : { ...usage, forecastCost: forecast.cost };
  };
  const result = gate.evaluateGate(plan.checks, usageOf);

  const gateReport: GateReport = {
    result,
    usage: report,
    forecastBasis: forecasts ? new Map([...forecasts].map(([k, v]) => [k, v.basis])) : new Map(),
  };
  await deliverGate(gateReport, flags);
  if (!result.passed) throw new GateBreach(breachMessage(result));
}

function refusePartial(partial: boolean): void {
  if (partial) {
    throw new SourceError(
      'the source answered with partial data; a gate does not judge on partial data (even with --allow-partial)',
    );
  }
}

function breachMessage(result: GateResult): string {
  const failed = result.results.filter((r) => r.status === 'fail').length;
  return `gate breached: ${failed} of ${result.results.length} checks failed`;
}

interface ScopeForecast {
  readonly cost: number | null;
  /** Which projection the cost is: the higher of run-rate and trend, or the actual of an ended month. */
  readonly basis: string;
}

/**
 * End-of-month forecasts for the whole window and, when a check needs them, for each use case,
 * from the forecast command's pipeline. The gate holds the budget against the higher of the
 * run-rate and the trend projections: a gate that fails closed should not pick the kinder one.
 * A budget on the whole window alone needs no per-use-case days: with 10,000 use cases that
 * made the gate fetch 10,000 times more series (7.7 s instead of under 1 s).
 */
async function forecastCosts(
  context: CommandContext,
  report: UsageReport,
  filters: readonly LabelFilter[],
  catalogueVersion: string | undefined,
  options: { readonly perUseCase: boolean },
): Promise<Map<string | undefined, ScopeForecast>> {
  const [{ buildForecastReport }, { isUnpriced }] = await Promise.all([
    import('./forecast.js'),
    import('../core/forecast.js'),
  ]);
  const month = await forecastMonthOf(report.window);
  const forecast = await buildForecastReport(context, {
    month,
    by: options.perUseCase ? [context.labels.useCase] : [],
    filters,
    ...(catalogueVersion !== undefined ? { catalogueVersion } : {}),
  });
  refusePartial(forecast.partial);
  const scopes = new Map<string | undefined, ScopeForecast>();
  // GPU time with no price at all has no forecast cost: the check is then unmeasured, and fails.
  const scopeForecast = (result: ForecastResult): ScopeForecast =>
    isUnpriced(result) ? { cost: null, basis: 'unpriced' } : projected(result);
  scopes.set(undefined, scopeForecast(forecast.total));
  for (const { group, result } of forecast.groups) {
    const useCase = group[context.labels.useCase];
    if (useCase !== undefined) scopes.set(useCase, scopeForecast(result));
  }
  return scopes;
}

/** The month a forecast gate judges: its window must be exactly one calendar month. */
async function forecastMonthOf(window: Window): Promise<string> {
  const { monthOf, monthRange } = await import('../core/periods.js');
  const month = monthOf(window.fromMs, window.tz);
  const range = monthRange(month, window.tz);
  if (range.startMs !== window.fromMs || range.endMs !== (window.cutFromMs ?? window.toMs)) {
    throw new UsageError(
      `--on forecast: the window must be one calendar month (--period this-month or YYYY-MM), not ${window.label}`,
    );
  }
  return month;
}

function projected(result: ForecastResult): ScopeForecast {
  if (result.status === 'ended') return { cost: result.actual.cost, basis: 'actual, month ended' };
  const candidates: [string, number][] = [];
  if (result.runRate) candidates.push(['run-rate', result.runRate.total]);
  if (result.trend?.available) candidates.push(['trend', result.trend.total]);
  const [best] = candidates.sort((a, b) => b[1] - a[1]);
  return best ? { cost: best[1], basis: best[0] } : { cost: null, basis: 'none' };
}

async function deliverGate(report: GateReport, flags: GateFlags): Promise<void> {
  const { gateView } = await import('../render/gate-view.js');
  const view = gateView(report);
  const markdown = async () => (await import('../render/markdown.js')).renderMarkdown(view);
  let text: string;
  if (flags.format === 'json') text = (await import('../render/gate.js')).renderGateJson(report);
  else if (flags.format === 'markdown') text = await markdown();
  else if (flags.format === 'html')
    text = (await import('../render/html/gate-html.js')).renderGateHtml(report);
  else text = (await import('../render/table.js')).renderTable(view, useColor(flags));
  await publish(text, report.usage.notes, flags);
  // Only a GitHub Actions run gets the summary: other runs need not lay out the Markdown.
  const summary = io.env.GITHUB_STEP_SUMMARY;
  if (summary !== undefined && summary !== '') await appendStepSummary(summary, await markdown());
}

/** GitHub Actions shows GITHUB_STEP_SUMMARY on the run page; a failure to append only warns. */
async function appendStepSummary(path: string, markdown: string): Promise<void> {
  const { appendFile } = await import('node:fs/promises');
  try {
    await appendFile(path, `${markdown}\n\n`);
  } catch (error) {
    io.warn(`GITHUB_STEP_SUMMARY ${path}: cannot append (${(error as Error).message})`);
  }
}
