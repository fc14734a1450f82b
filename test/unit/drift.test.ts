import { describe, expect, it } from 'vitest';
import { detectDrift, weekendsDiffer } from '../../src/core/drift.js';
import type { DriftDay, DriftDayResult } from '../../src/core/drift-types.js';
import { driftScenario, FIRST_CHECKED } from '../helpers/drift-scenario.js';

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 5, 1);

/** A weekday of 10 000 inferences, 800 tokens each, on A100 at 3.00 per GPU-hour. */
function day(index: number, costPerInference: number, extra: Partial<DriftDay> = {}): DriftDay {
  const inferences = 10_000;
  const cost = costPerInference * inferences;
  const gpuHours = cost / 3;
  return {
    startMs: START + index * DAY_MS,
    endMs: START + (index + 1) * DAY_MS,
    weekend: false,
    gpuHours,
    unpricedGpuHours: 0,
    inferences,
    tokens: inferences * 800,
    cost,
    gpu: [{ gpuType: 'A100', gpuHours, cost }],
    versions: ['v1'],
    ...extra,
  };
}

const BASELINE = [1.0, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97];

describe('detectDrift by hand', () => {
  // Seven baseline days of cost per inference 0.97 .. 1.03 (--baseline-days 7, all needed):
  //   logs: median ln 1.00 = 0; |ln v| sorted 0, .00995, .01005, .01980, .02020, .02956, .03046
  //   MAD = ln 1.02 = 0.019803; × 1.4826 = 0.029360
  //   × 7 / (7 - 0.8) = 1.129032 (small-sample MAD) × √(1 + (π/2) / 7) = 1.106526 (the
  //   median's own error) = σ 0.036680, above the floors 0.01 and 1/√10 000 = 0.01.
  //   Band at 3.5σ: e^(±0.128380) = 0.87952 .. 1.13698.
  //   1.20: z = ln 1.2 / σ = 0.182322 / 0.036680 = 4.971 → drift; 1.10: 0.095310 / σ = 2.598 → ok.
  const options = { baselineDays: 7, sensitivity: 3.5 };
  const days = [...BASELINE.map((v, i) => day(i, v)), day(7, 1.2), day(8, 1.1)];
  const results = detectDrift(days, 7, options);

  it('works out the baseline, the band and the deviation', () => {
    const [high, mild] = results as [DriftDayResult, DriftDayResult];
    const check = high.metrics.find((m) => m.metric === 'cost_per_inference');
    expect(check?.baseline?.kind).toBe('all');
    expect(check?.baseline?.days).toBe(7);
    expect(check?.baseline?.median).toBeCloseTo(1.0, 12);
    expect(check?.baseline?.sigma).toBeCloseTo(0.03668, 5);
    expect(check?.baseline?.lower).toBeCloseTo(0.87952, 4);
    expect(check?.baseline?.upper).toBeCloseTo(1.13698, 4);
    expect(check?.value).toBeCloseTo(1.2, 12);
    expect(check?.deviation).toBeCloseTo(4.971, 2);
    expect(check?.deviationShare).toBeCloseTo(0.2, 12);
    expect(check?.status).toBe('drift');
    expect(high.status).toBe('drift');
    // The day's own baseline: the seven days before it, 1.20 among them (median 1.00 still).
    expect(mild.status).toBe('ok');
    expect(mild.metrics.find((m) => m.metric === 'cost_per_inference')?.deviation).toBeLessThan(
      3.5,
    );
  });

  it('names GPU time per inference when prices, mix, volume and tokens stayed put', () => {
    expect(results[0]?.explanation?.cause).toBe('gpu_time_per_inference_change');
    expect(results[0]?.explanation?.evidence.gpuSecondsPerInference).toBeCloseTo(1.2, 12);
  });

  it('tokens per currency unit drifts exactly as cost per 1M tokens does, the other way', () => {
    const metrics = results[0]?.metrics ?? [];
    const perToken = metrics.find((m) => m.metric === 'cost_per_million_tokens');
    const perCost = metrics.find((m) => m.metric === 'tokens_per_cost');
    expect(perToken?.deviation).toBeCloseTo(-(perCost?.deviation ?? 0), 10);
  });

  it('says so when there is too little history, and leaves unpriced days out', () => {
    const short = detectDrift(
      [...BASELINE.slice(1).map((v, i) => day(i, v)), day(6, 2)],
      6,
      options,
    );
    expect(short[0]?.status).toBe('insufficient_history');
    expect(short[0]?.metrics[0]?.historyDays).toBe(6);
    // An unpriced baseline day does not count towards the history; an unpriced day is not judged.
    const unpriced = { unpricedGpuHours: 1 };
    const withGap = detectDrift(
      [
        ...BASELINE.map((v, i) => day(i, v, i === 3 ? unpriced : {})),
        day(7, 2),
        day(8, 2, unpriced),
      ],
      7,
      options,
    );
    expect(withGap.map((r) => r.status)).toEqual(['insufficient_history', 'unpriced']);
  });

  it('attributes a new catalogue version to the price', () => {
    const priced = day(7, 1.25, { versions: ['v2'] });
    // Same GPU time as a 1.00 day, charged at 3.75 instead of 3.00.
    const usage = {
      ...priced,
      gpuHours: (1.0 * 10_000) / 3,
      gpu: [{ gpuType: 'A100', gpuHours: 10_000 / 3, cost: priced.cost }],
    };
    const [result] = detectDrift([...BASELINE.map((v, i) => day(i, v)), usage], 7, options);
    expect(result?.status).toBe('drift');
    expect(result?.explanation?.cause).toBe('price_change');
    expect(result?.explanation?.evidence.price).toBeCloseTo(1.25, 12);
    expect(result?.explanation?.evidence.newVersions).toEqual(['v2']);
  });
});

describe('weekendsDiffer', () => {
  it('splits only when both kinds have 4 days and their medians differ beyond noise', () => {
    const weekdays = [0, 0.01, -0.01, 0.005, -0.005, 0.002];
    expect(weekendsDiffer(weekdays, [0.5, 0.51, 0.49, 0.5])).toBe(true);
    expect(weekendsDiffer(weekdays, [0.5, 0.51, 0.49])).toBe(false);
    // 1.2533 × 0.01 × √(1/6 + 1/4) × 3 = 0.0243: a 0.02 gap is noise.
    expect(weekendsDiffer(weekdays, [0.02, 0.021, 0.019, 0.02])).toBe(false);
    expect(weekendsDiffer(weekdays, [0.03, 0.031, 0.029, 0.03])).toBe(true);
  });
});

const EXPECTED_CAUSE = {
  price: 'price_change',
  'gpu-move': 'gpu_mix_change',
  collapse: 'volume_drop',
  creep: 'tokens_per_inference_change',
} as const;

function runScenario(seed: number, noise: number) {
  const scenario = driftScenario(seed, noise);
  const eventDay: Record<string, number> = {
    price: scenario.priceDay,
    'gpu-move': scenario.moveDay,
    collapse: scenario.collapseDay,
    creep: scenario.creepDay,
  };
  const verdicts = new Map<string, { index: number; result: DriftDayResult }[]>();
  for (const [name, days] of scenario.groups) {
    const results = detectDrift(days, FIRST_CHECKED, { baselineDays: 30, sensitivity: 3.5 });
    verdicts.set(
      name,
      results.map((result, i) => ({ index: FIRST_CHECKED + i, result })),
    );
  }
  return { eventDay, verdicts, scenario };
}

describe('drift on seeded data with injected events and decoys', () => {
  // Daily noise of 0.5 %: what a day of scrapes every few minutes averages to.
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20])(
    'seed %i: each event on its day with its cause, no alarm before it or on a decoy',
    (seed) => {
      const { eventDay, verdicts } = runScenario(seed, 0.005);
      for (const [name, days] of verdicts) {
        const drifting = days.filter(({ result }) => result.status === 'drift');
        const at = eventDay[name];
        if (at === undefined) {
          // steady (weekends included), ramp, ramp-floor.
          expect(drifting.map(({ index }) => `${name} day ${index}`)).toEqual([]);
          continue;
        }
        expect(drifting.filter(({ index }) => index < at).map(({ index }) => index)).toEqual([]);
        const first = drifting[0];
        if (name === 'creep') {
          // 2 % a day is found within days of its start, not on its first day.
          expect(first?.index).toBeGreaterThanOrEqual(at);
          expect(first?.index).toBeLessThanOrEqual(at + 7);
        } else {
          expect(first?.index).toBe(at);
          expect(first?.result.continued).toBeUndefined();
        }
        expect(first?.result.explanation?.cause).toBe(
          EXPECTED_CAUSE[name as keyof typeof EXPECTED_CAUSE],
        );
      }
    },
  );

  it('on noisy days (3 %) finds the large events and keeps chance alarms rare', () => {
    let decoyDays = 0;
    let decoyAlarms = 0;
    let found = 0;
    let events = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { eventDay, verdicts } = runScenario(seed, 0.03);
      for (const [name, days] of verdicts) {
        const at = eventDay[name];
        for (const { index, result } of days) {
          if (at !== undefined && index >= at) continue;
          decoyDays++;
          if (result.status === 'drift') decoyAlarms++;
        }
        if (at === undefined || name === 'creep') continue;
        events++;
        const onDay = days.find(({ index }) => index === at)?.result;
        if (
          onDay?.status === 'drift' &&
          onDay.explanation?.cause === EXPECTED_CAUSE[name as keyof typeof EXPECTED_CAUSE]
        )
          found++;
      }
    }
    // At 3.5 robust sigmas a 30-day MAD lets about 1 day in 200 per metric out by chance.
    expect(decoyAlarms / decoyDays).toBeLessThan(0.015);
    expect(found / events).toBeGreaterThanOrEqual(0.95);
  });
});
