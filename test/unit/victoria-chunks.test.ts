import { describe, expect, it } from 'vitest';
import { planChunks, planSpanChunks, RunningTotals } from '../../src/sources/chunks.js';

const grid = (hours: number) => ({ startMs: Date.UTC(2026, 0, 1), hours });

describe('planChunks', () => {
  it('keeps a month in one chunk when the chunk is large enough', () => {
    expect(planChunks(grid(745), 1000)).toEqual([
      { offset: 0, hours: 745, queryFirstHour: 0, queryLastHour: 744, windowHours: 1 },
    ]);
  });

  it('cuts a long grid into whole chunks plus a remainder, overlapping inside the grid only', () => {
    expect(planChunks(grid(25), 10, 3)).toEqual([
      { offset: 0, hours: 10, queryFirstHour: 0, queryLastHour: 12, windowHours: 1 },
      { offset: 10, hours: 10, queryFirstHour: 7, queryLastHour: 22, windowHours: 1 },
      { offset: 20, hours: 5, queryFirstHour: 17, queryLastHour: 24, windowHours: 1 },
    ]);
  });

  it('covers every hour exactly once', () => {
    const chunks = planChunks(grid(8761), 1000);
    expect(chunks).toHaveLength(9);
    expect(chunks.reduce((sum, chunk) => sum + chunk.hours, 0)).toBe(8761);
    chunks.forEach((chunk, index) => {
      expect(chunk.offset).toBe(index * 1000);
    });
  });

  it('plans nothing for an empty grid', () => {
    expect(planChunks(grid(0), 1000)).toEqual([]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a chunk size of %s', (size) => {
    expect(() => planChunks(grid(10), size)).toThrow(RangeError);
  });
});

describe('planSpanChunks', () => {
  it('asks for one running total per span, from the grid start to the span end', () => {
    expect(
      planSpanChunks(
        grid(48),
        [
          { offset: 0, hours: 36 },
          { offset: 36, hours: 12 },
        ],
        1000,
      ),
    ).toEqual([
      { offset: 35, hours: 1, queryFirstHour: 35, queryLastHour: 35, windowHours: 36, running: 0 },
      { offset: 47, hours: 1, queryFirstHour: 47, queryLastHour: 47, windowHours: 48, running: 0 },
    ]);
  });

  it('starts each later chunk a day early and measures that overlap to take it off', () => {
    const chunks = planSpanChunks(grid(2500), [{ offset: 0, hours: 2500 }], 1000);
    expect(chunks.map((c) => [c.offset, c.windowHours, c.running, c.lead === true])).toEqual([
      [999, 1000, 0, false],
      // Chunk 2: base at hour 976 (1000 - 24); the lead covers 976..999, the span 976..1999.
      [999, 24, 1, true],
      [1999, 1024, 1, false],
      [1999, 24, 2, true],
      [2499, 524, 2, false],
    ]);
  });

  it('marks the only point of a running series, whose total needs no differencing', () => {
    const single = planSpanChunks(grid(720), [{ offset: 0, hours: 720 }], 1000);
    expect(single).toEqual([
      {
        offset: 719,
        hours: 1,
        queryFirstHour: 719,
        queryLastHour: 719,
        windowHours: 720,
        running: 0,
        alone: true,
      },
    ]);
    const chunked = planSpanChunks(grid(2500), [{ offset: 0, hours: 2500 }], 1000);
    expect(chunked.map((c) => c.alone === true)).toEqual([true, false, false, false, false]);
    // Spans that end before the grid does leave later chunks with a lead and nothing else:
    // such a lead is never alone, or its overlap would be delivered as usage.
    const leadsOnly = planSpanChunks(grid(2500), [{ offset: 0, hours: 1000 }], 1000);
    expect(leadsOnly.filter((c) => c.lead).length).toBeGreaterThan(0);
    expect(leadsOnly.filter((c) => c.lead && c.alone)).toEqual([]);
  });

  it('cuts spans at chunk edges', () => {
    const chunks = planSpanChunks(
      grid(30),
      [
        { offset: 0, hours: 5 },
        { offset: 5, hours: 25 },
      ],
      10,
      2,
    );
    expect(chunks.filter((c) => !c.lead).map((c) => [c.offset, c.windowHours])).toEqual([
      [4, 5],
      [9, 10],
      [19, 12],
      [29, 12],
    ]);
  });
});

describe('RunningTotals', () => {
  it('gives each point its difference from the last total of the same metric, chunk and group', () => {
    const totals = new RunningTotals();
    expect(totals.difference('tokens', 0, { a: 'x' }, 100)).toBe(100);
    expect(totals.difference('tokens', 0, { a: 'y' }, 7)).toBe(7);
    expect(totals.difference('tokens', 0, { a: 'x' }, 160)).toBe(60);
    // A new chunk starts its own totals; so does another metric.
    expect(totals.difference('tokens', 1, { a: 'x' }, 30)).toBe(30);
    expect(totals.difference('gpu_seconds', 0, { a: 'x' }, 5)).toBe(5);
  });
});
