// ml-cost drift: each day's unit costs per group against a trailing baseline of its own days.
import { Command } from 'commander';
import type { DriftOptions, DriftReport } from '../core/drift-types.js';
import type { Window } from '../core/types.js';
import { UsageError } from '../errors.js';
import type { LabelFilter } from '../sources/types.js';
import { addCostBasisOption } from './cost-basis.js';
import { publish, renderOptions } from './io.js';
import {
  addFilterOption,
  addOutputOptions,
  addSourceOptions,
  addWindowOptions,
  type CommandContext,
  commandWindow,
  createContext,
  csvStyle,
  type OutputFlags,
  parseBy,
  parseFilters,
  type SourceFlags,
  type WindowFlags,
} from './options.js';

export const DRIFT_FORMATS = ['table', 'csv', 'json', 'markdown', 'html'] as const;

const DEFAULT_PERIOD = 'last-7d';

type DriftFlags = SourceFlags &
  WindowFlags &
  OutputFlags & {
    by?: string;
    filter?: string[];
    baselineDays?: string;
    sensitivity?: string;
  };

export function driftCommand(): Command {
  const command = new Command('drift')
    .summary(
      'unit costs of each day against a trailing 30-day baseline; drifts flagged with a cause',
    )
    .description(
      'For each group (use case by default) and each day of the window: cost per inference, cost ' +
        'per 1M tokens, tokens per currency unit and GPU-seconds per inference, held against the ' +
        'same figures over the N days before that day (--baseline-days, default 30). The band is ' +
        'the baseline median ± --sensitivity robust sigmas (1.4826 × the median absolute ' +
        'deviation; at least 1 % of the median, and median / √N for a day of N inferences). Weekend days are held against weekend baseline ' +
        'days, and weekdays against weekdays, when the two medians differ significantly. A day ' +
        'outside the band drifts; its likely cause is named: price change (a catalogue version the ' +
        'baseline did not have), GPU mix change, volume drop (fixed GPU time over fewer ' +
        'inferences), tokens per inference change, or GPU time per inference change. A day is ' +
        'judged only with enough history (half the baseline days, at least 7, with a value); ' +
        'days with unpriced GPU time are not judged and not part of any baseline. Exit 0 whatever ' +
        'is found (use `ml-cost gate --max-drift` to fail a CI job).',
    );
  addWindowOptions(command, DEFAULT_PERIOD);
  command.option(
    '--by <labels>',
    'comma-separated labels to group by (default: the use-case label); not the GPU type',
  );
  addFilterOption(command)
    .option(
      '--baseline-days <days>',
      'days before each checked day that make its baseline, 7 or more (default: 30)',
    )
    .option(
      '--sensitivity <sigmas>',
      'half-width of the band in robust sigmas, more than 0 (default: 3.5, the modified z-score cut-off)',
    );
  addOutputOptions(command, DRIFT_FORMATS);
  addSourceOptions(command);
  addCostBasisOption(command);
  command.addHelpText(
    'after',
    `
Examples:
  $ ml-cost drift --source http://victoria:8428                          # the last 7 complete days, per use case
  $ ml-cost drift --source http://victoria:8428 --period 2026-10 --by use_case,model_name
  $ ml-cost drift --source http://victoria:8428 --baseline-days 14 --sensitivity 5 --format json
  $ ml-cost drift --source example --period 2026-10 --format html --output drift.html

Reading a drift row: "cost per inference 0.0123 → 0.0161 (+30.9 %, 7.2σ), price change" says the
day cost 30.9 % more per inference than the baseline median, 7.2 robust sigmas out, and that a
catalogue version the baseline did not have priced it. The fetch covers the window and the
baseline days before it: --period last-7d with the default baseline reads 37 days.`,
  );
  return command.action(async (flags: DriftFlags) => {
    await runDrift(flags);
  });
}

/** --baseline-days: a whole number of days, at least 7 (fewer cannot give a robust spread). */
export function parseBaselineDays(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const days = Number(text);
  if (text.trim() === '' || !Number.isInteger(days) || days < 7) {
    throw new UsageError(
      `--baseline-days: "${text}" is not a whole number of days, 7 or more (a robust spread needs a week of history)`,
    );
  }
  return days;
}

/** --sensitivity / --max-drift: a positive number of robust sigmas. */
export function parseSigmas(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(
      `${flag}: "${text}" is not a number of robust sigmas more than 0 (e.g. 3.5)`,
    );
  }
  return value;
}

async function runDrift(flags: DriftFlags): Promise<void> {
  const filters = parseFilters(flags.filter);
  const { DEFAULT_BASELINE_DAYS, DEFAULT_SENSITIVITY } = await import('../core/drift-types.js');
  const options: DriftOptions = {
    baselineDays: parseBaselineDays(flags.baselineDays) ?? DEFAULT_BASELINE_DAYS,
    sensitivity: parseSigmas(flags.sensitivity, '--sensitivity') ?? DEFAULT_SENSITIVITY,
  };
  const context = await createContext(flags);
  const by = flags.by === undefined ? [context.labels.useCase] : parseBy(flags.by);
  const window = await commandWindow(flags, context, DEFAULT_PERIOD);
  const report = await buildDriftReport(context, {
    window,
    by,
    filters,
    options,
    catalogueVersion: flags.catalogueVersion,
  });
  const { render, driftRenderers } = await import('../render/renderers.js');
  const text = await render(report, driftRenderers, flags.format, {
    ...renderOptions(flags),
    csv: csvStyle(flags, context.config),
  });
  await publish(text, report.notes, flags);
}

export interface DriftRequest {
  /** The days to check; their baselines are fetched with them. */
  readonly window: Window;
  readonly by: readonly string[];
  readonly filters: readonly LabelFilter[];
  readonly options: DriftOptions;
  readonly catalogueVersion?: string;
}

/**
 * Fetches the baseline days and the checked days in one daily report (the same pipeline and
 * bucket plan as `report --granularity day`), grouped by the drift's labels and the GPU type,
 * and judges every whole checked day.
 */
export async function buildDriftReport(
  context: CommandContext,
  request: DriftRequest,
): Promise<DriftReport> {
  const [periods, { buildUsageReport }, { driftDays }, { detectDrift }, { minimumHistoryDays }] =
    await Promise.all([
      import('../core/periods.js'),
      import('../pipeline.js'),
      import('../core/drift-days.js'),
      import('../core/drift.js'),
      import('../core/drift-types.js'),
    ]);
  const { window, by, options } = request;
  const gpuType = context.labels.gpuType;
  if (by.includes(gpuType)) {
    throw new UsageError(
      `--by ${gpuType}: inferences and tokens carry no ${gpuType} label, so unit costs cannot be split by it; a move between GPU types is reported as the cause "GPU mix change"`,
    );
  }
  if (periods.localDay(window.fromMs, window.tz).startMs !== window.fromMs) {
    throw new UsageError(
      `drift compares whole days: the window must start at a local midnight in ${window.tz} (${window.label})`,
    );
  }
  const notes = [];
  // A day still in progress (a window cut at the settled point) is not a day to compare.
  const checked = wholeDays(periods.dayPeriods(window), window.tz, periods.localDay);
  if (checked.partial) {
    notes.push({
      text: `${periods.localDay(checked.partial.startMs, window.tz).date} is not over yet: not checked`,
    });
  }
  const toMs = checked.partial?.startMs ?? window.toMs;
  if (toMs <= window.fromMs) {
    throw new UsageError(
      `no complete day in ${window.label} yet: drift compares whole days (try --period yesterday or last-7d)`,
    );
  }
  const baselineFromMs = periods.daysBefore(window.fromMs, options.baselineDays, window.tz);
  const fetchWindow: Window = {
    fromMs: baselineFromMs,
    toMs,
    tz: window.tz,
    label: `${window.label} and ${options.baselineDays} baseline days`,
  };
  const usage = await buildUsageReport(context, {
    window: fetchWindow,
    by: [...by, gpuType],
    filters: request.filters,
    granularity: 'day',
    catalogueVersion: request.catalogueVersion,
  });
  const days = periods.dayPeriods(fetchWindow).map((period) => ({
    ...period,
    weekend: periods.isWeekend(period.startMs, window.tz),
  }));
  const firstChecked = days.findIndex((day) => day.startMs >= window.fromMs);
  const groups = driftDays(usage.rows, by, gpuType, days).map(({ group, days: groupDays }) => ({
    group,
    days: detectDrift(groupDays, firstChecked, options),
  }));
  return {
    window: { ...window, toMs },
    baselineFromMs,
    options,
    minimumHistoryDays: minimumHistoryDays(options.baselineDays),
    by,
    source: usage.source,
    catalogue: usage.catalogue,
    partial: usage.partial,
    ...(usage.sampling ? { sampling: usage.sampling } : {}),
    // The usage notes speak of the fetch; a note on the GPU-type label the drift added is noise.
    // The drift's table does not name unpriced GPU types, so that note goes to stderr always.
    notes: [
      ...usage.notes
        .filter((note) => !note.text.includes(`label ${gpuType} (--by)`))
        .map((note) => ({ text: note.text })),
      ...notes,
    ],
    groups,
  };
}

/** The periods that are whole local days, and the one at the end cut short, if any. */
function wholeDays<P extends { startMs: number; endMs: number }>(
  periods: readonly P[],
  tz: string,
  localDay: (ms: number, tz: string) => { endMs: number },
): { whole: P[]; partial?: P } {
  const last = periods[periods.length - 1];
  if (last && localDay(last.startMs, tz).endMs !== last.endMs) {
    return { whole: periods.slice(0, -1), partial: last };
  }
  return { whole: [...periods] };
}
