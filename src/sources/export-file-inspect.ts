// Answers doctor's probe from a VictoriaMetrics export file in one pass, with the meanings the
// server's aggregate queries have: samples in [from, to), intervals between adjacent samples
// in it, cardinality among the series with a sample on the window's last UTC day.

import {
  cardinalityDay,
  FUTURE_HORIZON_MS,
  type GpuUsage,
  type InspectProbe,
  type LabelCardinality,
  type NameStats,
  type Observations,
  STALE_AFTER_MS,
  withLookAlikes,
} from '../core/inspection.js';
import { UsageError } from '../errors.js';
import { readLines } from './export-file-read.js';
import { BadLine, LineScanner } from './export-file-scan.js';

const DAY_MS = 86_400_000;

interface SeriesState {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  count: number;
  first: number;
  last: number;
  lastValue: number;
  /** The last sample at or before the window's start: the baseline of its increase. */
  before: number | null;
  /** The last value at or before the window's end, for the increase over (from, to]. */
  atEnd: number | null;
  maxGap: number;
  resets: number;
  increase: number;
  future: number;
  onDay: boolean;
}

export async function inspectExportFile(path: string, probe: InspectProbe): Promise<Observations> {
  const dayStart = Date.parse(`${cardinalityDay(probe)}T00:00:00Z`);
  const byRaw = new Map<string, SeriesState>();
  const byCanonical = new Map<string, SeriesState>();
  const allNames = new Set<string>();

  const stateFor = (raw: string): SeriesState => {
    const known = byRaw.get(raw);
    if (known) return known;
    const labels = parseMetric(raw);
    const canonical = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    let state = byCanonical.get(canonical);
    if (!state) {
      state = {
        name: labels.__name__ as string,
        labels,
        count: 0,
        first: Number.NaN,
        last: Number.NaN,
        lastValue: Number.NaN,
        before: null,
        atEnd: null,
        maxGap: 0,
        resets: 0,
        increase: 0,
        future: 0,
        onDay: false,
      };
      byCanonical.set(canonical, state);
    }
    byRaw.set(raw, state);
    return state;
  };

  const scanner = new LineScanner();
  await readLines(path, (buf, start, end, lineNumber) => {
    let scanned: ReturnType<typeof scanner.scan<SeriesState>>;
    try {
      if (isBlank(buf, start, end)) return;
      scanned = scanner.scan(buf, start, end, stateFor);
    } catch (error) {
      if (error instanceof BadLine) throw new UsageError(`${path}:${lineNumber}: ${error.message}`);
      throw error;
    }
    const state = scanned.handle;
    if (state === null) return;
    const order = Array.from({ length: scanned.count }, (_, k) => k).sort(
      (a, b) => (scanner.timestamps[a] as number) - (scanner.timestamps[b] as number),
    );
    for (const k of order) {
      const t = scanner.timestamps[k] as number;
      const v = scanner.values[k] as number;
      if (t > probe.nowMs && t <= probe.nowMs + FUTURE_HORIZON_MS) state.future++;
      if (t >= dayStart && t < dayStart + DAY_MS) state.onDay = true;
      if (t > probe.fromMs && t <= probe.toMs) addIncrease(state, v);
      if (t <= probe.fromMs) state.before = v;
      if (t < probe.fromMs) continue;
      if (t >= probe.toMs) continue;
      allNames.add(state.name);
      if (state.count === 0) {
        state.first = t;
      } else {
        state.maxGap = Math.max(state.maxGap, t - state.last);
        if (v < state.lastValue) state.resets++;
      }
      state.count++;
      state.last = t;
      state.lastValue = v;
    }
  });

  const series = [...byCanonical.values()];
  const groups = withLookAlikes(probe, [...allNames].sort());
  const wanted = new Set(groups.flatMap((group) => group.names));
  const names: Record<string, NameStats> = {};
  for (const name of wanted) {
    const mine = series.filter((state) => state.name === name && state.count > 0);
    if (mine.length === 0) continue;
    const intervals = mine
      .filter((state) => state.count > 1)
      .map((state) => (state.last - state.first) / (state.count - 1) / 1000);
    const gaps = mine.filter((state) => state.count > 1).map((state) => state.maxGap / 1000);
    names[name] = {
      series: mine.length,
      labels: [...new Set(mine.flatMap((state) => Object.keys(state.labels)))]
        .filter((label) => label !== '__name__')
        .sort(),
      intervalS: median(intervals),
      maxGapS: gaps.length === 0 ? null : Math.max(...gaps),
      resets: mine.reduce((sum, state) => sum + state.resets, 0),
      stale: mine.filter((state) => state.last < probe.toMs - STALE_AFTER_MS).length,
      future: series.filter((state) => state.name === name && state.future > 0).length,
    };
  }

  const cardinality: Record<string, { day: string; labels: LabelCardinality[] }> = {};
  for (const group of groups) {
    if (!probe.cardinalityGroups.includes(group.key)) continue;
    if (!group.names.some((name) => names[name])) continue;
    const values = new Map<string, Set<string>>();
    for (const state of series) {
      if (!state.onDay || !group.names.includes(state.name)) continue;
      for (const [label, value] of Object.entries(state.labels)) {
        if (label === '__name__') continue;
        const set = values.get(label) ?? new Set<string>();
        values.set(label, set);
        set.add(value);
      }
    }
    cardinality[group.key] = {
      day: cardinalityDay(probe),
      labels: [...values]
        .map(([label, set]) => ({ label, values: set.size }))
        .sort((a, b) => b.values - a.values || (a.label < b.label ? -1 : 1))
        .slice(0, probe.topLabels),
    };
  }

  const { gpu } = probe;
  const gpuUsage = new Map<string, GpuUsage>();
  for (const state of series) {
    if (state.count === 0 || !gpu.names.includes(state.name)) continue;
    const gpuType = state.labels[gpu.gpuTypeLabel] ?? '';
    const migProfile =
      gpu.migProfileLabel === undefined ? '' : (state.labels[gpu.migProfileLabel] ?? '');
    const useCase = state.labels[gpu.useCaseLabel] ?? '';
    const key = JSON.stringify([gpuType, migProfile, useCase]);
    const seconds = (gpuUsage.get(key)?.seconds ?? 0) + state.increase;
    gpuUsage.set(key, { gpuType, migProfile, useCase, seconds });
  }

  const useCases = new Set<string>();
  for (const state of series) {
    if (state.count === 0 || !probe.useCases.names.includes(state.name)) continue;
    const value = state.labels[probe.useCases.label] ?? '';
    if (value !== '') useCases.add(value);
  }

  return {
    names,
    overLimit: [],
    cardinality,
    gpuUsage: [...gpuUsage.values()],
    useCases: [...useCases].sort(),
    allNames: [...allNames].sort(),
    maxUniqueTimeseries: null,
    requests: 0,
  };
}

/**
 * A counter's step into (from, to]: from the one before (the baseline at or before from, else
 * the first sample, taken as the start); a drop is a reset, and the value after it is all new.
 */
function addIncrease(state: SeriesState, value: number): void {
  const previous = state.atEnd ?? state.before;
  state.atEnd = value;
  if (previous === null) return;
  state.increase += value < previous ? value : value - previous;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function parseMetric(raw: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new BadLine(`"metric" is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadLine('"metric" must be an object of label names to strings');
  }
  const labels = parsed as Record<string, unknown>;
  if (typeof labels.__name__ !== 'string') throw new BadLine('"metric" has no "__name__"');
  for (const [name, value] of Object.entries(labels)) {
    if (typeof value !== 'string') throw new BadLine(`label "${name}" must be a string`);
  }
  return labels as Record<string, string>;
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = buf[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}
