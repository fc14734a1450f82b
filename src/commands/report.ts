// ml-cost report: usage and cost by group over a window.
import { Command, Option } from 'commander';
import type { Granularity, UsageReport } from '../core/report.js';
import { io, useColor } from './io.js';
import {
  addGroupOptions,
  addOutputOptions,
  addSourceOptions,
  addWindowOptions,
  createContext,
  type GroupFlags,
  type OutputFlags,
  parseBy,
  parseFilters,
  type SourceFlags,
  type WindowFlags,
} from './options.js';

export const REPORT_FORMATS = ['table', 'csv', 'json', 'markdown'] as const;
export const DEFAULT_BY = ['use_case', 'model_name'];

type ReportFlags = SourceFlags & WindowFlags & GroupFlags & OutputFlags & { granularity: string };

export function reportCommand(): Command {
  const command = new Command('report')
    .summary('usage and cost by group over a window')
    .description(
      'Usage and cost by group over a window: GPU-hours, inferences, tokens, cost, cost per ' +
        'inference, tokens per currency unit and cost share, each hour priced by the catalogue ' +
        'version in force at its start.',
    );
  addWindowOptions(command, 'last-month');
  addGroupOptions(command);
  command.addOption(
    new Option('--granularity <granularity>', 'one row per group, or per group and day or hour')
      .choices(['total', 'day', 'hour'])
      .default('total'),
  );
  addOutputOptions(command, REPORT_FORMATS);
  addSourceOptions(command);
  command.addHelpText(
    'after',
    `
Examples:
  $ ml-cost report --source example --period 2026-09
  $ ml-cost report --source http://victoria:8428 --period last-month --by use_case,gpu_type
  $ ml-cost report --source http://victoria:8428 --from 2026-10-01 --to 2026-10-08 --tz Europe/Paris --granularity day --format csv --output week.csv
  $ ml-cost report --source http://victoria:8428 --period last-month --filter environment=prod --catalogue-version 2026-10`,
  );
  return command.action(async (flags: ReportFlags) => {
    await runReport(flags);
  });
}

async function runReport(flags: ReportFlags): Promise<void> {
  const granularity = flags.granularity as Granularity;
  const [{ resolveWindow, DEFAULT_SETTLE_MS }, { buildUsageReport }] = await Promise.all([
    import('../core/periods.js'),
    import('../pipeline.js'),
  ]);
  const filters = parseFilters(flags.filter);
  const context = await createContext(flags);
  const by = parseBy(flags.by ?? context.config.by?.join(','), DEFAULT_BY);
  const window = resolveWindow(
    {
      period:
        flags.period ??
        (flags.from === undefined && flags.to === undefined ? 'last-month' : undefined),
      from: flags.from,
      to: flags.to,
      tz: context.tz,
    },
    context.now,
    settleMs(context.config.settle_minutes, DEFAULT_SETTLE_MS),
  );
  const report = await buildUsageReport(context, {
    window,
    by,
    filters,
    granularity,
    catalogueVersion: flags.catalogueVersion,
  });
  // A table shows its notes as footnotes; other formats keep them out of the data.
  if (flags.format !== 'table' || flags.output !== undefined) {
    for (const note of report.notes) io.warn(note);
  }
  await io.deliver(await renderReport(report, flags), flags.output);
}

export function settleMs(minutes: number | undefined, fallback: number): number {
  return minutes === undefined ? fallback : minutes * 60_000;
}

async function renderReport(report: UsageReport, flags: OutputFlags): Promise<string> {
  switch (flags.format) {
    case 'json':
      return (await import('../render/usage-json.js')).renderUsageJson(report);
    case 'csv':
      return (await import('../render/csv.js')).renderCsv(report);
    case 'markdown': {
      const [{ usageView }, { renderMarkdown }] = await Promise.all([
        import('../render/usage-view.js'),
        import('../render/markdown.js'),
      ]);
      return renderMarkdown(usageView(report));
    }
    default: {
      const [{ usageView }, { renderTable }] = await Promise.all([
        import('../render/usage-view.js'),
        import('../render/table.js'),
      ]);
      return renderTable(usageView(report), useColor(flags));
    }
  }
}
