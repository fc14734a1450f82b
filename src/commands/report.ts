// ml-cost report: usage and cost by group over a window.
import { Command, Option } from 'commander';
import { measureOf } from '../core/measures.js';
import type { Granularity } from '../core/report.js';
import { addCostBasisOption } from './cost-basis.js';
import { publish, renderOptions } from './io.js';
import {
  addGroupOptions,
  addOutputOptions,
  addSourceOptions,
  addWindowOptions,
  commandWindow,
  createContext,
  csvStyle,
  type GroupFlags,
  groupLabels,
  type OutputFlags,
  parseFilters,
  type SourceFlags,
  type WindowFlags,
} from './options.js';

export const REPORT_FORMATS = ['table', 'csv', 'json', 'markdown', 'html'] as const;

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
  addCostBasisOption(command);
  command.addHelpText(
    'after',
    `
Examples:
  $ ml-cost report --source example --period 2026-09
  $ ml-cost report --source http://victoria:8428 --period last-month --by use_case,gpu_type
  $ ml-cost report --source http://victoria:8428 --from 2026-10-01 --to 2026-10-08 --tz Europe/Paris --granularity day --format csv --output week.csv
  $ ml-cost report --source http://victoria:8428 --period last-month --filter environment=prod --catalogue-version 2026-10
  $ ml-cost report --source example --period 2026-09 --granularity day --format html --output 2026-09.html
  $ ml-cost report --source http://vm:8428 --preset kubernetes-gpu --by use_case

A Kubernetes cluster with dcgm-exporter and kube-state-metrics needs no metric names:
--preset kubernetes-gpu reads GPUs requested as allocated GPU time and DCGM engine activity as
busy time (idle = allocated - busy), the use case from the namespace (or the config's
attribution.rules), a request's GPU type from the DCGM series of its node (or the config's
gpu_types). Also: --preset dcgm, dcgm-util (no profiling metrics: "occupied", not busy),
kube-state-metrics. ml-cost doctor says which fits; README "GPU time from a Kubernetes cluster".

--format html writes one self-contained page (inline SVG charts, no script, nothing fetched):
cost by group, and by day or hour with --granularity, above the same table as --format table.
On a terminal, --granularity day ends with a sparkline per group (not with NO_COLOR).

A gauge (GPUs requested, DCGM activity) counts each sample for one scrape interval after it:
config metrics.<measure>.scrape_interval ("30s"), else found from the data; the header's
"reads" line names it. Any cut of the window (total, days, hours) adds up to the same usage.`,
  );
  return command.action(async (flags: ReportFlags) => {
    await runReport(flags);
  });
}

async function runReport(flags: ReportFlags): Promise<void> {
  const filters = parseFilters(flags.filter);
  const context = await createContext(flags);
  const by = groupLabels(flags, context);
  const window = await commandWindow(flags, context, 'last-month');
  const [{ buildUsageReport }, { render, usageRenderers }] = await Promise.all([
    import('../pipeline.js'),
    import('../render/renderers.js'),
  ]);
  const report = await buildUsageReport(context, {
    window,
    by,
    filters,
    granularity: flags.granularity as Granularity,
    catalogueVersion: flags.catalogueVersion,
  });
  const gpuType = context.labels.gpuType;
  // Only where tokens or inferences were read: a cluster's report has GPU time alone.
  const readsUnpricedMeasures = (report.measured ?? []).some(
    (metric) => !measureOf(metric).pricedPerGpuHour,
  );
  const notes =
    by.includes(gpuType) && readsUnpricedMeasures
      ? [
          ...report.notes,
          {
            text: `inferences and tokens carry no ${gpuType} label: they are grouped under an empty ${gpuType}, and per-row unit costs are left out`,
          },
        ]
      : report.notes;
  const text = await render({ ...report, notes }, usageRenderers, flags.format, {
    ...renderOptions(flags),
    csv: csvStyle(flags, context.config),
  });
  await publish(text, notes, flags);
}
