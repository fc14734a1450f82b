// ml-cost gate: budget, unit-cost and unpriced-usage checks for CI. The exit code says pass
// (0) or breach (1); a check that cannot be measured fails, and data that cannot be read is
// an error (3), never a pass.

import { Command, Option } from 'commander';
import type { GateLimitsConfig, GatesConfig } from '../config.js';
import type { GateBasis, GateResult, ScopeUsage } from '../core/gate.js';
import type { GateRequest, ScopeLimits } from '../core/gate-plan.js';
import { GateBreach, UsageError } from '../errors.js';
import type { GateReport } from '../render/gate-view.js';
import { addCostBasisOption } from './cost-basis.js';
import { parseSigmas } from './drift.js';
import { io, publish, useColor } from './io.js';
import {
  addFilterOption,
  addOutputOptions,
  addSourceOptions,
  addWindowOptions,
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
    maxDrift?: string;
    confidence?: string;
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
      '--confidence <p>',
      'with --on forecast: breach when P(the month ends over --budget) > 1 - p, from the trend forecast (e.g. 0.9)',
    )
    .option(
      '--max-drift <sigmas>',
      'robust sigmas the unit costs of the last complete day may drift the costly way from their 30-day baseline (see ml-cost drift)',
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
  addCostBasisOption(command);
  command.addHelpText(
    'after',
    `
Examples:
  $ ml-cost gate --source http://victoria:8428 --budget 12000 --on forecast
  $ ml-cost gate --source http://victoria:8428 --budget 12000 --on forecast --confidence 0.9   # fail when P(over) > 10 %
  $ ml-cost gate --source http://victoria:8428 --use-case support-chat --max-drift 4
  $ ml-cost gate --source http://victoria:8428 --use-case support-chat --max-cost-per-inference 0.02 --min-tokens-per-eur 40000
  $ ml-cost gate --source http://victoria:8428 --period last-month --budget 11000 --format markdown
  $ ml-cost gate --source http://victoria:8428 --budget 12000 --format html --output gate.html   # each check against its limit

--on forecast alone holds the budget against the higher of the run-rate and trend projections
(fail closed). With --confidence P it asks instead how likely the month is to end over budget:
the trend's total T and its prediction spread se (the 80 % interval's half-width over its t
quantile) make the month total T + se × Student t (n - 2 df), and the gate breaches when
P(total > budget) = 1 - F_t((budget - T) / se) exceeds 1 - P. The output states the probability.

--max-drift S checks the window's last complete local day (yesterday, for this-month): each
scope's cost per inference, cost per 1M tokens and GPU-seconds per inference above, or tokens
per currency unit below, their 30-day robust baseline by more than S sigmas breach (see
ml-cost drift --help for the band); cheaper than the baseline never does. Too little history
or an unpriced day fails the check: a gate never passes on what it could not judge.

Config (ml-cost.config.json), used when no check flag is given:
  "gates": { "budget": 12000, "on": "forecast", "confidence": 0.9, "max_unpriced_share": 0,
             "use_cases": { "chat": { "max_cost_per_inference": 0.02, "min_tokens_per_eur": 40000, "max_drift": 4 } } }`,
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
    maxDrift: section.max_drift,
  };
}

/** --confidence: a probability strictly between 0 and 1. */
function parseConfidence(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !(value > 0 && value < 1)) {
    throw new UsageError(
      `--confidence: "${text}" is not a probability between 0 and 1, both excluded (e.g. 0.9: breach when the month ends over budget with more than 10 % probability)`,
    );
  }
  return value;
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
      maxDrift: parseSigmas(flags.maxDrift, '--max-drift'),
    },
    ...(flags.useCase ? { useCases: flags.useCase } : {}),
    ...(flags.on ? { basis: flags.on } : {}),
    ...(flags.confidence !== undefined ? { confidence: parseConfidence(flags.confidence) } : {}),
    ...(gates
      ? {
          configured: {
            limits: limitsOf(gates),
            ...(gates.on ? { basis: gates.on } : {}),
            ...(gates.confidence !== undefined ? { confidence: gates.confidence } : {}),
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
  // Checked before any file or server is touched: a typo in a limit is the cheapest mistake.
  const request = (gates: GatesConfig | undefined, configPath: string | null) =>
    gateRequest(flags, gates, configPath);
  request(undefined, null);
  const context = await createContext(flags);
  const { planGate, forecastScopes, driftScopes } = await import('../core/gate-plan.js');
  const plan = planGate(request(context.config.gates, context.configPath));
  const window = await commandWindow(flags, context, plan.period ?? 'this-month');
  const measures = await import('./gate-measures.js');
  const scopes = forecastScopes(plan.checks);
  // Refused before any query: a forecast gate judges one calendar month.
  if (scopes.length > 0) await measures.forecastMonthOf(window);
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
  measures.refusePartial(report.partial);

  const forecasts =
    scopes.length > 0
      ? await measures.forecastCosts(context, report, filters, flags.catalogueVersion, {
          perUseCase: scopes.some((useCase) => useCase !== undefined),
        })
      : undefined;
  const drifts =
    driftScopes(plan.checks).length > 0
      ? await measures.driftOfScopes(
          context,
          report.window,
          filters,
          flags.catalogueVersion,
          plan.checks,
        )
      : undefined;
  const usageOf = (useCase: string | undefined): ScopeUsage => {
    const usage = gate.scopeUsage(report, useCaseLabel, useCase);
    const forecast = forecasts?.get(useCase);
    const drift = drifts?.get(useCase);
    return {
      ...usage,
      ...(forecast?.cost !== undefined ? { forecastCost: forecast.cost } : {}),
      ...(forecast ? { forecast: forecast.result } : {}),
      ...(drift !== undefined ? { drift } : {}),
    };
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

function breachMessage(result: GateResult): string {
  const failed = result.results.filter((r) => r.status === 'fail').length;
  return `gate breached: ${failed} of ${result.results.length} checks failed`;
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
