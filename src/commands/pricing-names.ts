// What pricing show and diff print about a version's GPU aliases and MIG rules. A version
// without either prints nothing more than it did before they existed.
import type { AliasChange, MigChange } from '../catalogue/diff.js';
import { DEFAULT_MIG_SLICES } from '../core/mig.js';
import { compareText } from '../core/order.js';
import type { PriceVersion } from '../core/types.js';
import { rateText, table } from './pricing-table.js';

const MIG_RULE_LINE = `MIG slices: a profile <N>g.<M>gb costs N/${DEFAULT_MIG_SLICES} of its GPU type's rate, unless the version's mig sets other slices or a share for the GPU type`;

/** The fields pricing show --format json adds: present only when the version has them. */
export function namesJson(version: PriceVersion) {
  return {
    ...(version.gpuAliases ? { gpu_aliases: sortedObject(version.gpuAliases) } : {}),
    ...(version.mig
      ? {
          mig: Object.fromEntries(
            sorted(version.mig).map(([gpuType, rule]) => [
              gpuType,
              {
                ...(rule.slices !== undefined ? { slices: rule.slices } : {}),
                ...(rule.share ? { share: sortedObject(rule.share) } : {}),
              },
            ]),
          ),
        }
      : {}),
  };
}

/** The tables pricing show prints after the rates; none for a version without names. */
export async function namesTables(version: PriceVersion): Promise<string[]> {
  const out: string[] = [];
  if (version.gpuAliases) {
    const rows = sorted(version.gpuAliases).map(([alias, gpuType]) => [
      alias,
      gpuType,
      rateText(version.gpuHour[gpuType] as number),
    ]);
    out.push('Aliases: names exporters write, priced as the GPU type they name');
    out.push(await table(['alias', 'gpu_type', `${version.currency} per GPU-hour`], rows, [2]));
  }
  if (version.gpuAliases || version.mig) out.push(MIG_RULE_LINE);
  if (version.mig) {
    const rows = sorted(version.mig).flatMap(([gpuType, rule]) => [
      [gpuType, 'slices', String(rule.slices ?? DEFAULT_MIG_SLICES)],
      ...sorted(rule.share ?? {}).map(([profile, share]) => [gpuType, profile, String(share)]),
    ]);
    out.push(await table(['gpu_type', 'rule', 'value'], rows, [2]));
  }
  return out;
}

/** The fields pricing diff --format json adds when either version has aliases or MIG rules. */
export function namesDiffJson(
  from: PriceVersion,
  to: PriceVersion,
  aliases: readonly AliasChange[],
  mig: readonly MigChange[],
) {
  return {
    ...(from.gpuAliases || to.gpuAliases
      ? {
          alias_changes: aliases.map((c) => ({
            alias: c.alias,
            from: c.from ?? null,
            to: c.to ?? null,
            status: c.status,
          })),
        }
      : {}),
    ...(from.mig || to.mig
      ? {
          mig_changes: mig.map((c) => ({
            gpu_type: c.gpuType,
            rule: c.rule,
            from: c.from ?? null,
            to: c.to ?? null,
            status: c.status,
          })),
        }
      : {}),
  };
}

/** The tables pricing diff prints after the rates, when either version has names. */
export async function namesDiffTables(
  from: PriceVersion,
  to: PriceVersion,
  aliases: readonly AliasChange[],
  mig: readonly MigChange[],
): Promise<string[]> {
  const out: string[] = [];
  const shown = (value: string | number | undefined) => (value === undefined ? '-' : String(value));
  if (aliases.length > 0) {
    const rows = aliases.map((c) => [c.alias, shown(c.from), shown(c.to), c.status]);
    out.push('Aliases');
    out.push(await table(['alias', from.version, to.version, 'change'], rows, []));
  }
  if (mig.length > 0) {
    const rows = mig.map((c) => [c.gpuType, c.rule, shown(c.from), shown(c.to), c.status]);
    out.push('MIG rules');
    out.push(await table(['gpu_type', 'rule', from.version, to.version, 'change'], rows, [2, 3]));
  }
  return out;
}

function sorted<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => compareText(a, b));
}

function sortedObject<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  // fromEntries defines each entry: an alias named "__proto__" stays an entry, not a prototype.
  return Object.fromEntries(sorted(record));
}
