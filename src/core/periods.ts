// Windows and periods in the report's time zone: what "last-month" means, where local days
// start (23- and 25-hour days included), and where a window reaching "now" is cut.
import { TZDate } from '@date-fns/tz';
import { addDays, addMonths, startOfDay, startOfMonth } from 'date-fns';
import { UsageError } from '../errors.js';
import type { Period } from './report.js';
import { HOUR_MS, type Window } from './types.js';

/** How far behind "now" data is trusted to be complete: scrape and remote-write lag. */
export const DEFAULT_SETTLE_MS = 5 * 60_000;

export const PERIOD_KEYWORDS = [
  'today',
  'yesterday',
  'this-month',
  'last-month',
  'last-7d',
  'last-30d',
] as const;

export interface WindowRequest {
  readonly period?: string;
  readonly from?: string;
  readonly to?: string;
  readonly tz: string;
}

export function assertTimeZone(tz: string): void {
  // Always valid, and the common case: spares a run the first Intl call (about 10 ms).
  if (tz === 'UTC') return;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new UsageError(
      `--tz: unknown time zone "${tz}" (use an IANA name such as UTC or Europe/Paris)`,
    );
  }
}

/**
 * Resolves --period or --from/--to into a half-open window of whole hours, cut back to the
 * settled point when it reaches past it.
 */
export function resolveWindow(
  request: WindowRequest,
  nowMs: number,
  settleMs = DEFAULT_SETTLE_MS,
): Window {
  assertTimeZone(request.tz);
  const { fromMs, toMs, label } = requestedRange(request, nowMs);
  if (toMs <= fromMs) {
    throw new UsageError(`the window is empty: --from must be before --to (${label})`);
  }
  if ((toMs - fromMs) % HOUR_MS !== 0) {
    throw new UsageError(
      `the window must be a whole number of hours long (${label}); ml-cost counts usage hour by hour`,
    );
  }
  const settledMs = nowMs - settleMs;
  if (toMs <= settledMs) return { fromMs, toMs, tz: request.tz, label };

  const closedHours = Math.floor((settledMs - fromMs) / HOUR_MS);
  if (closedHours <= 0) {
    throw new UsageError(
      `no settled hour yet in ${label}: data newer than ${settleMs / 60_000} minutes is not complete; try again later or pick an earlier window`,
    );
  }
  return {
    fromMs,
    toMs: fromMs + closedHours * HOUR_MS,
    tz: request.tz,
    label,
    cutFromMs: toMs,
  };
}

function requestedRange(
  request: WindowRequest,
  nowMs: number,
): { fromMs: number; toMs: number; label: string } {
  const { period, from, to, tz } = request;
  if (period !== undefined && (from !== undefined || to !== undefined)) {
    throw new UsageError('use either --period or --from/--to, not both');
  }
  if (period === undefined) {
    if (from === undefined || to === undefined) {
      throw new UsageError('give a window: --period (e.g. last-month) or both --from and --to');
    }
    const fromMs = parseInstant(from, tz, '--from');
    const toMs = parseInstant(to, tz, '--to');
    return { fromMs, toMs, label: `${from}..${to}` };
  }
  const [fromMs, toMs] = periodRange(period, nowMs, tz);
  return { fromMs, toMs, label: period };
}

function periodRange(period: string, nowMs: number, tz: string): [number, number] {
  const now = new TZDate(nowMs, tz);
  const today = startOfDay(now);
  const thisMonth = startOfMonth(now);
  switch (period) {
    case 'today':
      return [today.getTime(), daysLater(today, 1).getTime()];
    case 'yesterday':
      return [daysLater(today, -1).getTime(), today.getTime()];
    case 'this-month':
      return [thisMonth.getTime(), addMonths(thisMonth, 1).getTime()];
    case 'last-month':
      return [addMonths(thisMonth, -1).getTime(), thisMonth.getTime()];
    // The last N complete days, today excluded: closed periods give stable numbers.
    case 'last-7d':
      return [daysLater(today, -7).getTime(), today.getTime()];
    case 'last-30d':
      return [daysLater(today, -30).getTime(), today.getTime()];
  }
  const month = /^\d{4}-(\d{2})$/.exec(period);
  if (month) {
    if (Number(month[1]) < 1 || Number(month[1]) > 12) throw badPeriod(period);
    const range = monthRange(period, tz);
    return [range.startMs, range.endMs];
  }
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(period);
  if (day) {
    const start = localDate(Number(day[1]), Number(day[2]), Number(day[3]), tz, period, '--period');
    return [start.getTime(), daysLater(start, 1).getTime()];
  }
  throw badPeriod(period);
}

function badPeriod(period: string): UsageError {
  return new UsageError(
    `--period: "${period}" is not a period; use ${PERIOD_KEYWORDS.join(', ')}, YYYY-MM or YYYY-MM-DD`,
  );
}

function localDate(
  year: number,
  month: number,
  dayOfMonth: number,
  tz: string,
  text: string,
  flag: string,
): TZDate {
  const date = new TZDate(year, month - 1, dayOfMonth, tz);
  if (date.getMonth() !== month - 1 || date.getDate() !== dayOfMonth) {
    throw new UsageError(`${flag}: "${text}" is not a calendar date`);
  }
  return date;
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an ISO 8601 date or date-time. Without an offset it is a local time in `tz`, so
 * `--from 2026-07-01 --tz Europe/Paris` starts at Paris midnight.
 */
export function parseInstant(text: string, tz: string, flag: string): number {
  const match = ISO_INSTANT.exec(text.trim());
  if (!match) {
    throw new UsageError(
      `${flag}: "${text}" is not an ISO 8601 date or time (e.g. 2026-07-01 or 2026-07-01T00:00:00Z)`,
    );
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0', offset] = match;
  // Checked with or without an offset: Date.parse would roll 2026-09-31 over into October.
  const day = localDate(
    Number(y),
    Number(mo),
    Number(d),
    offset === undefined ? tz : 'UTC',
    text,
    flag,
  );
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new UsageError(`${flag}: "${text}" is not a valid time of day`);
  }
  if (offset !== undefined) {
    const ms = Date.parse(text.trim().replace(' ', 'T'));
    if (Number.isNaN(ms)) throw new UsageError(`${flag}: "${text}" is not a valid time`);
    return ms;
  }
  return new TZDate(
    day.getFullYear(),
    day.getMonth(),
    day.getDate(),
    Number(h),
    Number(mi),
    Number(s),
    tz,
  ).getTime();
}

/**
 * The start of the local day `days` days after (or before) the day that starts at `dayStart`.
 * Not addDays alone: where clocks jump at midnight (America/Santiago), a day starts at 01:00,
 * and adding a day to that keeps the 01:00, an hour into the next day.
 */
function daysLater(dayStart: TZDate, days: number): TZDate {
  return startOfDay(addDays(dayStart, days));
}

/**
 * The start of the day `days` local days before the last complete day ending at or before ms:
 * where a trend over the last N complete days begins.
 */
export function daysBefore(ms: number, days: number, tz: string): number {
  return daysLater(startOfDay(new TZDate(ms, tz)), -days).getTime();
}

/** The local days [start, end) that the window overlaps, clipped to the window. */
export function dayPeriods(window: Window): Period[] {
  const periods: Period[] = [];
  let start = startOfDay(new TZDate(window.fromMs, window.tz));
  while (start.getTime() < window.toMs) {
    const next = daysLater(start, 1);
    periods.push({
      startMs: Math.max(start.getTime(), window.fromMs),
      endMs: Math.min(next.getTime(), window.toMs),
    });
    start = next;
  }
  return periods;
}

export function hourPeriods(window: Window): Period[] {
  const periods: Period[] = [];
  for (let start = window.fromMs; start < window.toMs; start += HOUR_MS) {
    periods.push({ startMs: start, endMs: start + HOUR_MS });
  }
  return periods;
}

/** [start, end) of a calendar month "YYYY-MM" in a time zone. */
export function monthRange(month: string, tz: string): Period {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12) {
    throw new UsageError(`--month: "${month}" is not a month; use YYYY-MM`);
  }
  const start = new TZDate(Number(match[1]), Number(match[2]) - 1, 1, tz);
  return { startMs: start.getTime(), endMs: addMonths(start, 1).getTime() };
}

/** The local day holding an instant: its [start, end) and its date "YYYY-MM-DD". */
export function localDay(ms: number, tz: string): Period & { readonly date: string } {
  const start = startOfDay(new TZDate(ms, tz));
  const date = `${monthOf(start.getTime(), tz)}-${String(start.getDate()).padStart(2, '0')}`;
  return { startMs: start.getTime(), endMs: daysLater(start, 1).getTime(), date };
}

/** The month "YYYY-MM" containing an instant, in a time zone. */
export function monthOf(ms: number, tz: string): string {
  const date = new TZDate(ms, tz);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
}

/** Whether the local day holding an instant is a Saturday or a Sunday in a time zone. */
export function isWeekend(ms: number, tz: string): boolean {
  const weekday = new TZDate(ms, tz).getDay();
  return weekday === 0 || weekday === 6;
}
