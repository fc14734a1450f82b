// ml-cost forecast: month-to-date actuals and the run-rate and trend end-of-month forecasts.

import { Command, Option } from 'commander';
import { provenanceOf } from '../core/effective-prices.js';
import type { ForecastDay, ForecastReport, ForecastResult, GpuUsage } from '../core/forecast.js';
import { LabelGroups } from '../core/label-groups.js';
import { costMeasureOf } from '../core/measures.js';
import { priceKey } from '../core/mig.js';
import { costGpuHours, type UsageRow } from '../core/report.js';
import { HOUR_MS } from '../core/types.js';
import { UsageError } from '../errors.js';
import { isoUtc } from '../iso-time.js';
import type { LabelFilter } from '../sources/types.js';
import { addCostBasisOption } from './cost-basis.js';
import { publish, renderOptions } from './io.js';
import {
  addFilterOption,
  addMisplacedOption,
  addOutputOptions,
  addSourceOptions,
  addTzOption,
  type CommandContext,
  createContext,
  csvStyle,
  type OutputFlags,
  parseAmount,
  parseBy,
  parseFilters,
  type SourceFlags,
} from './options.js';

export const FORECAST_FORMATS = ['table', 'csv', 'json', 'markdown', 'html'] as const;

type ForecastFlags = SourceFlags &
  OutputFlags & {
    month?: string;
    asOf?: string;
    tz?: string;
    by?: string;
    filter?: string[];
    budget?: string;
    lookback?: string;
  };

export function forecastCommand(): Command {
  const command = new Command('forecast')
    .summary('month-to-date actuals and the linear end-of-month forecast')
    .description(
      'Month-to-date cost from closed hours, and two linear end-of-month forecasts: run-rate ' +
        '(month-to-date cost / elapsed hours x hours in the month) and trend (a least-squares line ' +
        'through the closed daily costs, with R² and an 80% prediction interval). Remaining hours ' +
        'are priced by the catalogue version in force at each hour, so known price changes count.',
    )
    .option('--month <YYYY-MM>', 'the month to forecast (default: the month of --as-of in --tz)')
    .option(
      '--as-of <time>',
      'forecast as it stood at this time, ISO 8601 (default: now); only hours closed by then count',
    );
  addTzOption(command).option(
    '--by <labels>',
    'also forecast each group of these comma-separated labels',
  );
  addFilterOption(command)
    .option('--budget <amount>', 'the month budget: projected over/under and the day it is crossed')
    .addOption(
      new Option(
        '--lookback <days>',
        'fit the trend on the last N closed days (may reach into the previous month)',
      ),
    );
  addOutputOptions(command, FORECAST_FORMATS);
  addMisplacedOption(
    command,
    '--period <period>',
    'a forecast covers one month; use --month YYYY-MM (and --as-of for a past point in time)',
  );
  addSourceOptions(command);
  addCostBasisOption(command);
  command.addHelpText(
    'after',
    `
Examples:
  $ ml-cost forecast --source http://victoria:8428 --budget 12000
  $ ml-cost forecast --source http://victoria:8428 --month 2026-10 --as-of 2026-10-15T00:00:00Z --format json
  $ ml-cost forecast --source http://victoria:8428 --by use_case --lookback 14
  $ ml-cost forecast --source http://victoria:8428 --budget 12000 --format html --output forecast.html   # the cone against the budget`,
  );
  return command.action(async (flags: ForecastFlags) => {
    await runForecast(flags);
  });
}

async function runForecast(flags: ForecastFlags): Promise<void> {
  const filters = parseFilters(flags.filter);
  const budget = parseAmount(flags.budget, '--budget');
  const lookbackDays = parseLookback(flags.lookback);
  const context = await createContext(flags);
  const by = parseBy(flags.by);
  const report = await buildForecastReport(context, {
    month: flags.month,
    asOf: flags.asOf,
    by,
    filters,
    budget,
    lookbackDays,
    catalogueVersion: flags.catalogueVersion,
  });
  const { render, forecastRenderers } = await import('../render/renderers.js');
  const text = await render(report, forecastRenderers, flags.format, {
    ...renderOptions(flags),
    csv: csvStyle(flags, context.config),
  });
  await publish(text, report.notes, flags);
}

export interface ForecastRequest {
  /** YYYY-MM; default the month of asOf in the context's time zone. */
  readonly month?: string;
  /** ISO 8601; default now. */
  readonly asOf?: string;
  readonly by: readonly string[];
  readonly filters: readonly LabelFilter[];
  readonly budget?: number;
  readonly lookbackDays?: number;
  readonly catalogueVersion?: string;
}

/** Fetches the month (and any lookback days) by day, GPU type and group, and forecasts it. */
export async function buildForecastReport(
  context: CommandContext,
  request: ForecastRequest,
): Promise<ForecastReport> {
  const [periods, { buildUsageReport }, { forecastMonth }, { pricesInCurrency }] =
    await Promise.all([
      import('../core/periods.js'),
      import('../pipeline.js'),
      import('../core/forecast.js'),
      import('../catalogue/resolve.js'),
    ]);
  const { tz, now } = context;
  periods.assertTimeZone(tz);
  const asOfMs =
    request.asOf === undefined ? now : periods.parseInstant(request.asOf, tz, '--as-of');
  const month = request.month ?? periods.monthOf(asOfMs, tz);
  const { startMs: monthStartMs, endMs: monthEndMs } = periods.monthRange(month, tz);

  // Only settled hours count: an --as-of at or past "now" is cut back like any window ending now.
  const settledMs = now - context.settleMs;
  const cutMs = Math.min(asOfMs, settledMs, monthEndMs);
  if (cutMs < monthStartMs + HOUR_MS) {
    throw new UsageError(
      `no closed hour of ${month} by ${isoUtc(Math.min(asOfMs, settledMs))}: pick a month that has started (--month) or a later --as-of`,
    );
  }
  const closedUntilMs = monthStartMs + Math.floor((cutMs - monthStartMs) / HOUR_MS) * HOUR_MS;
  const fitStartMs =
    request.lookbackDays === undefined
      ? monthStartMs
      : Math.min(monthStartMs, periods.daysBefore(closedUntilMs, request.lookbackDays, tz));

  const { gpuType, migProfile } = context.labels;
  // Each GPU type, and each MIG profile, is priced by its own rate in the days to come.
  const fetchBy = [...new Set([...request.by, gpuType, ...(migProfile ? [migProfile] : [])])];
  const usage = await buildUsageReport(context, {
    window: { fromMs: fitStartMs, toMs: closedUntilMs, tz, label: month },
    by: fetchBy,
    filters: request.filters,
    granularity: 'day',
    catalogueVersion: request.catalogueVersion,
    // The forecast prices GPU time only, of the cost basis: the rest would be read for nothing.
    metrics: [costMeasureOf(context.costBasis)],
  });

  // The rest of the month is priced by the same effective versions as the closed hours: the
  // catalogue converted at the rates in force (a forced version starts at -Infinity).
  const versions = pricesInCurrency(context.catalogue, context.currency, {
    catalogueVersion: request.catalogueVersion,
    forcedFx: context.forcedFx,
  });
  const dayPeriods = periods.dayPeriods({
    fromMs: fitStartMs,
    toMs: monthEndMs,
    tz,
    label: month,
  });
  const byName = new Map(versions.map((version) => [version.version, version]));
  const forecast = (closed: DayUsage, budget?: number): ForecastResult => {
    const result = forecastMonth({
      monthStartMs,
      monthEndMs,
      closedUntilMs,
      days: closed.days(dayPeriods),
      versions,
      ...(request.lookbackDays !== undefined ? { lookbackDays: request.lookbackDays } : {}),
      ...(budget !== undefined ? { budget } : {}),
    });
    // Effective versions named as the catalogue and exchange-rate versions behind them.
    const remaining = provenanceOf(result.remainingVersions, byName);
    return remaining.fx.length === 0 &&
      remaining.catalogue.length === result.remainingVersions.length
      ? result
      : {
          ...result,
          remainingVersions: remaining.catalogue,
          remainingFxVersions: remaining.fx,
        };
  };

  // One pass over the rows, folded into days as they come: a forecast by 10,000 use cases
  // keeps their daily sums, not their 300,000 rows. Without --by there are no groups: not
  // even the one group of every row.
  const total = new DayUsage(gpuType, migProfile);
  const byGroup = new LabelGroups(request.by, () => new DayUsage(gpuType, migProfile));
  for (const row of usage.rows) {
    total.add(row);
    if (request.by.length > 0) byGroup.of(row.group).add(row);
  }
  const groups = byGroup
    .sorted()
    .map(({ group, value: closed }) => ({ group, result: forecast(closed) }));
  const notes = [...usage.notes];
  if (closedUntilMs < Math.min(asOfMs, monthEndMs) && asOfMs > settledMs) {
    notes.push({
      text: `as-of cut to ${isoUtc(closedUntilMs)}: newer data is not settled yet`,
    });
  }
  return {
    month,
    tz,
    asOfMs,
    // Only when the settled point, not the month's end, cut the as-of back.
    ...(asOfMs > settledMs && closedUntilMs < Math.min(asOfMs, monthEndMs)
      ? { settledCutMs: closedUntilMs }
      : {}),
    ...(request.lookbackDays !== undefined ? { lookbackDays: request.lookbackDays } : {}),
    by: request.by,
    source: usage.source,
    catalogue: usage.catalogue,
    partial: usage.partial,
    ...(usage.sampling ? { sampling: usage.sampling } : {}),
    notes,
    total: forecast(total, request.budget),
    groups,
  };
}

/** Each day's closed usage of the rows added, folded as they come (the rows are not kept). */
class DayUsage {
  private readonly byDay = new Map<
    number,
    { usage: Map<string, number>; cost: number; unpriced: number }
  >();

  constructor(
    private readonly gpuTypeLabel: string,
    private readonly migProfileLabel: string | undefined,
  ) {}

  add(row: UsageRow): void {
    if (!row.period) return;
    let day = this.byDay.get(row.period.startMs);
    if (!day) {
      day = { usage: new Map(), cost: 0, unpriced: 0 };
      this.byDay.set(row.period.startMs, day);
    }
    // The basis' GPU time (busy under --cost-basis busy) is what the rest of the month is priced on.
    const hours = costGpuHours(row);
    if (hours !== 0) {
      const profile = this.migProfileLabel ? (row.group[this.migProfileLabel] ?? '') : '';
      const type = priceKey(row.group[this.gpuTypeLabel] ?? '', profile);
      day.usage.set(type, (day.usage.get(type) ?? 0) + hours);
    }
    day.cost += row.cost ?? 0;
    day.unpriced += row.unpricedGpuHours;
  }

  /** The whole local days from the fit start to the month end, with each day's usage. */
  days(periods: readonly { startMs: number; endMs: number }[]): ForecastDay[] {
    return periods.map((period) => {
      const day = this.byDay.get(period.startMs);
      const usage: GpuUsage[] = [...(day?.usage ?? [])].map(([gpuType, gpuHours]) => ({
        gpuType,
        gpuHours,
      }));
      return {
        startMs: period.startMs,
        endMs: period.endMs,
        usage,
        cost: day?.cost ?? 0,
        unpricedGpuHours: day?.unpriced ?? 0,
      };
    });
  }
}

function parseLookback(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 3) {
    throw new UsageError(`--lookback: "${text}" is not a whole number of days, 3 or more`);
  }
  return days;
}
