// Options every usage command shares (source, catalogue, window, grouping, output) and the
// context they resolve to. Heavy modules are imported here lazily, when a command runs.
import { type Command, Option } from 'commander';
import type { GpuTypeLookup } from '../assign-gpu-types.js';
import type { Config, MetricSetting } from '../config.js';
import type { Attribution } from '../core/attribution.js';
import { type CostBasis, measureOf } from '../core/measures.js';
import type { Catalogue, FxRate, Metric, Window } from '../core/types.js';
import { UsageError } from '../errors.js';
import type { Preset } from '../presets.js';
import type { CsvStyle } from '../render/csv.js';
import { isLabelName } from '../sources/promql.js';
import { parseDuration } from '../sources/sample-interval.js';
import type {
  LabelFilter,
  MetricNames,
  MetricReading,
  StoredNames,
  UsageSource,
} from '../sources/types.js';
import { type CostBasisFlags, costBasisOf } from './cost-basis.js';
import { io } from './io.js';

/** --cost-basis only on the commands that price usage (addCostBasisOption). */
export interface SourceFlags extends CostBasisFlags {
  source?: string;
  config?: string;
  catalogue?: string;
  catalogueVersion?: string;
  currency?: string;
  fxVersion?: string[];
  metricsPreset?: string;
  /** The same as metricsPreset, shorter. */
  preset?: string;
  timeout?: string;
  deadline?: string;
  header?: string[];
  caFile?: string;
  insecure?: boolean;
  allowPartial?: boolean;
  verbose?: boolean;
}

export interface WindowFlags {
  period?: string;
  from?: string;
  to?: string;
  tz?: string;
}

export interface GroupFlags {
  by?: string;
  filter?: string[];
}

export interface OutputFlags extends CsvFlags {
  format: string;
  output?: string;
  color?: boolean;
}

export interface CsvFlags {
  decimalComma?: boolean;
}

export interface CommandContext {
  readonly config: Config;
  readonly configPath: string | null;
  readonly source: UsageSource;
  readonly catalogue: Catalogue;
  /** The reporting currency: every cost is converted into it (effective-prices.ts). */
  readonly currency: string;
  /** --fx-version: rates that price their pair over the whole window. */
  readonly forcedFx: readonly FxRate[];
  readonly metrics: MetricNames;
  /** How metrics are read where that differs from their measure's definition (kind, scale). */
  readonly readings?: Readonly<Partial<Record<Metric, MetricReading>>>;
  readonly labels: {
    readonly useCase: string;
    readonly modelName: string;
    readonly gpuType: string;
    /** The label naming a MIG slice's profile, which prices the slice (absent: none read). */
    readonly migProfile?: string;
  };
  /**
   * The config's attribution rules, compiled, else the preset's (cluster presets: the use case
   * is the namespace); absent: the use-case label as series carry it.
   */
  readonly attribution?: Attribution;
  /** How usage whose series carry no GPU type gets one by node (config gpu_types, preset). */
  readonly gpuTypes?: GpuTypeLookup;
  readonly tz: string;
  readonly now: number;
  /** How far behind now data is trusted to be complete (config settle_minutes). */
  readonly settleMs: number;
  /** What a report's cost is the cost of: allocated GPU time, or busy GPU time. */
  readonly costBasis: CostBasis;
}

/**
 * The preset's metric names and readings, overridden measure by measure by the config's: a
 * config entry replaces the preset's name and reading for that measure.
 */
function metricSettings(
  preset: Preset,
  settings: Config['metrics'],
): { metrics: MetricNames; readings: Partial<Record<Metric, MetricReading>> } {
  const metrics: Partial<Record<Metric, StoredNames>> = { ...preset.metrics };
  const readings: Partial<Record<Metric, MetricReading>> = { ...preset.readings };
  for (const [name, setting] of Object.entries(settings ?? {}) as [Metric, MetricSetting][]) {
    if (setting === undefined) continue;
    delete readings[name];
    if (typeof setting === 'string' || Array.isArray(setting) || !('name' in setting)) {
      metrics[name] = setting as StoredNames;
      continue;
    }
    const { name: stored, kind, scale, scrape_interval } = setting;
    metrics[name] = stored as StoredNames;
    if (kind !== undefined || scale !== undefined || scrape_interval !== undefined) {
      readings[name] = {
        kind: kind ?? measureOf(name).kind,
        scale: scale ?? 1,
        ...(scrape_interval === undefined
          ? {}
          : { intervalMs: parseDuration(scrape_interval) as number }),
      };
    }
  }
  return { metrics, readings };
}

/** --metrics-preset or --preset (one name, if both are given). */
export function presetFlag(
  flags: Pick<SourceFlags, 'metricsPreset' | 'preset'>,
): string | undefined {
  const { metricsPreset, preset } = flags;
  if (metricsPreset !== undefined && preset !== undefined && metricsPreset !== preset) {
    throw new UsageError(
      `--metrics-preset ${metricsPreset} and --preset ${preset} name different presets; give one`,
    );
  }
  return metricsPreset ?? preset;
}

/** For repeatable options: each use adds to the list. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addSourceOptions(command: Command): Command {
  return command
    .option(
      '--source <url|file>',
      'VictoriaMetrics base URL (single node, vmselect tenant prefix or vmauth), a VictoriaMetrics export file (.jsonl or .jsonl.gz), or "example" for the built-in example data [env: ML_COST_SOURCE]',
    )
    .option('--config <file>', 'configuration file (default: ./ml-cost.config.json when present)')
    .option(
      '--catalogue <dir>',
      'pricing catalogue directory (default: the catalogue shipped with ml-cost)',
    )
    .option(
      '--catalogue-version <version>',
      'price the whole window with one catalogue version ("what would it cost at these prices")',
    )
    .option(
      '--currency <code>',
      "reporting currency, ISO 4217 (default: config currency, else the catalogue's one currency); prices in another are converted at the rate in force each hour (fx/)",
    )
    .option(
      '--fx-version <version>',
      'convert the whole window at one exchange-rate version of fx/ (repeatable, one per pair): "at today\'s rate"',
      collect,
    )
    .option(
      '--metrics-preset <name>',
      'metric and label naming: otel-collector (default), victoriametrics-otlp, otel-js-prometheus, otel-genai, otel-genai-underscores, otel-genai-dots, vllm; for a Kubernetes cluster: kubernetes-gpu (kube-state-metrics GPU requests = allocated, DCGM engine activity = busy), dcgm, dcgm-util (no profiling metrics: "occupied", not busy), kube-state-metrics (ml-cost doctor says which fits)',
    )
    .option('--preset <name>', 'the same as --metrics-preset')
    .addOption(
      new Option(
        '--timeout <seconds>',
        'per request to VictoriaMetrics: the most to wait for an answer, and again for its whole body (default: 30)',
      ),
    )
    .option(
      '--deadline <seconds>',
      'the most the whole run may spend on VictoriaMetrics, retries included (default: 20 x --timeout)',
    )
    .option(
      '--header <"Name: value">',
      'extra HTTP header for VictoriaMetrics (repeatable)',
      collect,
    )
    .option('--ca-file <file>', 'CA certificate(s) to trust for an https source')
    .option('--insecure', 'do not verify the TLS certificate (prints a warning)')
    .option(
      '--allow-partial',
      'accept a partial answer from a VictoriaMetrics cluster, marked as partial',
    )
    .option('--verbose', 'print stack traces and request details on stderr');
}

export function addWindowOptions(command: Command, defaultPeriod?: string): Command {
  command
    .option(
      '--period <period>',
      `today, yesterday, this-month, last-month, last-7d, last-30d, YYYY-MM or YYYY-MM-DD${defaultPeriod ? ` (default: ${defaultPeriod})` : ''}`,
    )
    .option(
      '--from <time>',
      'window start, ISO 8601, inclusive (a date alone is local midnight in --tz)',
    )
    .option('--to <time>', 'window end, ISO 8601, exclusive');
  return addTzOption(command);
}

export function addTzOption(command: Command): Command {
  return command.option(
    '--tz <zone>',
    'IANA time zone for days and months (default: config tz, else UTC)',
  );
}

export function addFilterOption(command: Command): Command {
  return command.option(
    '--filter <label=value>',
    "keep only series whose label equals (=) or differs from (!=) a value; repeatable. With the config's attribution rules, a filter on the use-case label filters by the use case the rules give (use_case= keeps the unattributed)",
    collect,
  );
}

export function addGroupOptions(command: Command): Command {
  command.option(
    '--by <labels>',
    "comma-separated labels to group by (default: the config's by, else the use-case and model labels)",
  );
  return addFilterOption(command);
}

/**
 * A flag that users of the other commands reach for but this command does not take. Hidden from
 * --help; given, it fails naming the option that does what was meant, where commander would
 * suggest whichever name is closest in spelling (--version for --period).
 */
export function addMisplacedOption(command: Command, flags: string, instead: string): Command {
  const name = flags.split(' ')[0];
  return command.addOption(
    new Option(flags).hideHelp().argParser(() => {
      throw new UsageError(`${command.name()} has no ${name}: ${instead}`);
    }),
  );
}

export function addOutputOptions(command: Command, formats: readonly string[]): Command {
  command
    .addOption(
      new Option('--format <format>', 'output format').choices(formats).default(formats[0]),
    )
    .option('--output <file>', 'write the result to a file (atomically) instead of stdout')
    .option('--no-color', 'no colours in tables (also: NO_COLOR=1)');
  if (formats.includes('csv')) addCsvOptions(command);
  return command;
}

export function addCsvOptions(command: Command): Command {
  return command
    .option(
      '--decimal-comma',
      'CSV for spreadsheets in German, French and other locales that write 0,5: ";" between fields and "," before decimals (config csv.decimal_comma)',
    )
    .option('--no-decimal-comma', 'CSV with "," between fields and "." before decimals (default)');
}

/** The flag, else the config's csv.decimal_comma, else standard CSV. */
export function csvStyle(flags: CsvFlags, config: Config): CsvStyle {
  return { decimalComma: flags.decimalComma ?? config.csv?.decimal_comma ?? false };
}

/**
 * The labels a report groups by: --by, else the config's by, else the use-case and model
 * labels, as the config or the metrics preset names them.
 */
export function groupLabels(flags: GroupFlags, context: CommandContext): string[] {
  if (flags.by !== undefined) return parseBy(flags.by);
  if (context.config.by !== undefined) return [...context.config.by];
  return [...new Set([context.labels.useCase, context.labels.modelName])];
}

export function parseBy(text: string | undefined): string[] {
  if (text === undefined) return [];
  const labels = text
    .split(',')
    .map((label) => label.trim())
    .filter((label) => label !== '');
  for (const label of labels) {
    if (!isLabelName(label)) {
      throw new UsageError(
        `--by: "${label}" is not a label name (letters, digits, _ and ., not starting with __)`,
      );
    }
  }
  if (new Set(labels).size !== labels.length) throw new UsageError('--by: a label is listed twice');
  return labels;
}

export function parseFilters(filters: readonly string[] | undefined): LabelFilter[] {
  return (filters ?? []).map((text) => {
    const match = /^([^=!]+?)(!=|=)([\s\S]*)$/.exec(text);
    const label = match?.[1]?.trim();
    if (!match || label === undefined || !isLabelName(label)) {
      throw new UsageError(
        `--filter: "${text}" is not label=value or label!=value (e.g. --filter environment=prod)`,
      );
    }
    return { label, op: match[2] as '=' | '!=', value: match[3] ?? '' };
  });
}

export function parseAmount(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${flag}: "${text}" is not a non-negative number`);
  }
  return value;
}

/** Loads config, catalogue and source, in that order, so the cheapest mistakes fail first. */
export async function createContext(
  flags: SourceFlags & WindowFlags & { output?: string },
): Promise<CommandContext> {
  // A result that cannot be written should fail now, not after minutes of queries.
  if (flags.output !== undefined && flags.output !== '-') {
    const { assertWritableTarget } = await import('../io/atomic-write.js');
    await assertWritableTarget(flags.output);
  }
  const [
    { loadConfig },
    { resolvePreset, DEFAULT_PRESET },
    { loadCatalogue, defaultCatalogueDir },
    { DEFAULT_SETTLE_MS },
    { MIG_PROFILE_LABEL },
  ] = await Promise.all([
    import('../config.js'),
    import('../presets.js'),
    import('../catalogue/load.js'),
    import('../core/periods.js'),
    import('../core/mig.js'),
  ]);
  // The example data comes with its example config (use-case values), unless one is given.
  const wantsExample = (flags.source ?? io.env.ML_COST_SOURCE) === 'example';
  let { config, path: configPath } = await loadConfig(flags.config, io.cwd);
  if (wantsExample && configPath === null) {
    const { exampleConfigPath } = await import('../example/paths.js');
    ({ config, path: configPath } = await loadConfig(exampleConfigPath(), io.cwd));
  }
  const now = io.now();
  const tz = flags.tz ?? config.tz ?? 'UTC';

  const preset = resolvePreset(presetFlag(flags) ?? config.preset ?? DEFAULT_PRESET);
  const { metrics, readings } = metricSettings(preset, config.metrics);
  const costBasis = costBasisOf(flags, config, configPath, metrics);
  const labels = {
    useCase: config.labels?.use_case ?? preset.labels.useCase,
    modelName: config.labels?.model_name ?? preset.labels.modelName,
    gpuType: config.labels?.gpu_type ?? preset.labels.gpuType,
    migProfile: config.labels?.mig_profile ?? MIG_PROFILE_LABEL,
  };

  const catalogue = await loadCatalogue(
    flags.catalogue ?? config.catalogue ?? defaultCatalogueDir(),
  );
  const { findVersion, reportingCurrency, findFxVersions } = await import(
    '../catalogue/resolve.js'
  );
  if (flags.catalogueVersion !== undefined) findVersion(catalogue, flags.catalogueVersion);
  const currency = reportingCurrency(catalogue, flags.currency, config.currency);
  const forcedFx = findFxVersions(catalogue, flags.fxVersion ?? []);

  const { openSource } = await import('./open-source.js');
  const source = await openSource(flags, config);
  const settleMs =
    config.settle_minutes === undefined ? DEFAULT_SETTLE_MS : config.settle_minutes * 60_000;
  const attribution = config.attribution
    ? (await import('../attribution-config.js')).compileAttribution(config.attribution)
    : preset.attribution
      ? new (await import('../core/attribution.js')).Attribution(
          preset.attribution.rules,
          preset.attribution.unmatched,
        )
      : undefined;
  const gpuTypes =
    config.gpu_types || preset.gpuTypeByNode
      ? await gpuTypeLookup(config.gpu_types, preset)
      : undefined;
  return {
    config,
    configPath,
    source,
    catalogue,
    currency,
    forcedFx,
    metrics,
    readings,
    labels,
    ...(attribution ? { attribution } : {}),
    ...(gpuTypes ? { gpuTypes } : {}),
    tz,
    now,
    settleMs,
    costBasis,
  };
}

async function gpuTypeLookup(config: Config['gpu_types'], preset: Preset): Promise<GpuTypeLookup> {
  const { compileGpuTypes } = await import('../gpu-types-config.js');
  const from = preset.gpuTypeByNode?.fromMeasure;
  return {
    settings: compileGpuTypes(config, preset.gpuTypeByNode),
    ...(from ? { fromMeasure: from } : {}),
  };
}

/**
 * The window of --period or --from/--to (or the command's default period) in the context's
 * time zone, cut back to the settled point when it reaches past it.
 */
export async function commandWindow(
  flags: WindowFlags,
  context: CommandContext,
  defaultPeriod: string,
): Promise<Window> {
  const { resolveWindow } = await import('../core/periods.js');
  return resolveWindow(
    {
      period:
        flags.period ??
        (flags.from === undefined && flags.to === undefined ? defaultPeriod : undefined),
      from: flags.from,
      to: flags.to,
      tz: context.tz,
    },
    context.now,
    context.settleMs,
  );
}
