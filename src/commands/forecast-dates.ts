// Calendar arithmetic the forecast command needs in the report's time zone.
import { TZDate } from '@date-fns/tz';
import { addDays, startOfDay } from 'date-fns';

/**
 * The start of the day `days` local days before the last complete day ending at or before ms:
 * where a trend over the last N complete days begins.
 */
export function daysBefore(ms: number, days: number, tz: string): number {
  const endOfLastComplete = startOfDay(new TZDate(ms, tz));
  return addDays(endOfLastComplete, -days).getTime();
}
