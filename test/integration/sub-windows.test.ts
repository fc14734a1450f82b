// Every figure is independent of how the window was cut: on generated data with sparse and
// dense scrapes, gaps, restarts, series that come and go and price changes, any partition of
// a window into sub-windows (days, hours, random cuts, in zones with :30 and :45 offsets) adds
// up to the whole window, through the real VictoriaMetrics and through the export file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/commands/options.js';
import { dayPeriods, resolveWindow } from '../../src/core/periods.js';
import type { Granularity, UsageReport } from '../../src/core/report.js';
import type { Catalogue, PriceVersion, Window } from '../../src/core/types.js';
import { buildUsageReport } from '../../src/pipeline.js';
import { createExportFileSource } from '../../src/sources/export-file.js';
import type { MetricNames, UsageSource } from '../../src/sources/types.js';
import { createVictoriaSource } from '../../src/sources/victoria-metrics.js';
import { type ExportLine, startVictoria, type Victoria } from '../helpers/victoria.js';

const H = 3_600_000;
const MIN = 60_000;
/** Data from two days before the window to two days after it. */
const WINDOW_FROM = Date.UTC(2026, 9, 10);
const WINDOW_DAYS = 3;
const DATA_FROM = WINDOW_FROM - 2 * 24 * H;
const DATA_TO = WINDOW_FROM + (WINDOW_DAYS + 2) * 24 * H;
const SEEDS = [1, 2, 3, 4, 5, 6];
const ZONES = ['UTC', 'Asia/Kolkata', 'Asia/Kathmandu', 'Europe/Paris', 'America/St_Johns'];
const INTERVALS_S = [15, 30, 60, 300, 600, 1800, 3600];
const NAMES: MetricNames = {
  gpu_seconds: 'churn_gpu_seconds_total',
  tokens: 'churn_tokens_total',
  inferences: 'churn_inferences_total',
};

function random(seed: number): () => number {
  let state = seed * 7919 + 17;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const pick = <T>(next: () => number, items: readonly T[]): T =>
  items[Math.floor(next() * items.length)] as T;

/**
 * One seed's series: each with its own scrape interval (15 s to an hour), a start and end of
 * its own (series churn), gaps of up to 20 hours (the plan looks a day around every window),
 * and restarts from zero.
 */
function generate(seed: number): ExportLine[] {
  const next = random(seed);
  const lines: ExportLine[] = [];
  for (let s = 0; s < 14; s++) {
    const metric = pick(next, Object.values(NAMES));
    const intervalMs = pick(next, INTERVALS_S) * 1000;
    const startMs = DATA_FROM + Math.floor(next() * 4 * 24) * H + Math.floor(next() * H);
    const endMs = next() < 0.3 ? startMs + next() * 3 * 24 * H : DATA_TO;
    const timestamps: number[] = [];
    const values: number[] = [];
    // Some counters have run long before they are first scraped: a big first value.
    let value = next() < 0.3 ? Math.floor(next() * 1e6) : 0;
    let gapUntil = 0;
    for (let t = startMs; t <= Math.min(endMs, DATA_TO); t += intervalMs) {
      if (t < gapUntil) continue;
      if (next() < 0.004) gapUntil = t + next() * 20 * H;
      if (next() < 0.003) value = 0; // the process restarted
      value += Math.floor(next() * 50 * (intervalMs / MIN + 1)) / 4;
      timestamps.push(t);
      values.push(value);
    }
    if (timestamps.length === 0) continue;
    lines.push({
      metric: {
        __name__: metric as string,
        seed: String(seed),
        series: String(s),
        use_case: pick(next, ['chat', 'search', 'batch']),
        gpu_type: pick(next, ['H100', 'L4', 'unpriced-X']),
      },
      values,
      timestamps,
    });
  }
  return lines;
}

/** Three versions, changing at whole UTC hours inside the window. */
function catalogueFor(seed: number): Catalogue {
  const next = random(seed + 1000);
  const change = () => WINDOW_FROM + Math.floor(next() * WINDOW_DAYS * 24) * H;
  const [a, b] = [change(), change()].sort((x, y) => x - y);
  const version = (name: string, effectiveFromMs: number, h100: number): PriceVersion => ({
    version: name,
    effectiveFromMs,
    currency: 'EUR',
    gpuHour: { H100: h100, L4: 0.71 },
  });
  const versions = [version('v1', DATA_FROM - 24 * H, 4.1), version('v2', a as number, 3.3)];
  if (b !== a) versions.push(version('v3', b as number, 2.9));
  return { versions, currency: 'EUR', hash: 'test', origin: 'test' };
}

interface Sums {
  gpuHours: number;
  unpricedGpuHours: number;
  inferences: number;
  tokens: number;
  cost: number;
}

/** Per use case: the sums of every row of the given reports. */
function sums(reports: readonly UsageReport[]): Map<string, Sums> {
  const byUseCase = new Map<string, Sums>();
  for (const report of reports) {
    for (const row of report.rows) {
      const key = row.group.use_case ?? '';
      const into = byUseCase.get(key) ?? {
        gpuHours: 0,
        unpricedGpuHours: 0,
        inferences: 0,
        tokens: 0,
        cost: 0,
      };
      into.gpuHours += row.gpuHours;
      into.unpricedGpuHours += row.unpricedGpuHours;
      into.inferences += row.inferences;
      into.tokens += row.tokens;
      into.cost += row.cost ?? 0;
      byUseCase.set(key, into);
    }
  }
  return byUseCase;
}

function expectSameSums(parts: Map<string, Sums>, whole: Map<string, Sums>, what: string): void {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  expect([...parts.keys()].sort(), what).toEqual([...whole.keys()].sort());
  for (const [useCase, expected] of whole) {
    const got = parts.get(useCase) as Sums;
    for (const field of Object.keys(expected) as (keyof Sums)[]) {
      // To the cent, and far finer: the parts are the same increases, summed in another order.
      expect(
        close(got[field], expected[field]),
        `${what}: ${useCase} ${field} ${got[field]} vs ${expected[field]}`,
      ).toBe(true);
    }
  }
}

describe('sub-windows add up to their window', () => {
  let vm: Victoria;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    const lines = SEEDS.flatMap(generate);
    vm = await startVictoria();
    await vm.import(lines);
    dir = await mkdtemp(join(tmpdir(), 'ml-cost-sub-windows-'));
    file = join(dir, 'usage.jsonl');
    await writeFile(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  });

  afterAll(async () => {
    await vm?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const sources: Record<string, () => UsageSource> = {
    VictoriaMetrics: () => createVictoriaSource({ url: vm.url }),
    'export file': () => createExportFileSource(file),
  };

  for (const [sourceName, source] of Object.entries(sources)) {
    for (const seed of SEEDS) {
      const tz = ZONES[seed % ZONES.length] as string;
      it(`${sourceName}, seed ${seed}, ${tz}`, async () => {
        const catalogue = catalogueFor(seed);
        const context = {
          source: source(),
          catalogue,
          currency: catalogue.currency,
          forcedFx: [],
          metrics: NAMES,
          labels: { useCase: 'use_case', modelName: 'model_name', gpuType: 'gpu_type' },
        } as unknown as CommandContext;
        const report = (window: Window, granularity: Granularity = 'total') =>
          buildUsageReport(context, {
            window,
            by: ['use_case'],
            filters: [{ label: 'seed', op: '=', value: String(seed) }],
            granularity,
          });
        // Local days in the zone: the window starts at a local midnight.
        const whole = resolveWindow(
          { from: '2026-10-10', to: '2026-10-13', tz },
          Date.UTC(2027, 0, 1),
        );
        const wholeSums = sums([await report(whole)]);
        expect(wholeSums.size).toBeGreaterThan(0);

        const days = dayPeriods(whole).map((day) => part(whole, day.startMs, day.endMs));
        expectSameSums(sums(await Promise.all(days.map((w) => report(w)))), wholeSums, 'days');

        const next = random(seed + 2000);
        const hours = (whole.toMs - whole.fromMs) / H;
        const cuts = [0, hours];
        for (let c = 0; c < 4; c++) cuts.push(1 + Math.floor(next() * (hours - 1)));
        const edges = [...new Set(cuts)].sort((a, b) => a - b);
        const pieces = edges
          .slice(1)
          .map((end, i) =>
            part(whole, whole.fromMs + (edges[i] as number) * H, whole.fromMs + end * H),
          );
        expectSameSums(
          sums(await Promise.all(pieces.map((w) => report(w)))),
          wholeSums,
          `cuts at ${edges}`,
        );

        // One day, hour by hour as separate windows: each hour's first sample has its baseline.
        const firstDay = days[1] as Window;
        const hourWindows: Window[] = [];
        for (let t = firstDay.fromMs; t < firstDay.toMs; t += H)
          hourWindows.push(part(whole, t, t + H));
        expectSameSums(
          sums(await Promise.all(hourWindows.map((w) => report(w)))),
          sums([await report(firstDay)]),
          'hours of the second day',
        );

        // Rows of one report, by day and by hour, add up to its total too.
        expectSameSums(sums([await report(whole, 'day')]), wholeSums, 'by day');
        expectSameSums(sums([await report(whole, 'hour')]), wholeSums, 'by hour');
      });
    }
  }
});

function part(whole: Window, fromMs: number, toMs: number): Window {
  return { fromMs, toMs, tz: whole.tz, label: 'part' };
}
