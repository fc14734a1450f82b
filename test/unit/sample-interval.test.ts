// The sample interval a gauge or presence is read with: parsing a configured one, choosing one
// from the evidence, and a series' evidence from its samples.
import { describe, expect, it } from 'vitest';
import {
  ASSUMED_INTERVAL_MS,
  evidenceOf,
  IntervalMemo,
  intervalFrom,
  parseDuration,
  SampleTally,
  WIDE_LOOK_BACK_MS,
} from '../../src/sources/sample-interval.js';

describe('parseDuration', () => {
  it('reads Prometheus durations, units in order', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1m')).toBe(60_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1h5m')).toBe(3_900_000);
    expect(parseDuration('2d')).toBe(172_800_000);
  });

  it('refuses what is no duration, or is not more than 0', () => {
    for (const text of ['', '0s', '0', '30', '1.5s', '-5s', '30 s', 's', '30s1m', '1S', '1m30']) {
      expect(parseDuration(text), text).toBeNull();
    }
  });
});

describe('intervalFrom', () => {
  it('prefers the window tier, then the widened one, then assumes; nothing without samples', () => {
    expect(intervalFrom({ window: 30, wide: 15, samples: 100 })).toEqual({
      ms: 30_000,
      how: 'detected',
    });
    expect(intervalFrom({ wide: 600, samples: 3 })).toEqual({ ms: 600_000, how: 'sparse' });
    expect(intervalFrom({ samples: 1 })).toEqual({ ms: ASSUMED_INTERVAL_MS, how: 'assumed' });
    expect(intervalFrom({ wide: 30, samples: 0 })).toBeNull();
  });

  it('rounds to the millisecond, never to 0', () => {
    expect(intervalFrom({ window: 30.0004, samples: 10 })?.ms).toBe(30_000);
    expect(intervalFrom({ window: 14.9996, samples: 10 })?.ms).toBe(15_000);
    expect(intervalFrom({ window: 0.0001, samples: 10 })?.ms).toBe(1);
  });
});

describe('SampleTally', () => {
  const FROM = Date.UTC(2026, 9, 1);
  const TO = FROM + 3_600_000;

  it('averages a series over [from, to) once it has ten samples there', () => {
    const tally = new SampleTally(FROM, TO);
    // 30 s scrapes from 10 min before the window to its end: the sample at `to` is outside.
    for (let t = FROM - 600_000; t <= TO; t += 30_000) tally.add(t);
    expect(evidenceOf([tally])).toEqual({ window: 30, wide: 30, samples: 120 });
  });

  it('says only what it knows: few samples, a gap, samples before the widened window', () => {
    const few = new SampleTally(FROM, TO);
    for (const t of [FROM + 60_000, FROM - WIDE_LOOK_BACK_MS - 1, FROM, FROM - 60_000]) few.add(t);
    expect(evidenceOf([few])).toEqual({ wide: 60, samples: 2 });
    const gap = new SampleTally(FROM, TO);
    for (let t = FROM; t < TO; t += 30_000)
      if (t < FROM + 600_000 || t >= FROM + 1_200_000) gap.add(t);
    // 100 samples over 59.5 minutes: an average longer than the scrape interval.
    expect(evidenceOf([gap]).window).toBeCloseTo(3570 / 99, 9);
    // The smallest average among series: the one without the gap.
    const steady = new SampleTally(FROM, TO);
    for (let t = FROM; t < TO; t += 30_000) steady.add(t);
    expect(evidenceOf([gap, steady, few])).toEqual({ window: 30, wide: 30, samples: 222 });
    expect(evidenceOf([])).toEqual({ samples: 0 });
  });
});

describe('IntervalMemo', () => {
  it('detects once per key, and again after a failure', async () => {
    const memo = new IntervalMemo();
    let calls = 0;
    const detect = async () => {
      calls++;
      return { ms: 30_000, how: 'detected' } as const;
    };
    await memo.get('a', detect);
    await memo.get('a', detect);
    expect(calls).toBe(1);
    await expect(memo.get('b', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await memo.get('b', detect)).toEqual({ ms: 30_000, how: 'detected' });
  });
});
