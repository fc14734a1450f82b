// ml-cost rank: use cases ranked by margin (value - cost), marginal ones flagged.
import { Command } from 'commander';
import type { RankInput, RankReport } from '../core/rank.js';
import { costGpuHours } from '../core/report.js';
import { UsageError } from '../errors.js';
import { addCostBasisOption } from './cost-basis.js';
import { publish, renderOptions } from './io.js';
import {
  addFilterOption,
  addOutputOptions,
  addSourceOptions,
  addWindowOptions,
  collect,
  commandWindow,
  createContext,
  csvStyle,
  type OutputFlags,
  parseAmount,
  parseFilters,
  type SourceFlags,
  type WindowFlags,
} from './options.js';

export const RANK_FORMATS = ['table', 'csv', 'json', 'markdown', 'html'] as const;

type RankFlags = SourceFlags &
  WindowFlags &
  OutputFlags & { filter?: string[]; value?: string[]; marginalFactor?: string };

export function rankCommand(): Command {
  const command = new Command('rank')
    .summary('use cases ranked by margin (value - cost), marginal ones flagged')
    .description(
      'Use cases ranked by total margin (value per inference x inferences - cost), most destructive ' +
        'first, with cost and value per inference and shares. A use case is marginal when its margin ' +
        'is negative, or when its share of cost exceeds its share of value by the marginal factor. ' +
        'Values come from use_cases.<name>.value_per_inference in ml-cost.config.json or --value.',
    );
  addWindowOptions(command, 'last-month');
  addFilterOption(command)
    .option(
      '--value <use_case=amount>',
      'value per inference of a use case, overriding the config; repeatable',
      collect,
    )
    .option(
      '--marginal-factor <factor>',
      'marginal when cost share > factor x value share (default: config marginal_factor, else 2)',
    );
  addOutputOptions(command, RANK_FORMATS);
  addSourceOptions(command);
  addCostBasisOption(command);
  command.addHelpText(
    'after',
    `
Examples:
  $ ml-cost rank --source http://victoria:8428 --period last-month
  $ ml-cost rank --source http://victoria:8428 --period 2026-09 --value doc-summarise=0.05 --value support-chat=0.02
  $ ml-cost rank --source example --period 2026-10 --format markdown
  $ ml-cost rank --source example --period 2026-10 --format html --output rank.html   # cost share against value share`,
  );
  return command.action(async (flags: RankFlags) => {
    await runRank(flags);
  });
}

async function runRank(flags: RankFlags): Promise<void> {
  const filters = parseFilters(flags.filter);
  const flagValues = parseValues(flags.value);
  const flagFactor = parseAmount(flags.marginalFactor, '--marginal-factor');
  if (flagFactor === 0) throw new UsageError('--marginal-factor: must be more than 0');
  const context = await createContext(flags);
  const window = await commandWindow(flags, context, 'last-month');
  const [{ buildUsageReport }, { rankUseCases }] = await Promise.all([
    import('../pipeline.js'),
    import('../core/rank.js'),
  ]);
  const useCaseLabel = context.labels.useCase;
  const usage = await buildUsageReport(context, {
    window,
    by: [useCaseLabel],
    filters,
    granularity: 'total',
    catalogueVersion: flags.catalogueVersion,
  });

  const valueSources: Record<string, 'config' | 'flag'> = {};
  const inputs: RankInput[] = usage.rows.map((row) => {
    const useCase = row.group[useCaseLabel] ?? '';
    const configured = context.config.use_cases?.[useCase]?.value_per_inference;
    const value = flagValues.get(useCase) ?? configured;
    if (value !== undefined) valueSources[useCase] = flagValues.has(useCase) ? 'flag' : 'config';
    return {
      useCase,
      cost: row.cost,
      // The basis' GPU time: under busy, a use case with no busy time has no GPU time to judge.
      gpuHours: costGpuHours(row),
      unpricedGpuHours: row.unpricedGpuHours,
      inferences: row.inferences,
      ...(value !== undefined ? { valuePerInference: value } : {}),
    };
  });
  const notes = [...usage.notes];
  const seen = new Set(inputs.map((input) => input.useCase));
  for (const name of flagValues.keys()) {
    if (!seen.has(name)) {
      notes.push({ text: `--value ${name}: no usage of this use case in the window` });
    }
  }
  const report: RankReport = {
    window,
    useCaseLabel,
    source: usage.source,
    catalogue: usage.catalogue,
    partial: usage.partial,
    ...(usage.sampling ? { sampling: usage.sampling } : {}),
    notes,
    ranking: rankUseCases(inputs, flagFactor ?? context.config.marginal_factor),
    valueSources,
  };
  const { render, rankRenderers } = await import('../render/renderers.js');
  await publish(
    await render(report, rankRenderers, flags.format, {
      ...renderOptions(flags),
      csv: csvStyle(flags, context.config),
    }),
    notes,
    flags,
  );
}

function parseValues(values: readonly string[] | undefined): Map<string, number> {
  const result = new Map<string, number>();
  for (const text of values ?? []) {
    const at = text.lastIndexOf('=');
    const name = text.slice(0, at).trim();
    if (at <= 0 || name === '') {
      throw new UsageError(`--value: "${text}" is not use_case=amount (e.g. --value chat=0.02)`);
    }
    const amount = parseAmount(text.slice(at + 1), `--value ${name}`);
    if (amount !== undefined) result.set(name, amount);
  }
  return result;
}
