// ml-cost pricing: list, show, validate and diff the pricing catalogue.

import { Command, Option } from 'commander';
import { compareText } from '../core/order.js';
import type { Catalogue, PriceVersion } from '../core/types.js';
import { UsageError } from '../errors.js';
import { isoUtc } from '../iso-time.js';
import { io } from './io.js';
import * as fx from './pricing-fx.js';
import { namesDiffJson, namesDiffTables, namesJson, namesTables } from './pricing-names.js';
import { rateText, table } from './pricing-table.js';

export const PRICING_FORMATS = ['table', 'json'] as const;
type PricingFormat = (typeof PRICING_FORMATS)[number];

/** Bumped when a field of the JSON output changes meaning or goes away. */
const PRICING_JSON_VERSION = 1;

interface PricingFlags {
  catalogue?: string;
  config?: string;
  format: PricingFormat;
}

export function pricingCommand(): Command {
  const command = new Command('pricing')
    .summary('list | show | validate | diff the pricing catalogue')
    .description(
      'Inspect the pricing catalogue: one JSON file per version, each in force from its effective_from.\n' +
        'Every hour is priced by the version in force at its start.',
    );
  command.addCommand(
    withCatalogueOptions(new Command('list'))
      .summary('versions, their start, currency, number of GPU types, and the catalogue hash')
      .action(async (flags: PricingFlags) => {
        const catalogue = await load(flags.catalogue, flags.config);
        await deliver(
          flags.format,
          () => listJson(catalogue, io.now()),
          () => listTable(catalogue, io.now()),
        );
      }),
  );
  command.addCommand(
    withCatalogueOptions(new Command('show'))
      .summary(
        'the GPU-hour rates, exporter aliases and MIG rules of one version (default: the one in force now), or one exchange rate',
      )
      .argument('[version]', 'version name, e.g. 2026-07, or an exchange-rate version of fx/')
      .action(async (name: string | undefined, flags: PricingFlags) => {
        const catalogue = await load(flags.catalogue, flags.config);
        const rate = name === undefined ? undefined : fx.findFx(catalogue, name);
        if (rate && !catalogue.versions.some((v) => v.version === name)) {
          await deliver(
            flags.format,
            () => ({
              schema_version: PRICING_JSON_VERSION,
              catalogue: catalogueJson(catalogue),
              ...fx.fxShowJson(rate),
            }),
            () => [...fx.fxShowLines(rate), heading(catalogue)].join('\n'),
          );
          return;
        }
        const version = await pick(catalogue, name, io.now());
        await deliver(
          flags.format,
          () => showJson(catalogue, version),
          () => showTable(catalogue, version),
        );
      }),
  );
  command.addCommand(
    withCatalogueOptions(new Command('validate'))
      .summary(
        'check every version file and the rules across them; exit 2 on the first problem list',
      )
      .argument('[dir]', 'catalogue directory (overrides --catalogue)')
      .action(async (dir: string | undefined, flags: PricingFlags) => {
        const catalogue = await load(dir ?? flags.catalogue, flags.config);
        await deliver(
          flags.format,
          () => ({
            schema_version: PRICING_JSON_VERSION,
            ok: true,
            origin: catalogue.origin,
            versions: catalogue.versions.length,
            ...(fxCount(catalogue) > 0 ? { fx_rates: fxCount(catalogue) } : {}),
            hash: catalogue.hash,
          }),
          async () =>
            `ok: ${plural(catalogue.versions.length, 'version')}${fxCount(catalogue) > 0 ? `, ${plural(fxCount(catalogue), 'exchange rate')}` : ''}, hash ${catalogue.hash}`,
        );
      }),
  );
  command.addCommand(
    withCatalogueOptions(new Command('diff'))
      .summary(
        'rate changes between two versions: old -> new, % change, added and removed GPU types, aliases and MIG rules',
      )
      .argument('<from>', 'older version name (or two exchange-rate versions of one pair)')
      .argument('<to>', 'newer version name')
      .action(async (fromName: string, toName: string, flags: PricingFlags) => {
        const catalogue = await load(flags.catalogue, flags.config);
        const fromRate = fx.findFx(catalogue, fromName);
        const toRate = fx.findFx(catalogue, toName);
        if (fromRate && toRate) {
          const diff = fx.diffFx(fromRate, toRate);
          await deliver(
            flags.format,
            () => ({
              schema_version: PRICING_JSON_VERSION,
              catalogue: catalogueJson(catalogue),
              ...fx.fxDiffJson(diff),
            }),
            () => [...fx.fxDiffLines(diff), heading(catalogue)].join('\n'),
          );
          return;
        }
        const { findVersion } = await import('../catalogue/resolve.js');
        const { diffAliases, diffMig, diffVersions } = await import('../catalogue/diff.js');
        const from = findVersion(catalogue, fromName);
        const to = findVersion(catalogue, toName);
        const changes = diffVersions(from, to);
        const aliases = diffAliases(from, to);
        const mig = diffMig(from, to);
        await deliver(
          flags.format,
          () => ({
            ...diffJson(catalogue, from, to, changes),
            ...namesDiffJson(from, to, aliases, mig),
          }),
          async () =>
            [
              await diffTable(catalogue, from, to, changes),
              ...(await namesDiffTables(from, to, aliases, mig)),
            ].join('\n'),
        );
      }),
  );
  command.addHelpText(
    'after',
    `
Examples:
  $ ml-cost pricing list
  $ ml-cost pricing show 2026-07 --format json
  $ ml-cost pricing validate ./pricing
  $ ml-cost pricing diff 2026-07 2026-10
  $ ml-cost pricing show EURUSD-2026-10
  $ ml-cost pricing diff EURUSD-2026-07 EURUSD-2026-10

Exchange rates live in fx/ beside the versions, one file per rate: version, effective_from,
base, quote, rate (1 base = rate quote) and source. Reports convert every hour at the rate in
force at its start (--currency); the other direction of a pair divides by the rate.`,
  );
  return command;
}

function withCatalogueOptions(command: Command): Command {
  return command
    .option(
      '--catalogue <dir>',
      "pricing catalogue directory (default: the config's catalogue, else the one shipped with ml-cost)",
    )
    .option('--config <file>', 'configuration file (default: ./ml-cost.config.json when present)')
    .addOption(
      new Option('--format <format>', 'output format').choices(PRICING_FORMATS).default('table'),
    );
}

/** The catalogue the other commands would price with: --catalogue, the config's, or the shipped one. */
async function load(dir: string | undefined, configFile: string | undefined): Promise<Catalogue> {
  const [{ loadCatalogue, defaultCatalogueDir }, { loadConfig }] = await Promise.all([
    import('../catalogue/load.js'),
    import('../config.js'),
  ]);
  const chosen = dir ?? (await loadConfig(configFile, io.cwd)).config.catalogue;
  return loadCatalogue(chosen ?? defaultCatalogueDir());
}

async function pick(
  catalogue: Catalogue,
  name: string | undefined,
  now: number,
): Promise<PriceVersion> {
  const { findVersion, versionAt } = await import('../catalogue/resolve.js');
  if (name !== undefined) return findVersion(catalogue, name);
  const current = versionAt(catalogue, now);
  if (current) return current;
  const names = catalogue.versions.map((v) => v.version).join(', ');
  throw new UsageError(
    `no catalogue version is in force at ${isoUtc(now)} (the first starts ${isoUtc(catalogue.versions[0]?.effectiveFromMs ?? now)}); name one: ${names}`,
  );
}

/** Builds the JSON or the table text, and writes it to stdout once. */
async function deliver(
  format: PricingFormat,
  json: () => unknown,
  table: () => Promise<string> | string,
): Promise<void> {
  const text = format === 'json' ? JSON.stringify(json(), null, 2) : await table();
  await io.deliver(text);
}

// --- list ---------------------------------------------------------------------------------

type Standing = 'superseded' | 'in force' | 'upcoming';

function standings(catalogue: Catalogue, now: number): Standing[] {
  let current = -1;
  catalogue.versions.forEach((v, i) => {
    if (v.effectiveFromMs <= now) current = i;
  });
  return catalogue.versions.map((_, i) =>
    i < current ? 'superseded' : i === current ? 'in force' : 'upcoming',
  );
}

function listJson(catalogue: Catalogue, now: number) {
  const standing = standings(catalogue, now);
  return {
    schema_version: PRICING_JSON_VERSION,
    catalogue: catalogueJson(catalogue),
    versions: catalogue.versions.map((v, i) => ({
      version: v.version,
      effective_from: isoUtc(v.effectiveFromMs),
      currency: v.currency,
      gpu_types: Object.keys(v.gpuHour).length,
      status: standing[i],
    })),
    ...fx.fxListJson(catalogue, now),
  };
}

async function listTable(catalogue: Catalogue, now: number): Promise<string> {
  const standing = standings(catalogue, now);
  const rows = catalogue.versions.map((v, i) => [
    v.version,
    isoUtc(v.effectiveFromMs),
    v.currency,
    String(Object.keys(v.gpuHour).length),
    standing[i] ?? '',
  ]);
  const rates = fx.fxListRows(catalogue, now);
  return [
    heading(catalogue),
    await table(['version', 'effective_from', 'currency', 'gpu types', 'status'], rows, [3]),
    ...(rates.length > 0
      ? [
          'Exchange rates (1 base = rate quote; the other direction divides by the rate):',
          await table(fx.FX_LIST_HEAD, rates, [3]),
        ]
      : []),
  ].join('\n');
}

// --- show ---------------------------------------------------------------------------------

function showJson(catalogue: Catalogue, version: PriceVersion) {
  return {
    schema_version: PRICING_JSON_VERSION,
    catalogue: catalogueJson(catalogue),
    version: version.version,
    effective_from: isoUtc(version.effectiveFromMs),
    currency: version.currency,
    gpu_hour: Object.fromEntries(sortedRates(version)),
    ...namesJson(version),
  };
}

async function showTable(catalogue: Catalogue, version: PriceVersion): Promise<string> {
  const rows = sortedRates(version).map(([gpuType, rate]) => [gpuType, rateText(rate)]);
  return [
    `Version ${version.version}, in force from ${isoUtc(version.effectiveFromMs)}`,
    heading(catalogue),
    await table(['gpu_type', `${version.currency} per GPU-hour`], rows, [1]),
    ...(await namesTables(version)),
  ].join('\n');
}

function sortedRates(version: PriceVersion): [string, number][] {
  return Object.entries(version.gpuHour).sort(([a], [b]) => compareText(a, b));
}

// --- diff ---------------------------------------------------------------------------------

type Changes = ReturnType<typeof import('../catalogue/diff.js').diffVersions>;

function diffJson(catalogue: Catalogue, from: PriceVersion, to: PriceVersion, changes: Changes) {
  return {
    schema_version: PRICING_JSON_VERSION,
    catalogue: catalogueJson(catalogue),
    from: { version: from.version, effective_from: isoUtc(from.effectiveFromMs) },
    to: { version: to.version, effective_from: isoUtc(to.effectiveFromMs) },
    currency: from.currency === to.currency ? from.currency : null,
    ...(from.currency === to.currency
      ? {}
      : { from_currency: from.currency, to_currency: to.currency }),
    changes: changes.map((c) => ({
      gpu_type: c.gpuType,
      from: c.from ?? null,
      to: c.to ?? null,
      change_pct: c.changePercent === undefined ? null : Number(c.changePercent.toFixed(4)),
      status: c.status,
    })),
  };
}

async function diffTable(
  catalogue: Catalogue,
  from: PriceVersion,
  to: PriceVersion,
  changes: Changes,
): Promise<string> {
  const rows = changes.map((c) => [
    c.gpuType,
    c.from === undefined ? '-' : rateText(c.from),
    c.to === undefined ? '-' : rateText(c.to),
    changeText(c),
  ]);
  const count = (status: string) => changes.filter((c) => c.status === status).length;
  return [
    `Rates ${from.version} -> ${to.version}, ${from.currency === to.currency ? from.currency : `${from.currency} -> ${to.currency}`} per GPU-hour`,
    heading(catalogue),
    await table(['gpu_type', from.version, to.version, 'change'], rows, [1, 2, 3]),
    `${count('changed')} changed, ${count('added')} added, ${count('removed')} removed, ${count('unchanged')} unchanged`,
  ].join('\n');
}

function changeText(change: Changes[number]): string {
  if (change.status === 'added' || change.status === 'removed') return change.status;
  if (change.status === 'unchanged') return '0.0%';
  if (change.changePercent === undefined) return 'from 0';
  const sign = change.changePercent > 0 ? '+' : '';
  return `${sign}${change.changePercent.toFixed(1)}%`;
}

// --- shared -------------------------------------------------------------------------------

function catalogueJson(catalogue: Catalogue) {
  return { origin: catalogue.origin, hash: catalogue.hash, currency: catalogue.currency };
}

function heading(catalogue: Catalogue): string {
  return `Catalogue ${catalogue.origin} (${currencies(catalogue)}), hash ${catalogue.hash}`;
}

function currencies(catalogue: Catalogue): string {
  return catalogue.currency ?? [...new Set(catalogue.versions.map((v) => v.currency))].join(', ');
}

function fxCount(catalogue: Catalogue): number {
  return catalogue.fx?.length ?? 0;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
