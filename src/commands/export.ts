// ml-cost export: a stable, re-runnable CSV for schedules, in ml-cost or FinOps FOCUS columns.
// The same data and catalogue give the same bytes; files are written atomically and an
// existing file is kept unless --overwrite.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { UsageReport } from '../core/report.js';
import { CatalogueError, SourceError, UsageError } from '../errors.js';
import { FOCUS_VERSIONS, type FocusVersion } from '../export/focus-values.js';
import type { ExportMeasures } from '../export/kept-file.js';
import type { Table } from '../export/table.js';
import { fileProblem } from '../file-errors.js';
import { isoUtc } from '../iso-time.js';
import { addCostBasisOption } from './cost-basis.js';
import { io } from './io.js';
import {
  addCsvOptions,
  addGroupOptions,
  addMisplacedOption,
  addSourceOptions,
  addWindowOptions,
  type CommandContext,
  type CsvFlags,
  commandWindow,
  createContext,
  csvStyle,
  type GroupFlags,
  groupLabels,
  parseFilters,
  type SourceFlags,
  type WindowFlags,
} from './options.js';

export const EXPORT_SCHEMAS = ['ml-cost', 'focus'] as const;
type ExportSchema = (typeof EXPORT_SCHEMAS)[number];

type ExportFlags = SourceFlags &
  WindowFlags &
  GroupFlags &
  CsvFlags & {
    granularity: 'hour' | 'day';
    schema: ExportSchema;
    focusVersion: FocusVersion;
    output?: string;
    outputDir?: string;
    overwrite?: boolean;
  };

export function exportCommand(): Command {
  const command = new Command('export')
    .summary('a stable, re-runnable CSV for schedules (ml-cost or FOCUS columns)')
    .description(
      'Writes usage and cost per hour or day as CSV for spreadsheets and FinOps tools. The ' +
        'same data and catalogue give byte-identical files; each row names the catalogue ' +
        'version and hash that priced it. Files are written atomically (nothing is left ' +
        'behind on failure). A file already there is kept, so a re-run of a schedule is ' +
        'harmless, unless this run read more usage under the same prices (the file was ' +
        'written while data was missing): then it is replaced, and stderr says what grew. ' +
        'Any other difference is named in a warning and the file kept; --overwrite replaces ' +
        'it. No file is written when no metric has a series in the window (exit 2). ' +
        '--output-dir writes one file per local day: <schema>-YYYY-MM-DD.csv.',
    );
  addWindowOptions(command, 'yesterday');
  addGroupOptions(command);
  command
    .addOption(
      new Option('--granularity <granularity>', 'one row per group and hour, or per group and day')
        .choices(['hour', 'day'])
        .default('day'),
    )
    .addOption(
      new Option(
        '--schema <schema>',
        'ml-cost columns, or a FinOps FOCUS cost-and-usage dataset (see --focus-version)',
      )
        .choices(EXPORT_SCHEMAS)
        .default('ml-cost'),
    )
    .addOption(
      new Option(
        '--focus-version <version>',
        'with --schema focus: the FOCUS version whose columns the file has, exactly',
      )
        .choices(FOCUS_VERSIONS)
        .default('1.3'),
    )
    .option('--output <file>', 'write to this file (default: stdout)')
    .option('--output-dir <dir>', 'write one file per day into this directory, named by the day')
    .option(
      '--overwrite',
      'replace existing files (default: keep them, unless this run read more usage)',
    );
  addMisplacedOption(
    command,
    '--format <format>',
    'an export is always CSV; use --schema ml-cost or --schema focus to choose its columns',
  );
  addCsvOptions(command);
  addSourceOptions(command);
  addCostBasisOption(command);
  command.addHelpText(
    'after',
    `
Examples:
  $ ml-cost export --source http://victoria:8428 --output-dir /var/lib/ml-cost/exports
  $ ml-cost export --source http://victoria:8428 --period last-7d --granularity hour --output-dir exports
  $ ml-cost export --source http://victoria:8428 --period 2026-10 --schema focus --output focus-2026-10.csv
  $ ml-cost export --source http://victoria:8428 --period 2026-10 --schema focus --focus-version 1.2 --output focus-1.2.csv
  $ ml-cost export --source http://victoria:8428 --period last-7d --decimal-comma --output-dir exports`,
  );
  return command.action(async (flags: ExportFlags) => {
    if (flags.schema !== 'focus' && command.getOptionValueSource('focusVersion') === 'cli') {
      throw new UsageError('--focus-version: only with --schema focus');
    }
    await runExport(flags);
  });
}

interface ExportFile {
  /** null for stdout. */
  readonly path: string | null;
  readonly text: string;
  readonly rows: number;
}

async function runExport(flags: ExportFlags): Promise<void> {
  if (flags.output !== undefined && flags.outputDir !== undefined) {
    throw new UsageError('use either --output or --output-dir, not both');
  }
  if (flags.outputDir !== undefined) {
    // Checked before any query, as --output is: a wrong path should not cost a fetch.
    const { assertWritableDirectory } = await import('../io/atomic-write.js');
    await assertWritableDirectory(resolve(flags.outputDir), `--output-dir ${flags.outputDir}`);
  }
  if (flags.schema === 'focus' && flags.decimalComma === true) {
    throw new UsageError(
      '--decimal-comma: FOCUS numbers are written with "." decimals for the programs that read them; use it with --schema ml-cost',
    );
  }
  const filters = parseFilters(flags.filter);
  const context = await createContext(flags);
  const window = await commandWindow(flags, context, 'yesterday');
  const by = exportBy(flags, context);
  // Config and label mistakes that would break FOCUS fail before any query.
  if (flags.schema === 'focus') await focusLayout(flags, context, by);
  const { buildUsageReport } = await import('../pipeline.js');
  const report = await buildUsageReport(context, {
    window,
    by,
    filters,
    granularity: flags.granularity,
    catalogueVersion: flags.catalogueVersion,
    splitVersions: true,
  });
  if (report.partial) {
    throw new SourceError(
      'the source answered with partial data; an export is not written from partial data (even with --allow-partial)',
    );
  }
  for (const note of report.notes) io.warn(note.text);
  if (report.noSeries) {
    throw new UsageError(
      `no export written: no metric had a series in the window at ${report.source}; check --source, --metrics-preset, the config's metrics and --filter`,
    );
  }
  if (flags.schema === 'focus') refuseUnpriced(report);

  // Everything is rendered before anything is written: a failure leaves no file behind.
  const files =
    flags.outputDir === undefined
      ? [await renderFile(report, flags, context, flags.output ?? null)]
      : await renderDays(report, flags, context, flags.outputDir);
  await writeFiles(files, flags.overwrite === true, measuresOf(flags.schema, report));
}

/** The columns that tell how much usage and money an export file of this schema holds. */
function measuresOf(schema: ExportSchema, report: UsageReport): ExportMeasures {
  return schema === 'ml-cost'
    ? {
        usage: ['gpu_hours', 'inferences', 'tokens'],
        cost: `cost_${report.catalogue.currency.toLowerCase()}`,
        hash: 'catalogue_hash',
      }
    : {
        usage: ['ConsumedQuantity', 'x_Inferences', 'x_Tokens'],
        cost: 'BilledCost',
        hash: 'x_CatalogueHash',
      };
}

/**
 * FOCUS rows are per GPU type (a charge has one pricing unit and one price), and carry the
 * use case and model; the ml-cost schema groups like `report` does.
 */
function exportBy(flags: ExportFlags, context: CommandContext): string[] {
  const chosen = groupLabels(flags, context);
  if (flags.schema === 'ml-cost') return chosen;
  const { useCase, modelName, gpuType, migProfile } = context.labels;
  // A MIG slice has its own rate, so its own charge.
  const slices = migProfile === undefined ? [] : [migProfile];
  return [...new Set([useCase, modelName, gpuType, ...slices, ...chosen])];
}

function refuseUnpriced(report: UsageReport): void {
  if (report.totals.unpricedGpuHours <= 0) return;
  const { missingFx } = report.catalogue;
  if (missingFx) {
    throw new CatalogueError(
      `FOCUS needs a cost on every row, but no exchange rate converts ${missingFx.join(', ')} into ${report.catalogue.currency}: add the rates to ${report.catalogue.origin}/fx/, or export --schema ml-cost, which marks that GPU time unpriced`,
    );
  }
  const versions = [
    ...new Set(report.rows.filter((r) => r.unpricedGpuHours > 0).flatMap((r) => r.versions)),
  ];
  throw new CatalogueError(
    `FOCUS needs a cost on every row, but ${report.totals.unpricedGpuHours.toFixed(2)} GPU-hours of ${report.totals.unpricedGpuTypes.join(', ')} have no rate in catalogue version ${versions.join(', ') || '(none in force)'}: add the rates to the catalogue, or export --schema ml-cost, which marks them unpriced`,
  );
}

type FocusOptions = import('../export/focus.js').FocusLayoutOptions;

/** The FOCUS layout's options, checked: identity rules and distinct custom column IDs. */
async function focusLayout(
  flags: ExportFlags,
  context: CommandContext,
  by: readonly string[],
): Promise<FocusOptions> {
  const [
    { focusIdentity },
    { assertDistinctLabelColumns },
    { pricesInCurrency },
    { focusPriceLookup },
  ] = await Promise.all([
    import('../export/focus.js'),
    import('../export/focus-columns.js'),
    import('../catalogue/resolve.js'),
    import('../export/focus-prices.js'),
  ]);
  const { useCase, modelName, gpuType, migProfile } = context.labels;
  const fixed = [useCase, modelName, gpuType, migProfile];
  assertDistinctLabelColumns(by.filter((label) => !fixed.includes(label)));
  // The same effective versions the report was priced with: rows name them by catalogue and
  // exchange-rate version, and a charge is cut to the part of its period one was in force.
  const prices = pricesInCurrency(context.catalogue, context.currency, {
    catalogueVersion: flags.catalogueVersion,
    forcedFx: context.forcedFx,
  });
  return {
    version: flags.focusVersion,
    identity: focusIdentity(context.config.export?.focus),
    labels: { useCase, model: modelName, gpuType, ...(migProfile ? { migProfile } : {}) },
    ...focusPriceLookup(prices),
  };
}

async function tableOf(
  report: UsageReport,
  flags: ExportFlags,
  context: CommandContext,
): Promise<Table> {
  if (flags.schema === 'ml-cost') {
    const { mlCostTable } = await import('../export/ml-cost.js');
    return mlCostTable(report, { costShare: false });
  }
  const { focusTable } = await import('../export/focus.js');
  const table = focusTable(report, await focusLayout(flags, context, report.by));
  for (const note of table.notes) io.warn(note);
  return table;
}

async function renderFile(
  report: UsageReport,
  flags: ExportFlags,
  context: CommandContext,
  path: string | null,
): Promise<ExportFile> {
  const { renderTableCsv, STANDARD_CSV } = await import('../render/csv.js');
  const table = await tableOf(report, flags, context);
  return {
    path: path === '-' ? null : path,
    // FOCUS is read by programs: its numbers always have "." decimals.
    text: renderTableCsv(
      table,
      flags.schema === 'focus' ? STANDARD_CSV : csvStyle(flags, context.config),
    ),
    rows: table.records.length,
  };
}

/**
 * One file per local day, so that a daily schedule and a back-fill (--period last-7d) write
 * the same files with the same bytes. A window that starts or ends inside a day would freeze
 * a part of it under a name that says "whole day", so it is refused; the day still settling
 * at the end of a window that reaches now is skipped with a note, for the next run to write.
 */
async function renderDays(
  report: UsageReport,
  flags: ExportFlags,
  context: CommandContext,
  directory: string,
): Promise<ExportFile[]> {
  const { localDay: localDayIn } = await import('../core/periods.js');
  const { window } = report;
  const localDay = (ms: number) => localDayIn(ms, window.tz);
  const requestedEnd = window.cutFromMs ?? window.toMs;
  if (
    localDay(window.fromMs).startMs !== window.fromMs ||
    localDay(requestedEnd - 1).endMs !== requestedEnd
  ) {
    throw new UsageError(
      `--output-dir writes whole local days, but the window ${window.label} does not start and end at midnight in ${window.tz}: use --period YYYY-MM-DD, yesterday or last-7d, or --output FILE`,
    );
  }
  const files: ExportFile[] = [];
  for (let day = localDay(window.fromMs); day.startMs < requestedEnd; day = localDay(day.endMs)) {
    if (day.endMs > window.toMs) {
      io.warn(
        `skipped ${day.date}: the day is not over (data settled until ${isoUtc(window.toMs)})`,
      );
      continue;
    }
    const rows = report.rows.filter(
      (row) =>
        row.period !== undefined &&
        row.period.startMs >= day.startMs &&
        row.period.startMs < day.endMs,
    );
    const path = join(directory, `${flags.schema}-${day.date}.csv`);
    files.push(await renderFile({ ...report, rows }, flags, context, path));
  }
  return files;
}

/**
 * Writes each file unless one is there already. A kept file stays unless this run read more
 * usage under the same prices (it was written while data was missing); any other difference
 * is named in a warning and needs --overwrite, so a published day never changes silently.
 */
async function writeFiles(
  files: readonly ExportFile[],
  overwrite: boolean,
  measures: ExportMeasures,
): Promise<void> {
  const [{ writeFileAtomic }, { compareExportFiles }] = await Promise.all([
    import('../io/atomic-write.js'),
    import('../export/kept-file.js'),
  ]);
  for (const file of files) {
    if (file.path === null) {
      await io.deliver(file.text);
      continue;
    }
    const kept = overwrite ? null : await readIfExists(file.path);
    const verdict = kept === null ? null : compareExportFiles(kept, file.text, measures);
    if (verdict?.kind === 'same') {
      process.stderr.write(`ml-cost: kept existing ${file.path} (unchanged)\n`);
      continue;
    }
    if (verdict?.kind === 'differs') {
      io.warn(
        `kept existing ${file.path}, which this run would change (${verdict.changes.join(', ')}): use --overwrite to replace it`,
      );
      continue;
    }
    await writeFileAtomic(file.path, file.text);
    process.stderr.write(
      verdict?.kind === 'more-usage'
        ? `ml-cost: replaced ${file.path}: this run read more usage (${verdict.changes.join(', ')})\n`
        : `ml-cost: wrote ${file.path} (${file.rows} rows)\n`,
    );
  }
}

/** The file's text, or null when there is no file. */
async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`${path}: cannot read the file already there (${fileProblem(error)})`);
  }
}
