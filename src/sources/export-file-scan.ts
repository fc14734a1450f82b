// Reads one line of a VictoriaMetrics export (`{"metric":{...},"values":[...],"timestamps":[...]}`)
// straight from the bytes: numbers land in reused arrays, and a line whose series is not wanted
// is skipped without reading its samples. Anything unusual goes to JSON.parse, which also
// explains what is wrong with a bad line.

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
  LOWER_E,
  MAX_EXACT_MANTISSA,
  MINUS,
  OPEN_BRACE,
  OPEN_BRACKET,
  PLUS,
  QUOTE,
  UPPER_E,
} from './json-bytes.js';

/** What a line says about its series; the caller decides whether its samples are wanted. */
export interface LineSeries {
  /** The metric object's source text: a cheap key for series seen before. */
  readonly rawMetric: string;
}

export class BadLine extends Error {}

/**
 * Decides from the metric object's text whether a line's samples are needed. Returns a
 * truthy handle when they are.
 */
export type WantSeries<T> = (rawMetric: string) => T | null;

export interface ScannedLine<T> {
  readonly handle: T | null;
  /** Number of samples in timestamps/values (0 when the series is not wanted). */
  readonly count: number;
}

export class LineScanner {
  timestamps = new Float64Array(1024);
  values = new Float64Array(1024);
  private pos = 0;
  private buf: Buffer = Buffer.alloc(0);

  /** Reads buf[start, end). Throws BadLine with a reason when the line is not a valid export line. */
  scan<T>(buf: Buffer, start: number, end: number, want: WantSeries<T>): ScannedLine<T> {
    const fast = this.scanFast(buf, start, end, want);
    if (fast) return fast;
    return this.scanSlow(buf.toString('utf8', start, end), want);
  }

  /** The usual layout, byte by byte; undefined when the line needs the general parser. */
  private scanFast<T>(
    buf: Buffer,
    start: number,
    end: number,
    want: WantSeries<T>,
  ): ScannedLine<T> | undefined {
    this.buf = buf;
    this.pos = start;
    let handle: T | null = null;
    let decided = false;
    let valueCount = -1;
    let timestampCount = -1;
    if (!this.expect(OPEN_BRACE, end)) return undefined;
    for (;;) {
      this.skipSpace(end);
      if (this.pos >= end || buf[this.pos] !== QUOTE) return undefined;
      const keyStart = this.pos + 1;
      const keyEnd = buf.indexOf(QUOTE, keyStart);
      if (keyEnd < 0 || keyEnd >= end) return undefined;
      const keyLength = keyEnd - keyStart;
      this.pos = keyEnd + 1;
      if (!this.expect(COLON, end)) return undefined;
      this.skipSpace(end);
      if (keyLength === 6 && buf.toString('latin1', keyStart, keyEnd) === 'metric') {
        if (decided) return undefined;
        const metricStart = this.pos;
        if (!this.skipFlatObject(end)) return undefined;
        handle = want(buf.toString('utf8', metricStart, this.pos));
        decided = true;
      } else if (keyLength === 6 && buf.toString('latin1', keyStart, keyEnd) === 'values') {
        if (!decided || valueCount >= 0) return undefined;
        valueCount = handle === null ? this.skipArray(end) : this.readNumbers(end, false);
        if (valueCount < 0) return undefined;
      } else if (keyLength === 10 && buf.toString('latin1', keyStart, keyEnd) === 'timestamps') {
        if (!decided || timestampCount >= 0) return undefined;
        timestampCount = handle === null ? this.skipArray(end) : this.readNumbers(end, true);
        if (timestampCount < 0) return undefined;
      } else {
        return undefined;
      }
      this.skipSpace(end);
      const next = buf[this.pos];
      this.pos++;
      if (next === COMMA) continue;
      if (next !== CLOSE_BRACE) return undefined;
      this.skipSpace(end);
      if (this.pos !== end || valueCount < 0 || timestampCount < 0) return undefined;
      if (handle !== null && valueCount !== timestampCount) return undefined;
      return { handle, count: handle === null ? 0 : valueCount };
    }
  }

  private scanSlow<T>(text: string, want: WantSeries<T>): ScannedLine<T> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new BadLine(`not JSON (${(error as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new BadLine('expected an object {"metric":{...},"values":[...],"timestamps":[...]}');
    }
    const line = parsed as Record<string, unknown>;
    const metric = line.metric;
    if (typeof metric !== 'object' || metric === null || Array.isArray(metric)) {
      throw new BadLine('"metric" must be an object of label names to strings');
    }
    for (const [name, value] of Object.entries(metric)) {
      if (typeof value !== 'string') throw new BadLine(`label "${name}" must be a string`);
    }
    if (typeof (metric as Record<string, unknown>).__name__ !== 'string') {
      throw new BadLine('"metric" has no "__name__"');
    }
    const values = numberArray(line.values, 'values');
    const timestamps = numberArray(line.timestamps, 'timestamps');
    if (values.length !== timestamps.length) {
      throw new BadLine(
        `"values" has ${values.length} numbers but "timestamps" has ${timestamps.length}`,
      );
    }
    timestamps.forEach((timestamp, i) => {
      if (!Number.isSafeInteger(timestamp)) {
        throw new BadLine(`timestamps[${i}] is not whole milliseconds: ${timestamp}`);
      }
    });
    const handle = want(JSON.stringify(metric));
    if (handle === null) return { handle, count: 0 };
    this.ensureCapacity(values.length);
    this.values.set(values);
    this.timestamps.set(timestamps);
    return { handle, count: values.length };
  }

  private expect(byte: number, end: number): boolean {
    this.skipSpace(end);
    if (this.pos >= end || this.buf[this.pos] !== byte) return false;
    this.pos++;
    return true;
  }

  private skipSpace(end: number): void {
    const buf = this.buf;
    let pos = this.pos;
    while (pos < end) {
      const byte = buf[pos] as number;
      if (!isSpace(byte)) break;
      pos++;
    }
    this.pos = pos;
  }

  /** An object of string values, as labels are; escapes and nesting go to the general parser. */
  private skipFlatObject(end: number): boolean {
    const buf = this.buf;
    if (buf[this.pos] !== OPEN_BRACE) return false;
    let pos = this.pos + 1;
    let inString = false;
    while (pos < end) {
      const byte = buf[pos] as number;
      if (inString) {
        if (byte === QUOTE) inString = false;
        else if (byte === BACKSLASH) return false;
      } else if (byte === QUOTE) {
        inString = true;
      } else if (byte === CLOSE_BRACE) {
        this.pos = pos + 1;
        return true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        return false;
      }
      pos++;
    }
    return false;
  }

  /** Skips an array of numbers; returns 0 (the count is not needed) or -1. */
  private skipArray(end: number): number {
    if (this.buf[this.pos] !== OPEN_BRACKET) return -1;
    const close = this.buf.indexOf(CLOSE_BRACKET, this.pos);
    if (close < 0 || close >= end) return -1;
    this.pos = close + 1;
    return 0;
  }

  /** Reads a JSON array of numbers into timestamps or values; -1 when it is not one. */
  private readNumbers(end: number, intoTimestamps: boolean): number {
    const buf = this.buf;
    if (buf[this.pos] !== OPEN_BRACKET) return -1;
    this.pos++;
    let n = 0;
    this.skipSpace(end);
    if (buf[this.pos] === CLOSE_BRACKET) {
      this.pos++;
      return 0;
    }
    for (;;) {
      this.skipSpace(end);
      const value = this.readNumber(end);
      if (Number.isNaN(value)) return -1;
      if (intoTimestamps && !Number.isSafeInteger(value)) return -1;
      if (n >= this.values.length) this.ensureCapacity(n + 1);
      if (intoTimestamps) this.timestamps[n] = value;
      else this.values[n] = value;
      n++;
      this.skipSpace(end);
      const next = buf[this.pos];
      this.pos++;
      if (next === COMMA) continue;
      if (next === CLOSE_BRACKET) return n;
      return -1;
    }
  }

  /** One JSON number; NaN when the bytes are not one. Exact (correctly rounded) either way. */
  private readNumber(end: number): number {
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    let negative = false;
    if (buf[pos] === MINUS) {
      negative = true;
      pos++;
    }
    let mantissa = 0;
    let digits = 0;
    let scale = 0;
    const intStart = pos;
    while (pos < end) {
      const byte = buf[pos] as number;
      if (byte < DIGIT_0 || byte > DIGIT_9) break;
      mantissa = mantissa * 10 + (byte - DIGIT_0);
      if (mantissa !== 0) digits++;
      pos++;
    }
    if (pos === intStart) return Number.NaN;
    if (buf[intStart] === DIGIT_0 && pos - intStart > 1) return Number.NaN;
    let simple = true;
    if (buf[pos] === DOT) {
      pos++;
      const fracStart = pos;
      while (pos < end) {
        const byte = buf[pos] as number;
        if (byte < DIGIT_0 || byte > DIGIT_9) break;
        mantissa = mantissa * 10 + (byte - DIGIT_0);
        if (mantissa !== 0) digits++;
        scale++;
        pos++;
      }
      if (pos === fracStart) return Number.NaN;
    }
    const byte = buf[pos];
    if (byte === LOWER_E || byte === UPPER_E) {
      pos++;
      if (buf[pos] === MINUS || buf[pos] === PLUS) pos++;
      const expStart = pos;
      while (pos < end && (buf[pos] as number) >= DIGIT_0 && (buf[pos] as number) <= DIGIT_9) pos++;
      if (pos === expStart) return Number.NaN;
      simple = false;
    }
    this.pos = pos;
    if (simple && digits <= 15 && mantissa < MAX_EXACT_MANTISSA && scale <= 22) {
      const value = scale === 0 ? mantissa : mantissa / (EXACT_POWERS_OF_TEN[scale] as number);
      return negative ? -value : value;
    }
    return Number(buf.toString('latin1', start, pos));
  }

  private ensureCapacity(n: number): void {
    if (n <= this.values.length) return;
    let size = this.values.length;
    while (size < n) size *= 2;
    const timestamps = new Float64Array(size);
    timestamps.set(this.timestamps);
    const values = new Float64Array(size);
    values.set(this.values);
    this.timestamps = timestamps;
    this.values = values;
  }
}

function numberArray(value: unknown, field: string): number[] {
  if (!Array.isArray(value)) throw new BadLine(`"${field}" must be an array of numbers`);
  value.forEach((item, i) => {
    if (typeof item !== 'number') {
      throw new BadLine(`${field}[${i}] is not a number: ${JSON.stringify(item)}`);
    }
  });
  return value as number[];
}
