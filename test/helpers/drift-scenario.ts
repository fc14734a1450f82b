// Seeded daily usage of a few use cases with known injected drifts and known non-drifts, for the
// drift detector's invariants. Each use case carries one story, so every expected verdict is
// known by construction:
//   steady      a fixed GPU floor plus GPU time per inference; weekends at 35 % load, so their
//               cost per inference is much higher (the weekend decoy)
//   price       as steady; its GPU type's rate rises 20 % on `priceDay` (catalogue v2)
//   gpu-move    moves on `moveDay` from A100 (3.00/h) to H100 (6.00/h), which needs half the GPU
//               time per inference and 60 % of the floor
//   collapse    inferences fall to 15 % on `collapseDay` and the day after; the floor stays
//   creep       tokens per inference, and the GPU time they take, grow 2 % a day from `creepDay`
//   ramp        inferences grow 1.5 % a day from the first day; GPU time scales with them
//   ramp-floor  the same ramp over a fixed floor: cheaper per inference by the day (growth)
// Noise: each day's inferences, GPU time per inference and tokens per inference are off by a
// lognormal factor of sd `noise`.
import type { DriftDay } from '../../src/core/drift-types.js';
import { prng } from '../../src/example/generate.js';

export const SCENARIO_START = Date.UTC(2026, 5, 1); // a Monday
export const SCENARIO_DAYS = 75;
/** The checked days are the last 30: 45 .. 74. */
export const FIRST_CHECKED = 45;
const DAY_MS = 86_400_000;

export interface Scenario {
  readonly priceDay: number;
  readonly moveDay: number;
  readonly collapseDay: number;
  readonly creepDay: number;
  readonly groups: ReadonlyMap<string, DriftDay[]>;
}

interface DayUsage {
  readonly gpuType: string;
  readonly rate: number;
  readonly version: string;
  readonly inferences: number;
  readonly floorHours: number;
  readonly gpuSecondsPerInference: number;
  readonly tokensPerInference: number;
}

export function driftScenario(seed: number, noise = 0.03): Scenario {
  const random = prng(seed * 7919 + 17);
  const gaussian = () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const jitter = () => Math.exp(noise * gaussian());
  const within = (from: number, span: number) => from + Math.floor(random() * span);
  const priceDay = within(50, 6);
  const moveDay = within(54, 8);
  const collapseDay = within(58, 10);
  const creepDay = within(48, 6);

  const weekendOf = (d: number) => {
    const weekday = new Date(SCENARIO_START + d * DAY_MS).getUTCDay();
    return weekday === 0 || weekday === 6;
  };
  const load = (d: number) => (weekendOf(d) ? 0.35 : 1);
  const base = (d: number): DayUsage => ({
    gpuType: 'A100',
    rate: 3,
    version: 'v1',
    inferences: 24_000 * load(d),
    floorHours: 12,
    gpuSecondsPerInference: 1.5,
    tokensPerInference: 800,
  });
  const stories: Record<string, (d: number) => DayUsage> = {
    steady: base,
    price: (d) => (d >= priceDay ? { ...base(d), rate: 3.6, version: 'v2' } : base(d)),
    'gpu-move': (d) =>
      d >= moveDay
        ? { ...base(d), gpuType: 'H100', rate: 6, floorHours: 7.2, gpuSecondsPerInference: 0.75 }
        : base(d),
    collapse: (d) =>
      d === collapseDay || d === collapseDay + 1
        ? { ...base(d), inferences: base(d).inferences * 0.15 }
        : base(d),
    creep: (d) => {
      const growth = d >= creepDay ? 1.02 ** (d - creepDay + 1) : 1;
      return {
        ...base(d),
        tokensPerInference: 800 * growth,
        gpuSecondsPerInference: 1.5 * growth,
      };
    },
    ramp: (d) => {
      const growth = 1 + 0.015 * d;
      return { ...base(d), inferences: base(d).inferences * growth, floorHours: 12 * growth };
    },
    'ramp-floor': (d) => ({ ...base(d), inferences: base(d).inferences * (1 + 0.015 * d) }),
  };

  const groups = new Map<string, DriftDay[]>();
  for (const [name, story] of Object.entries(stories)) {
    const days: DriftDay[] = [];
    for (let d = 0; d < SCENARIO_DAYS; d++) {
      const usage = story(d);
      const inferences = Math.round(usage.inferences * jitter());
      const tokens = Math.round(inferences * usage.tokensPerInference * jitter());
      const gpuHours =
        usage.floorHours + (inferences * usage.gpuSecondsPerInference * jitter()) / 3600;
      const cost = gpuHours * usage.rate;
      days.push({
        startMs: SCENARIO_START + d * DAY_MS,
        endMs: SCENARIO_START + (d + 1) * DAY_MS,
        weekend: weekendOf(d),
        gpuHours,
        unpricedGpuHours: 0,
        inferences,
        tokens,
        cost,
        gpu: [{ gpuType: usage.gpuType, gpuHours, cost }],
        versions: [usage.version],
      });
    }
    groups.set(name, days);
  }
  return { priceDay, moveDay, collapseDay, creepDay, groups };
}
