// ml-cost doctor: whether ml-cost will see the source's data over a window, and why not.
import { Command } from 'commander';
import type { InspectProbe, ProbeGroup } from '../core/inspection.js';
import { METRICS, type Metric, type PriceVersion, type Window } from '../core/types.js';
import type { Naming } from '../doctor/match.js';
import { ProblemsFound, UsageError } from '../errors.js';
import type { Preset } from '../presets.js';
import { storedNames } from '../sources/types.js';
import { io } from './io.js';
import {
  addOutputOptions,
  addSourceOptions,
  addWindowOptions,
  type CommandContext,
  commandWindow,
  createContext,
  type OutputFlags,
  presetFlag,
  type SourceFlags,
  type WindowFlags,
} from './options.js';

export const DOCTOR_FORMATS = ['table', 'json', 'markdown'] as const;
const DEFAULT_MAX_LABEL_VALUES = 100;
const DEFAULT_PERIOD = 'last-7d';
const TOP_LABELS = 30;
/** Look-alike names checked at most: each costs a request for its labels. */
const MAX_LOOK_ALIKES = 10;

type DoctorFlags = SourceFlags & WindowFlags & OutputFlags & { maxLabelValues?: string };

export function doctorCommand(): Command {
  const command = new Command('doctor')
    .summary('check that the source holds what ml-cost reads, and say what to fix')
    .description(
      'Reads the source over a window and reports, per metric ml-cost would query (preset or ' +
        'config): whether it has series, how many, their labels and the ones ml-cost needs that ' +
        'are missing (with the preset that fits what exists), label cardinality, the series count ' +
        'against -search.maxUniqueTimeseries, sample interval, gaps, counter resets, stale series, ' +
        'samples in the future, GPU types without a rate and use cases without a value. ' +
        'A fixed number of requests, whatever the number of series. Exit 0 healthy, 1 problems found.',
    );
  addWindowOptions(command, DEFAULT_PERIOD);
  command.option(
    '--max-label-values <n>',
    `flag a label with more values than this on one day (default: ${DEFAULT_MAX_LABEL_VALUES})`,
  );
  addOutputOptions(command, DOCTOR_FORMATS);
  addSourceOptions(command);
  command.addHelpText(
    'after',
    `
Examples:
  $ ml-cost doctor --source http://victoria:8428
  $ ml-cost doctor --source http://victoria:8428 --metrics-preset vllm --period yesterday
  $ ml-cost doctor --source http://vm:8428 --preset kubernetes-gpu --period yesterday
  $ ml-cost doctor --source export.jsonl.gz --from 2026-07-01 --to 2026-08-01 --format json`,
  );
  return command.action(async (flags: DoctorFlags) => {
    await runDoctor(flags);
  });
}

async function runDoctor(flags: DoctorFlags): Promise<void> {
  const maxLabelValues = positiveInteger(flags.maxLabelValues, '--max-label-values');
  const context = await createContext(flags);
  const window = await commandWindow(flags, context, DEFAULT_PERIOD);
  const [
    { PRESETS, PRESET_NAMES, DEFAULT_PRESET, resolvePreset },
    { diagnose, looksLikeMeasure, LOOK_ALIKES },
    { renderDoctor },
  ] = await Promise.all([
    import('../presets.js'),
    import('../doctor/diagnose.js'),
    import('../render/doctor.js'),
  ]);
  const presetName = presetFlag(flags) ?? context.config.preset ?? DEFAULT_PRESET;
  const current: Naming = {
    name:
      context.config.metrics || context.config.labels
        ? `${presetName} + ${context.configPath ?? 'config'}`
        : presetName,
    metrics: namesOf(context.metrics),
    labels: context.labels,
    kinds: Object.fromEntries(
      Object.entries(context.readings ?? {}).map(([metric, reading]) => [metric, reading.kind]),
    ),
    ...neededOf(resolvePreset(presetName), context.config),
  };
  const candidates: Naming[] = PRESET_NAMES.map((name) => ({
    name,
    metrics: namesOf(PRESETS[name].metrics),
    labels: PRESETS[name].labels,
    ...neededOf(PRESETS[name], {}),
  }));
  const probe: InspectProbe = {
    ...probeFor(window, context, current, candidates),
    lookAlikes: {
      key: LOOK_ALIKES,
      pick: (allNames) => {
        const known = new Set([current, ...candidates].flatMap(allNamesOf));
        return allNames
          .filter((name) => !known.has(name) && looksLikeMeasure(name))
          .slice(0, MAX_LOOK_ALIKES);
      },
    },
  };
  const observations = await context.source.inspect(probe);
  const report = diagnose({
    fromMs: window.fromMs,
    toMs: window.toMs,
    current,
    candidates,
    observations,
    versions: versionsInWindow(context, window, flags.catalogueVersion),
    catalogueOrigin: context.catalogue.origin,
    valuedUseCases: Object.entries(context.config.use_cases ?? {})
      .filter(([, value]) => value.value_per_inference !== undefined)
      .map(([name]) => name),
    maxLabelValues,
  });
  const text = renderDoctor(
    {
      report,
      observations,
      window,
      source: context.source.description,
      current,
      catalogue: context.catalogue,
    },
    flags.format,
    {
      color:
        flags.color !== false && !io.env.NO_COLOR && io.stdoutIsTTY && flags.output === undefined,
    },
  );
  await io.deliver(text, flags.output);
  const problems = report.findings.filter((finding) => finding.severity === 'problem').length;
  if (problems > 0) {
    throw new ProblemsFound(
      `doctor found ${problems} problem${problems === 1 ? '' : 's'}; each names its fix`,
    );
  }
}

/**
 * A cluster preset's labels to check, unless the config renames labels or replaces the
 * attribution (then the usual use-case, model and GPU-type labels are what it reads).
 */
function neededOf(
  preset: Preset,
  config: Pick<CommandContext['config'], 'labels' | 'attribution'>,
): Pick<Naming, 'neededLabels'> {
  if (!preset.neededLabels || config.labels || config.attribution) return {};
  return { neededLabels: preset.neededLabels };
}

function namesOf(metrics: CommandContext['metrics']): Record<Metric, readonly string[]> {
  return Object.fromEntries(
    METRICS.map((metric) => [metric, storedNames(metrics[metric] ?? [])]),
  ) as Record<Metric, readonly string[]>;
}

function allNamesOf(naming: Naming): string[] {
  return METRICS.flatMap((metric) => naming.metrics[metric] ?? []);
}

function probeFor(
  window: Window,
  context: CommandContext,
  current: Naming,
  candidates: readonly Naming[],
): InspectProbe {
  const mine = new Set(allNamesOf(current));
  const others = [...new Set(candidates.flatMap(allNamesOf))].filter((name) => !mine.has(name));
  // One group per measure, of the names no earlier group has: input and output tokens are
  // mostly stored under the tokens' names, whose stats are then not asked twice.
  const groups: ProbeGroup[] = [];
  const asked = new Set<string>();
  for (const metric of METRICS) {
    const names = (current.metrics[metric] ?? []).filter((name) => !asked.has(name));
    for (const name of names) asked.add(name);
    if (names.length > 0) groups.push({ key: metric, names });
  }
  if (others.length > 0) groups.push({ key: 'other presets', names: others });
  return {
    fromMs: window.fromMs,
    toMs: window.toMs,
    nowMs: context.now,
    groups,
    cardinalityGroups: [...METRICS, 'look-alikes'],
    // VictoriaMetrics keeps at most 30 labels per series (-maxLabelsPerTimeseries).
    topLabels: TOP_LABELS,
    gpu: {
      names: current.metrics.gpu_seconds ?? [],
      gpuTypeLabel: current.labels.gpuType,
      useCaseLabel: current.labels.useCase,
      ...(context.labels.migProfile === undefined
        ? {}
        : { migProfileLabel: context.labels.migProfile }),
    },
    useCases: { names: [...mine], label: current.labels.useCase },
  };
}

/** The catalogue versions in force at some time in [from, to), or the one forced. */
function versionsInWindow(
  context: CommandContext,
  window: Window,
  forced: string | undefined,
): PriceVersion[] {
  const versions = context.catalogue.versions;
  if (forced !== undefined) return versions.filter((v) => v.version === forced);
  return versions.filter((version, index) => {
    const next = versions[index + 1];
    return (
      version.effectiveFromMs < window.toMs &&
      (next === undefined || next.effectiveFromMs > window.fromMs)
    );
  });
}

function positiveInteger(text: string | undefined, flag: string): number {
  if (text === undefined) return DEFAULT_MAX_LABEL_VALUES;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1)
    throw new UsageError(`${flag}: "${text}" is not a whole number of 1 or more`);
  return value;
}
