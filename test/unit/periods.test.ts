import { describe, expect, it } from 'vitest';
import {
  dayPeriods,
  daysBefore,
  localDay,
  monthRange,
  parseInstant,
  resolveWindow,
} from '../../src/core/periods.js';
import { HOUR_MS } from '../../src/core/types.js';

const utc = (text: string) => Date.parse(text);
const NOW = utc('2026-11-28T10:17:00Z');

describe('resolveWindow', () => {
  it.each([
    ['yesterday', 'UTC', '2026-11-27T00:00:00Z', '2026-11-28T00:00:00Z'],
    ['last-month', 'UTC', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'],
    ['last-7d', 'UTC', '2026-11-21T00:00:00Z', '2026-11-28T00:00:00Z'],
    ['last-30d', 'UTC', '2026-10-29T00:00:00Z', '2026-11-28T00:00:00Z'],
    ['2026-07', 'UTC', '2026-07-01T00:00:00Z', '2026-08-01T00:00:00Z'],
    ['2026-07-04', 'UTC', '2026-07-04T00:00:00Z', '2026-07-05T00:00:00Z'],
    // Paris is UTC+1 in winter, UTC+2 in summer: October ends on the 25-hour day.
    ['last-month', 'Europe/Paris', '2026-09-30T22:00:00Z', '2026-10-31T23:00:00Z'],
    ['2026-03-29', 'Europe/Paris', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z'],
    ['2026-07', 'Asia/Kolkata', '2026-06-30T18:30:00Z', '2026-07-31T18:30:00Z'],
    // Santiago moves its clocks at midnight: 2026-09-06 starts at 01:00 (-03) and has 23 hours.
    ['2026-09-06', 'America/Santiago', '2026-09-06T04:00:00Z', '2026-09-07T03:00:00Z'],
  ])('%s in %s is [%s, %s)', (period, tz, from, to) => {
    const window = resolveWindow({ period, tz }, NOW);
    expect(new Date(window.fromMs).toISOString()).toBe(new Date(utc(from)).toISOString());
    expect(new Date(window.toMs).toISOString()).toBe(new Date(utc(to)).toISOString());
    expect(window.cutFromMs).toBeUndefined();
  });

  it('cuts a window reaching now back to the last whole hour before the settled point', () => {
    const window = resolveWindow({ period: 'today', tz: 'UTC' }, NOW);
    // 10:17 minus 5 minutes settling is 10:12: the last closed hour ends at 10:00.
    expect(new Date(window.toMs).toISOString()).toBe('2026-11-28T10:00:00.000Z');
    expect(window.cutFromMs).toBe(utc('2026-11-29T00:00:00Z'));
  });

  it('refuses a window with no settled hour yet', () => {
    const justAfterMidnight = utc('2026-11-28T00:03:00Z');
    expect(() => resolveWindow({ period: 'today', tz: 'UTC' }, justAfterMidnight)).toThrow(
      /no settled hour/,
    );
  });

  it.each([
    [{ period: 'last-year', tz: 'UTC' }, /--period: "last-year" is not a period/],
    [{ period: '2026-13', tz: 'UTC' }, /not a period/],
    [{ period: '2026-02-30', tz: 'UTC' }, /not a calendar date/],
    [{ tz: 'UTC', from: '2026-07-01' }, /both --from and --to/],
    [{ tz: 'UTC', from: '2026-07-02', to: '2026-07-01' }, /--from must be before --to/],
    [
      { tz: 'UTC', from: 'yesterday-ish', to: '2026-07-01' },
      /--from: "yesterday-ish" is not an ISO 8601/,
    ],
    [
      { tz: 'UTC', from: '2026-07-01T00:30:00Z', to: '2026-07-01T02:00:00Z' },
      /whole number of hours/,
    ],
    [{ tz: 'Mars/Olympus', period: 'yesterday' }, /--tz: unknown time zone "Mars\/Olympus"/],
    [{ tz: 'UTC', period: 'yesterday', from: '2026-07-01' }, /either --period or --from\/--to/],
  ])('rejects %o', (request, message) => {
    expect(() => resolveWindow(request, NOW)).toThrow(message);
  });
});

describe('parseInstant', () => {
  it.each(['2026-09-31T00:00:00Z', '2026-10-01T24:00:00Z', '2026-02-29T10:00:00+01:00'])(
    'refuses %s, which is not a date and time, offset or not',
    (text) => {
      expect(() => parseInstant(text, 'UTC', '--to')).toThrow(/--to/);
    },
  );

  it('reads a bare date as local midnight in the time zone', () => {
    expect(parseInstant('2026-07-01', 'Europe/Paris', '--from')).toBe(utc('2026-06-30T22:00:00Z'));
  });
  it('honours an explicit offset whatever the time zone', () => {
    expect(parseInstant('2026-07-01T00:00:00+02:00', 'UTC', '--from')).toBe(
      utc('2026-06-30T22:00:00Z'),
    );
  });
});

describe('dayPeriods', () => {
  it('gives the spring-forward day 23 hours and the fall-back day 25', () => {
    const window = resolveWindow({ from: '2026-03-28', to: '2026-03-31', tz: 'Europe/Paris' }, NOW);
    const hours = dayPeriods(window).map((day) => (day.endMs - day.startMs) / HOUR_MS);
    expect(hours).toEqual([24, 23, 24]);
    const october = resolveWindow(
      { from: '2026-10-24', to: '2026-10-27', tz: 'Europe/Paris' },
      NOW,
    );
    expect(dayPeriods(october).map((day) => (day.endMs - day.startMs) / HOUR_MS)).toEqual([
      24, 25, 24,
    ]);
  });

  it('starts every day at its own midnight after a day whose midnight was skipped', () => {
    // America/Santiago: 2026-09-06 00:00 (-04) jumps to 01:00 (-03).
    const window = resolveWindow(
      { from: '2026-09-05', to: '2026-09-09', tz: 'America/Santiago' },
      NOW,
    );
    const days = dayPeriods(window);
    expect(days.map((day) => (day.endMs - day.startMs) / HOUR_MS)).toEqual([24, 23, 24, 24]);
    expect(days.map((day) => new Date(day.startMs).toISOString())).toEqual([
      '2026-09-05T04:00:00.000Z',
      '2026-09-06T04:00:00.000Z',
      '2026-09-07T03:00:00.000Z',
      '2026-09-08T03:00:00.000Z',
    ]);
    expect(localDay(Date.UTC(2026, 8, 6, 12), 'America/Santiago')).toEqual({
      startMs: Date.UTC(2026, 8, 6, 4),
      endMs: Date.UTC(2026, 8, 7, 3),
      date: '2026-09-06',
    });
    // Seven complete days before 2026-09-10: from 2026-09-03 00:00 (-04).
    expect(
      new Date(daysBefore(Date.UTC(2026, 8, 10, 12), 7, 'America/Santiago')).toISOString(),
    ).toBe('2026-09-03T04:00:00.000Z');
  });

  it('cuts local days of 24, 25 and 24 hours around the end of summer time', () => {
    const window = resolveWindow({ from: '2026-10-24', to: '2026-10-27', tz: 'Europe/Paris' }, NOW);
    const hours = dayPeriods(window).map((day) => (day.endMs - day.startMs) / HOUR_MS);
    expect(hours).toEqual([24, 25, 24]);
  });
});

describe('monthRange', () => {
  it('covers a whole local month', () => {
    const march = monthRange('2026-03', 'Europe/Paris');
    expect((march.endMs - march.startMs) / HOUR_MS).toBe(31 * 24 - 1);
  });
});
