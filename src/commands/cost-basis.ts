// --cost-basis and the config's cost_basis: whether a report's cost is the cost of the GPU
// time allocated or of the GPU time busy (core/measures.ts costMeasureOf).
import { type Command, Option } from 'commander';
import type { Config } from '../config.js';
import { COST_BASES, type CostBasis } from '../core/measures.js';
import { UsageError } from '../errors.js';
import type { MetricNames } from '../sources/types.js';

/** Given on the commands that price usage; absent elsewhere. */
export interface CostBasisFlags {
  costBasis?: CostBasis;
}

/** On every command that prices usage: what its cost is the cost of. */
export function addCostBasisOption(command: Command): Command {
  return command.addOption(
    new Option(
      '--cost-basis <basis>',
      'what cost is the cost of: the GPU time allocated (held, busy or not), or only the busy GPU time (needs a busy measure, metrics.gpu_busy_seconds) (default: config cost_basis, else allocated)',
    ).choices(COST_BASES),
  );
}

/**
 * --cost-basis, else the config's cost_basis, else allocated. Busy needs a busy measure to
 * price: without one every cost would be zero, so it is refused.
 */
export function costBasisOf(
  flags: CostBasisFlags,
  config: Config,
  configPath: string | null,
  metrics: MetricNames,
): CostBasis {
  const basis = flags.costBasis ?? config.cost_basis ?? 'allocated';
  if (basis === 'busy' && metrics.gpu_busy_seconds === undefined) {
    const given =
      flags.costBasis !== undefined
        ? '--cost-basis busy'
        : `cost_basis "busy" (${configPath ?? 'config'})`;
    throw new UsageError(
      `${given}: no busy GPU time is read; name its metric in the config's metrics.gpu_busy_seconds (e.g. {"name": "DCGM_FI_PROF_GR_ENGINE_ACTIVE", "kind": "gauge"}) or pick a preset that reads it`,
    );
  }
  return basis;
}
