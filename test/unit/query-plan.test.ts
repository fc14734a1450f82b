// The requests a report's buckets become: runs of one length, look-back and read-ahead.
import { describe, expect, it } from 'vitest';
import { LOOK_AROUND_MS, type PlannedQuery, planQueries } from '../../src/sources/query-plan.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 9, 1);
const edgesOf = (hours: number[]) => Float64Array.from(hours, (h) => T0 + h * H);
const hourly = (n: number) => edgesOf(Array.from({ length: n + 1 }, (_, i) => i));

describe('planQueries', () => {
  it('asks an hourly month in one request, reading a day before and after it', () => {
    expect(planQueries(hourly(720), 1000)).toEqual([
      {
        windowMs: H,
        stepMs: H,
        startMs: T0 - 23 * H,
        endMs: T0 + 744 * H,
        skip: 24,
        count: 720,
        bucket: 0,
      },
    ]);
  });

  it('asks days as one request per run of equal days', () => {
    // Europe/Paris, October 2026: 24 days of 24 h, the 25-hour day, 6 more days. The day of
    // 25 hours is longer than the look-around: one point that reads back through its step.
    const hours = [0];
    for (let day = 0; day < 31; day++)
      hours.push((hours.at(-1) as number) + (day === 24 ? 25 : 24));
    const plan = planQueries(edgesOf(hours), 1000);
    expect(plan.map((q) => [q.windowMs / H, q.bucket, q.count, q.skip])).toEqual([
      [24, 0, 24, 1],
      [25, 24, 1, 0],
      [24, 25, 6, 1],
    ]);
  });

  it('asks a bucket longer than a day as one point whose step reaches a day further back', () => {
    expect(planQueries(edgesOf([0, 720]), 1000)).toEqual([
      {
        windowMs: 720 * H,
        stepMs: 744 * H,
        startMs: T0 + 720 * H,
        endMs: T0 + 744 * H,
        skip: 0,
        count: 1,
        bucket: 0,
      },
    ]);
  });

  it('plans metrics read per sample without looking around: exactly the points of each run', () => {
    expect(planQueries(hourly(24), 1000, 0)).toEqual([
      {
        windowMs: H,
        stepMs: H,
        startMs: T0 + H,
        endMs: T0 + 24 * H,
        skip: 0,
        count: 24,
        bucket: 0,
      },
    ]);
    // A month in one bucket is one point of its own length, not a longer step.
    expect(planQueries(edgesOf([0, 720]), 1000, 0)).toEqual([
      {
        windowMs: 720 * H,
        stepMs: 720 * H,
        startMs: T0 + 720 * H,
        endMs: T0 + 720 * H,
        skip: 0,
        count: 1,
        bucket: 0,
      },
    ]);
  });

  it('cuts a long run into requests of at most pointsPerQuery buckets', () => {
    const plan = planQueries(hourly(2500), 1000);
    expect(plan.map((q) => [q.bucket, q.count])).toEqual([
      [0, 1000],
      [1000, 1000],
      [2000, 500],
    ]);
    expect(() => planQueries(hourly(10), 0)).toThrow(RangeError);
  });

  it('plans nothing for no buckets', () => {
    expect(planQueries(hourly(0), 1000)).toEqual([]);
  });

  it('delivers every bucket once, on its own window, looking a day around, for random edges', () => {
    let seed = 3;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const quarter = H / 4;
    for (let trial = 0; trial < 300; trial++) {
      const edges = [T0];
      const buckets = 1 + Math.floor(random() * 60);
      for (let b = 0; b < buckets; b++) {
        const kind = random();
        // Mostly runs of hours or days, some odd quarter-hour pieces and long spans.
        const quarters =
          kind < 0.4
            ? 4
            : kind < 0.7
              ? 96
              : kind < 0.9
                ? 1 + Math.floor(random() * 8)
                : 97 + Math.floor(random() * 3000);
        edges.push((edges.at(-1) as number) + quarters * quarter);
      }
      const plan = planQueries(Float64Array.from(edges), 1 + Math.floor(random() * 40));
      const delivered = new Array<number>(buckets).fill(0);
      for (const q of plan) {
        expect(q.count).toBeGreaterThan(0);
        for (let i = 0; i < q.count; i++) {
          const bucket = q.bucket + i;
          delivered[bucket] = (delivered[bucket] as number) + 1;
          const at = q.startMs + (q.skip + i) * q.stepMs;
          checkPoint(q, at, edges, bucket);
        }
        // Reads at least a day before its first delivered window and after its last point.
        const lastPoint = q.startMs + (q.skip + q.count - 1) * q.stepMs;
        expect(q.startMs - Math.max(q.windowMs, q.stepMs)).toBeLessThanOrEqual(
          (edges[q.bucket] as number) - LOOK_AROUND_MS,
        );
        expect(q.endMs).toBeGreaterThanOrEqual(lastPoint + LOOK_AROUND_MS);
        // No point after `end`: a one-point request really is one point.
        expect(
          q.startMs + (Math.floor((q.endMs - q.startMs) / q.stepMs) + 1) * q.stepMs,
        ).toBeGreaterThan(q.endMs);
      }
      expect(delivered).toEqual(new Array<number>(buckets).fill(1));
    }
  });
});

/** A delivered point is its bucket's increase: at the bucket's end, over the bucket. */
function checkPoint(q: PlannedQuery, at: number, edges: number[], bucket: number): void {
  const start = edges[bucket] as number;
  const end = edges[bucket + 1] as number;
  expect([at, q.windowMs]).toEqual([end, end - start]);
}
