// ml-cost gate: budget, unit-cost and unpriced-usage checks for CI. The exit code says pass
// (0) or breach (1); a check that cannot be measured fails, and data that cannot be read is
// an error (3), never a pass.

import { Command, Option } from 'commander';
import type { GateLimitsConfig, GatesConfig } from '../config.js';
import type { GateBasis, GateResult, ScopeUsage } from '../core/gate.js';
import type { GateRequest, ScopeForecast, ScopeLimits } from '../core/gate-plan.js';
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
        'passes on data it could not read. Nor on a bound: a cost, cost per inference or ' +
        'forecast of partly unpriced GPU time is only a lower bound, which fails a maximum ' +
        '(breaching it when even the bound is over). Checks come from the flags, else from the "gates" ' +
        'section of ml-cost.config.json. With GITHUB_STEP_SUMMARY set, the Markdown summary ' +
        'is appended to that file.',
    )
    .option(
      '--budget <amount>',
      'maximum cost over the window, in the reporting currency (--currency)',
    )
    .addOption(
      new Option(
        '--on <basis>',
        'hold the budget against the actual cost so far, or the end-of-month forecast (default: actual)',
      ).choices(['actual', 'forecast']),
    )
    .option('--max-cost-per-inference <amount>', 'maximum cost per inference')
    .option(
      '--min-tokens-per-eur <n>',
      'minimum tokens per unit of the reporting currency (--currency)',
    )
    .option(
      '--max-unpriced-share <percent>',
      'GPU time without a rate allowed, in % of GPU-hours (default 0: any unpriced usage fails); cost limits still fail on a bound',
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
  $ ml-cost gate --source http://victoria:8428 --use-case support-chat --max-cost-per-inference 0.02 --min-tokens-per-eur 40000
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

function parsePercent(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = parseAmount(text.trim().replace(/%$/, ''), flag);
  if (value !== undefined && value > 100) {
    throw new UsageError(`${flag}: "${text}" is more than 100 %`);
  }
  return value === undefined ? undefined : value / 100;
}

function limitsOf(section: GateLimitsConfig): ScopeLimits {
  return {
    budget: section.budget,
    maxCostPerInference: section.max_cost_per_inference,
    minTokensPerCost: section.min_tokens_per_eur,
    maxUnpricedShare:
      section.max_unpriced_share === undefined ? undefined : section.max_unpriced_share / 100,
  };
}

/** The gate's plan from its flags and the config's gates section (validated when loaded). */
function gateRequest(
  flags: GateFlags,
  gates: GatesConfig | undefined,
  configPath: string | null,
): GateRequest {
  return {
    flagLimits: {
      budget: parseAmount(flags.budget, '--budget'),
      maxCostPerInference: parseAmount(flags.maxCostPerInference, '--max-cost-per-inference'),
      minTokensPerCost: parseAmount(flags.minTokensPerEur, '--min-tokens-per-eur'),
      maxUnpricedShare: parsePercent(flags.maxUnpricedShare, '--max-unpriced-share'),
    },
    ...(flags.useCase ? { useCases: flags.useCase } : {}),
    ...(flags.on ? { basis: flags.on } : {}),
    ...(gates
      ? {
          configured: {
            limits: limitsOf(gates),
            ...(gates.on ? { basis: gates.on } : {}),
            ...(gates.period !== undefined ? { period: gates.period } : {}),
            useCases: Object.fromEntries(
              Object.entries(gates.use_cases ?? {}).map(([name, section]) => [
                name,
                limitsOf(section),
              ]),
            ),
          },
        }
      : {}),
    configName: configPath ?? 'the config',
  };
}

async function runGate(flags: GateFlags): Promise<void> {
  const filters = parseFilters(flags.filter);
  const context = await createContext(flags);
  const { planGate, forecastScopes } = await import('../core/gate-plan.js');
  const plan = planGate(gateRequest(flags, context.config.gates, context.configPath));
  const window = await commandWindow(flags, context, plan.period ?? 'this-month');
  const scopes = forecastScopes(plan.checks);
  // Refused before any query: a forecast gate judges one calendar month.
  if (scopes.length > 0) await forecastMonthOf(window);
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
    scopes.length > 0
      ? await forecastCosts(context, report, filters, flags.catalogueVersion, {
          perUseCase: scopes.some((useCase) => useCase !== undefined),
        })
      : undefined;
  const usageOf = (useCase: string | undefined): ScopeUsage => {
    const usage = gate.scopeUsage(report, useCaseLabel, useCase);
    const forecast = forecasts?.get(useCase);
    return forecast?.cost === undefined ? usage : { ...usage, forecastCost: forecast.cost };
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

/**
 * End-of-month forecasts for the whole window and, when a check needs them, for each use case,
 * from the forecast command's pipeline (forecastToHold says which projection counts). A budget on the whole window alone needs no per-use-case days: with 10,000 use cases that
 * made the gate fetch 10,000 times more series (7.7 s instead of under 1 s).
 */
async function forecastCosts(
  context: CommandContext,
  report: UsageReport,
  filters: readonly LabelFilter[],
  catalogueVersion: string | undefined,
  options: { readonly perUseCase: boolean },
): Promise<Map<string | undefined, ScopeForecast>> {
  const [{ buildForecastReport }, { forecastToHold }] = await Promise.all([
    import('./forecast.js'),
    import('../core/gate-plan.js'),
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
  scopes.set(undefined, forecastToHold(forecast.total));
  for (const { group, result } of forecast.groups) {
    const useCase = group[context.labels.useCase];
    if (useCase !== undefined) scopes.set(useCase, forecastToHold(result));
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
