// One element of a query_range answer's data.result, `{"metric":{...},"values":[[t,"v"],...]}`,
// read byte by byte straight into a Float64Array on the hour grid; and what both the byte path
// and the JSON.parse fallback need: grid positions, value parsing, label picking.
import { HOUR_MS } from '../core/types.js';
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  DIGIT_0,
  DIGIT_9,
  DOT,
  EXACT_POWERS_OF_TEN,
  isSpace,
  MAX_EXACT_MANTISSA,
  MINUS,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from './json-bytes.js';

export class MalformedAnswer extends Error {}

export interface AnswerLayout {
  readonly gridStartMs: number;
  /** First grid hour this answer delivers, and how many (points outside are overlap). */
  readonly offset: number;
  readonly hours: number;
  /** Labels kept from each series, in order; a label a series lacks is "". */
  readonly by: readonly string[];
}

export type OnAnswerSeries = (labels: Record<string, string>, values: Float64Array) => void;

/** scanOne(): the bytes stop inside the element; more of the body may complete it. */
export const NEED_MORE = -2;
/** scanOne(): not the usual layout; the element goes through JSON.parse instead. */
export const FALLBACK = -1;

/**
 * Reads the usual layout of one element byte by byte:
 * `{"metric":{...},"values":[[1767225600,"12.5"],...]}`. Anything else is left to the general
 * parser (FALLBACK); points that are wrong either way throw MalformedAnswer.
 */
export class ElementScanner {
  private pos: number;
  /** Set when a read ran into the end of the bytes: more of the body may make it succeed. */
  private exhausted = false;

  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly end: number,
    private readonly layout: AnswerLayout,
  ) {
    this.pos = start;
  }

  /**
   * Scans one element from the start; returns where it ends, NEED_MORE when the bytes stop
   * inside it, or FALLBACK when it needs the general parser. Calls onSeries only on success.
   */
  scanOne(onSeries: OnAnswerSeries): number {
    const end = this.scan(onSeries);
    if (end >= 0) return end;
    return this.exhausted || this.pos >= this.end ? NEED_MORE : FALLBACK;
  }

  private scan(onSeries: OnAnswerSeries): number {
    const { buf } = this;
    let labels: Record<string, string> | null = null;
    let values: Float64Array | null = null;
    let any = false;
    if (!this.take(OPEN_BRACE)) return FALLBACK;
    for (;;) {
      this.skipSpace();
      if (buf[this.pos] !== QUOTE) return FALLBACK;
      const keyEnd = buf.indexOf(QUOTE, this.pos + 1);
      if (keyEnd < 0 || keyEnd >= this.end) return this.runOut();
      const key = buf.toString('latin1', this.pos + 1, keyEnd);
      this.pos = keyEnd + 1;
      if (!this.take(COLON)) return FALLBACK;
      this.skipSpace();
      if (key === 'metric' && labels === null) {
        const metricStart = this.pos;
        if (!this.skipObject()) return FALLBACK;
        let metric: unknown;
        try {
          metric = JSON.parse(buf.toString('utf8', metricStart, this.pos));
        } catch {
          return FALLBACK;
        }
        if (!isRecord(metric)) return FALLBACK;
        labels = pickLabels(metric, this.layout.by);
      } else if (key === 'values' && values === null) {
        values = new Float64Array(this.layout.hours).fill(Number.NaN);
        const read = this.readPoints(values);
        if (read < 0) return FALLBACK;
        any = read > 0;
      } else {
        return FALLBACK;
      }
      this.skipSpace();
      const next = buf[this.pos];
      this.pos++;
      if (next === COMMA) continue;
      if (next !== CLOSE_BRACE) return FALLBACK;
      if (labels === null || values === null) return FALLBACK;
      if (any) onSeries(labels, values);
      return this.pos;
    }
  }

  /** Reads `[[t,"v"],...]` into values; returns the points kept, or -1 for another layout. */
  private readPoints(values: Float64Array): number {
    const { buf, layout } = this;
    if (!this.take(OPEN_BRACKET)) return -1;
    this.skipSpace();
    if (buf[this.pos] === CLOSE_BRACKET) {
      this.pos++;
      return 0;
    }
    let kept = 0;
    for (;;) {
      if (!this.take(OPEN_BRACKET)) return -1;
      this.skipSpace();
      const timestamp = this.readNumber();
      if (Number.isNaN(timestamp)) return -1;
      if (!this.take(COMMA)) return -1;
      this.skipSpace();
      if (buf[this.pos] !== QUOTE) return -1;
      const textStart = this.pos + 1;
      const textEnd = buf.indexOf(QUOTE, textStart);
      if (textEnd < 0 || textEnd >= this.end) return this.runOut();
      if (buf[textEnd - 1] === BACKSLASH) return -1;
      this.pos = textEnd + 1;
      if (!this.take(CLOSE_BRACKET)) return -1;
      const index = gridIndex(timestamp, layout);
      if (index >= 0) {
        const value = decimal(buf, textStart, textEnd);
        if (!Number.isNaN(value)) {
          values[index] = value;
          kept++;
        }
      }
      this.skipSpace();
      const next = buf[this.pos];
      this.pos++;
      if (next === COMMA) {
        this.skipSpace();
        continue;
      }
      if (next === CLOSE_BRACKET) return kept;
      return -1;
    }
  }

  /** A JSON number (the timestamp in seconds); NaN when the bytes are not a plain one. */
  private readNumber(): number {
    const { buf, end } = this;
    const start = this.pos;
    let pos = start;
    if (buf[pos] === MINUS) pos++;
    let whole = true;
    let value = 0;
    const digitsStart = pos;
    while (pos < end && (buf[pos] as number) >= DIGIT_0 && (buf[pos] as number) <= DIGIT_9) {
      value = value * 10 + ((buf[pos] as number) - DIGIT_0);
      pos++;
    }
    if (pos >= end) this.exhausted = true;
    if (pos === digitsStart) return Number.NaN;
    const byte = buf[pos];
    if (byte === DOT || byte === 0x65 || byte === 0x45) {
      whole = false;
      while (pos < end) {
        const next = buf[pos] as number;
        if (next === COMMA || next === CLOSE_BRACKET || isSpace(next)) break;
        pos++;
      }
    }
    this.pos = pos;
    if (whole && value < MAX_EXACT_MANTISSA) return buf[start] === MINUS ? -value : value;
    const parsed = Number(buf.toString('latin1', start, pos));
    return Number.isFinite(parsed) ? parsed : Number.NaN;
  }

  /** Skips an object, strings and nesting included; false when it does not close in the element. */
  private skipObject(): boolean {
    const { buf, end } = this;
    if (buf[this.pos] !== OPEN_BRACE) return false;
    let depth = 0;
    let inString = false;
    for (let pos = this.pos; pos < end; pos++) {
      const byte = buf[pos] as number;
      if (inString) {
        if (byte === BACKSLASH) pos++;
        else if (byte === QUOTE) inString = false;
      } else if (byte === QUOTE) {
        inString = true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        depth++;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) {
          this.pos = pos + 1;
          return true;
        }
      }
    }
    this.exhausted = true;
    return false;
  }

  private runOut(): number {
    this.exhausted = true;
    return FALLBACK;
  }

  private take(byte: number): boolean {
    this.skipSpace();
    if (this.buf[this.pos] !== byte) return false;
    this.pos++;
    return true;
  }

  private skipSpace(): void {
    while (this.pos < this.end && isSpace(this.buf[this.pos] as number)) this.pos++;
  }
}

/**
 * Index into the answer's values of the point at `seconds`, or -1 for overlap hours.
 * VictoriaMetrics reports the increase over (t - 1h, t] at t, the end of grid hour i.
 */
export function gridIndex(seconds: number, layout: AnswerLayout): number {
  const sinceStart = seconds * 1000 - layout.gridStartMs;
  const hour = Math.round(sinceStart / HOUR_MS) - 1;
  // A server or cache that rounded start/end (nocache ignored) would shift every hour.
  if (Math.abs(sinceStart - (hour + 1) * HOUR_MS) > 1) {
    throw new MalformedAnswer(
      `a point at ${new Date(seconds * 1000).toISOString()} is not on the hour grid (was nocache=1 ignored?)`,
    );
  }
  const index = hour - layout.offset;
  return index < 0 || index >= layout.hours ? -1 : index;
}

/** A value string of the answer; fast for plain decimals, exact (correctly rounded) always. */
function decimal(buf: Buffer, start: number, end: number): number {
  let pos = start;
  const negative = buf[pos] === MINUS;
  if (negative) pos++;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let seenDot = false;
  const first = pos;
  for (; pos < end; pos++) {
    const byte = buf[pos] as number;
    if (byte >= DIGIT_0 && byte <= DIGIT_9) {
      mantissa = mantissa * 10 + (byte - DIGIT_0);
      if (mantissa !== 0) digits++;
      if (seenDot) scale++;
    } else if (byte === DOT && !seenDot && pos > first) {
      seenDot = true;
    } else {
      break;
    }
  }
  const plain = pos === end && pos > first && buf[end - 1] !== DOT && digits <= 15 && scale <= 22;
  if (plain && mantissa < MAX_EXACT_MANTISSA) {
    const value = scale === 0 ? mantissa : mantissa / (EXACT_POWERS_OF_TEN[scale] as number);
    return negative ? -value : value;
  }
  return parseValue(buf.toString('latin1', start, end));
}

export function parseValue(text: string): number {
  if (text === 'NaN') return Number.NaN;
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new MalformedAnswer(`the value ${JSON.stringify(text)} is not a finite number`);
  }
  return value;
}

export function pickLabels(
  metric: Record<string, unknown>,
  by: readonly string[],
): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const label of by) {
    const value = metric[label];
    labels[label] = typeof value === 'string' ? value : '';
  }
  return labels;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
