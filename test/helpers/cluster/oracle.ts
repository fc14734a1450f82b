// What a report of a cluster (truth.ts) must say, worked out from the ground truth alone:
// which pod held which device at each scrape instant, how busy the device was, what a GPU-hour
// of its type cost in the catalogue version in force then. Independent of ml-cost's code: it
// reads the catalogue's JSON files and applies the rules ml-cost documents, no more:
// - a sample stands for one scrape interval after it, [t, t + I), and falls in the day of t;
// - allocated GPU time: dcgm-exporter presence (a device's series exists) for the dcgm preset,
//   kube-state-metrics GPU requests x time for kubernetes-gpu; busy: engine activity x time;
//   idle = allocated - busy, never clamped;
// - the use case is the namespace; a device held by no pod is unattributed (use case "");
// - a GPU-hour costs the catalogue's gpu_hour rate of the type its modelName is aliased to,
//   a MIG slice <N>g.<M>gb N/7 of it (the catalogue's mig rule when it has one).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { activityAt, type Cluster, holdersOf, type Ms, type Pod, scrapeInstants } from './truth.js';

export type ClusterPreset = 'dcgm' | 'kubernetes-gpu';

export interface Figures {
  allocatedHours: number;
  busyHours: number;
  idleHours: number;
  allocatedCost: number;
  busyCost: number;
  idleCost: number;
}

export interface Day {
  readonly label: string;
  readonly start: Ms;
  readonly end: Ms;
}

export interface Expected {
  readonly days: readonly Day[];
  /** Figures by day start, then by use case ("" = unattributed). */
  readonly cells: ReadonlyMap<Ms, ReadonlyMap<string, Figures>>;
  readonly totals: Figures;
  readonly unattributed: Figures;
  /** Every device's sampled time in the window, held or not (what dcgm-exporter saw). */
  readonly deviceHours: number;
  /** Every GPU request's sampled time in the window (what kube-state-metrics saw). */
  readonly requestedHours: number;
}

interface Version {
  version: string;
  effective_from: string;
  gpu_hour: Record<string, number>;
  gpu_aliases?: Record<string, string>;
  mig?: Record<string, { slices?: number; share?: Record<string, number> }>;
}

export interface Catalogue {
  /** Sorted by effective_from. */
  readonly versions: readonly (Version & { from: Ms })[];
}

export function readCatalogue(dir: string): Catalogue {
  const versions = readdirSync(dir)
    .filter((name) => name.endsWith('.json') && name !== 'schema.json')
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Version)
    .map((v) => ({ ...v, from: Date.parse(v.effective_from) }))
    .sort((a, b) => a.from - b.from);
  return { versions };
}

/** EUR per hour of a device of `modelName` (a slice of `profile`) at t. */
export function hourlyRate(
  catalogue: Catalogue,
  modelName: string,
  profile: string,
  t: Ms,
): number {
  let version: Catalogue['versions'][number] | undefined;
  for (const v of catalogue.versions) if (v.from <= t) version = v;
  if (!version) throw new Error(`no catalogue version in force at ${new Date(t).toISOString()}`);
  const key = version.gpu_aliases?.[modelName] ?? modelName;
  const rate = version.gpu_hour[key];
  if (rate === undefined) throw new Error(`${modelName} is not priced in ${version.version}`);
  if (profile === '') return rate;
  const rule = version.mig?.[key];
  const own = rule?.share?.[profile];
  if (own !== undefined) return rate * own;
  const slices = Number(/^(\d+)g\./.exec(profile)?.[1]);
  return (rate * slices) / (rule?.slices ?? 7);
}

/** The days of [from, to) in `tz`: where the local date changes (on the hour, as in Europe). */
export function daysOf(from: Ms, to: Ms, tz: string): Day[] {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const days: Day[] = [];
  let start = from;
  let label = format.format(from);
  for (let t = from + 3_600_000; t <= to; t += 3_600_000) {
    const here = t === to ? '' : format.format(t);
    if (here !== label) {
      days.push({ label, start, end: t });
      start = t;
      label = here;
    }
  }
  return days;
}

const zero = (): Figures => ({
  allocatedHours: 0,
  busyHours: 0,
  idleHours: 0,
  allocatedCost: 0,
  busyCost: 0,
  idleCost: 0,
});

export function expectedReport(
  cluster: Cluster,
  catalogue: Catalogue,
  preset: ClusterPreset,
  window: { from: Ms; to: Ms; tz: string },
): Expected {
  const days = daysOf(window.from, window.to, window.tz);
  const cells = new Map<Ms, Map<string, Figures>>(days.map((d) => [d.start, new Map()]));
  const totals = zero();
  const unattributed = zero();
  // Seconds and currency-seconds are summed; hours are made once, at the end (fewer roundings).
  const seconds = cluster.intervalMs / 1000;
  const holders = holdersOf(cluster);
  // Samples are only stored inside the data range: nothing before or after it.
  const from = Math.max(window.from, cluster.dataFrom);
  const to = Math.min(window.to, cluster.dataTo);
  let lastDay = days[0] as Day;
  // A device's rate changes only with the catalogue version: one lookup per version.
  const rateOf = (modelName: string, profile: string, t: Ms) => {
    let version = -1;
    for (const v of catalogue.versions) if (v.from <= t) version++;
    let byVersion = rates.get(modelName)?.get(profile);
    if (!byVersion) {
      byVersion = [];
      const byProfile = rates.get(modelName) ?? new Map<string, number[]>();
      byProfile.set(profile, byVersion);
      rates.set(modelName, byProfile);
    }
    let rate = byVersion[version];
    if (rate === undefined) {
      rate = hourlyRate(catalogue, modelName, profile, t);
      byVersion[version] = rate;
    }
    return rate;
  };
  const rates = new Map<string, Map<string, number[]>>();
  const add = (t: Ms, useCase: string, field: 'allocated' | 'busy', secs: number, rate: number) => {
    if (!(lastDay.start <= t && t < lastDay.end))
      lastDay = days.find((d) => d.start <= t && t < d.end) as Day;
    const day = lastDay;
    const row = cells.get(day.start) as Map<string, Figures>;
    let figures = row.get(useCase);
    if (!figures) {
      figures = zero();
      row.set(useCase, figures);
    }
    const bump = (target: Figures) => {
      if (field === 'allocated') {
        target.allocatedHours += secs;
        target.allocatedCost += secs * rate;
      } else {
        target.busyHours += secs;
        target.busyCost += secs * rate;
      }
    };
    bump(figures);
    bump(totals);
    if (useCase === '') bump(unattributed);
  };
  let deviceHours = 0;
  let requestedHours = 0;
  for (const device of cluster.devices) {
    const node = cluster.nodes.find((n) => n.name === device.node);
    if (!node) continue;
    const profile = device.mig?.profile ?? '';
    const pods = holders.get(device.id) ?? [];
    let next = 0;
    for (const t of scrapeInstants(cluster, node.scrapeOffsetMs, from, to)) {
      // Instants ascend and a device's pods do not overlap: walk them in step.
      while (next < pods.length && (pods[next] as Pod).end <= t) next++;
      const candidate = pods[next];
      const holder = candidate && candidate.start <= t ? candidate : undefined;
      const useCase = holder?.namespace ?? '';
      const rate = rateOf(device.modelName, profile, t);
      deviceHours += seconds;
      if (preset === 'dcgm') add(t, useCase, 'allocated', seconds, rate);
      add(t, useCase, 'busy', activityAt(cluster, holder, device.id, t) * seconds, rate);
    }
  }
  for (const pod of cluster.pods) {
    const held = pod.containers.flatMap((c) => c.devices);
    const first = cluster.devices.find((d) => d.id === held[0]);
    if (!first) continue;
    const instants = scrapeInstants(
      cluster,
      cluster.ksmOffsetMs,
      Math.max(pod.start, from),
      Math.min(pod.end, to),
    );
    for (const t of instants) {
      requestedHours += held.length * seconds;
      if (preset === 'kubernetes-gpu') {
        const rate = rateOf(first.modelName, first.mig?.profile ?? '', t);
        add(t, pod.namespace, 'allocated', held.length * seconds, rate);
      }
    }
  }
  for (const figures of [
    totals,
    unattributed,
    ...[...cells.values()].flatMap((m) => [...m.values()]),
  ]) {
    for (const field of ['allocated', 'busy'] as const) {
      figures[`${field}Hours`] /= 3600;
      figures[`${field}Cost`] /= 3600;
    }
    figures.idleHours = figures.allocatedHours - figures.busyHours;
    figures.idleCost = figures.allocatedCost - figures.busyCost;
  }
  return {
    days,
    cells,
    totals,
    unattributed,
    deviceHours: deviceHours / 3600,
    requestedHours: requestedHours / 3600,
  };
}
