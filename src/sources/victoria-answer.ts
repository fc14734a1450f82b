// Reads a VictoriaMetrics query_range answer as it arrives: each series of data.result is cut
// out of the byte stream and decoded straight into a Float64Array on the hour grid, so a
// 200 MB answer never becomes a 200 MB string or millions of small arrays. What surrounds
// the result (status, isPartial, resultType, error) is small and goes through JSON.parse at
// the end, which also words what is wrong with a body that is not JSON.
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
import { oneLine } from './victoria-errors.js';

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

export interface AnswerEnvelope {
  readonly isPartial: boolean;
}

/** Longest key worth remembering: only "data" and "result" matter. */
const KEY_CAPTURE_LIMIT = 16;

/**
 * Feed the body with write(), then call end(). Series are handed to onSeries as soon as
 * their last byte arrives, in the order the server wrote them.
 */
export class AnswerReader {
  // Everything outside the result elements, for JSON.parse at the end.
  private readonly envelope: Buffer[] = [];
  private envelopeLength = 0;
  // The envelope's structure: container keys from the root down, and the last string seen.
  private readonly keys: (string | null)[] = [];
  private inString = false;
  private escaped = false;
  private stringBytes: number[] = [];
  private lastString: string | null = null;
  private pendingKey: string | null = null;
  // Inside data.result: between elements, or inside one (depth counts its open containers).
  private inResult = false;
  private elementDepth = 0;
  private readonly elementParts: Buffer[] = [];
  // The start of an element the chunk cut short, waiting for enough bytes to scan it again.
  private readonly carry: Buffer[] = [];
  private carryLength = 0;
  private carryTarget = 0;
  private failure: MalformedAnswer | null = null;

  constructor(
    private readonly layout: AnswerLayout,
    private readonly onSeries: OnAnswerSeries,
  ) {}

  write(chunk: Buffer): void {
    if (this.carry.length > 0) {
      this.carry.push(chunk);
      this.carryLength += chunk.length;
      // Waiting for twice the bytes of the last try keeps rescans linear in the element size.
      if (this.carryLength < this.carryTarget) return;
      this.readChunk(this.takeCarry());
      return;
    }
    this.readChunk(chunk);
  }

  private readChunk(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      pos = this.inResult ? this.readResult(chunk, pos) : this.readEnvelope(chunk, pos);
    }
  }

  private takeCarry(): Buffer {
    const joined = Buffer.concat(this.carry, this.carryLength);
    this.carry.length = 0;
    this.carryLength = 0;
    return joined;
  }

  /** Checks the envelope and returns it; throws MalformedAnswer for an unusable answer. */
  end(): AnswerEnvelope {
    if (this.carry.length > 0) {
      this.carryTarget = 0;
      this.readChunk(this.takeCarry());
      // Still cut short: the body ended inside an element, and the envelope says so below.
      if (this.carry.length > 0) this.takeCarry();
    }
    const text = Buffer.concat(this.envelope, this.envelopeLength).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const start =
        text.length === 0
          ? 'an empty body'
          : `a body starting ${JSON.stringify(oneLine(text.slice(0, 80)))}`;
      const what = endsTooSoon(reason, text.length) ? 'truncated JSON' : 'not JSON';
      throw new MalformedAnswer(`${what} (${reason}; got ${start})`);
    }
    if (!isRecord(json)) throw new MalformedAnswer('not a JSON object');
    if (json.status !== 'success') {
      const error = typeof json.error === 'string' ? `: ${oneLine(json.error)}` : '';
      throw new MalformedAnswer(`status ${JSON.stringify(json.status)}${error}`);
    }
    const data = json.data;
    if (!isRecord(data) || data.resultType !== 'matrix' || !Array.isArray(data.result)) {
      throw new MalformedAnswer('expected data.resultType "matrix" with a result array');
    }
    // Elements the stream did not cut out (an unusual layout) are read here instead.
    for (const item of data.result) this.readParsedElement(item);
    if (this.failure) throw this.failure;
    return { isPartial: json.isPartial === true };
  }

  /** Copies envelope bytes until data.result opens; returns where it stopped. */
  private readEnvelope(chunk: Buffer, from: number): number {
    for (let pos = from; pos < chunk.length; pos++) {
      const byte = chunk[pos] as number;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) {
          this.inString = false;
          this.lastString = String.fromCharCode(...this.stringBytes);
          continue;
        }
        if (this.stringBytes.length < KEY_CAPTURE_LIMIT) this.stringBytes.push(byte);
        continue;
      }
      switch (byte) {
        case QUOTE:
          this.inString = true;
          this.stringBytes = [];
          break;
        case COLON:
          this.pendingKey = this.lastString;
          break;
        case COMMA:
          this.pendingKey = null;
          break;
        case OPEN_BRACE:
          this.keys.push(this.pendingKey);
          this.pendingKey = null;
          break;
        case OPEN_BRACKET:
          if (this.opensResult()) {
            this.keep(chunk, from, pos + 1);
            this.inResult = true;
            return pos + 1;
          }
          this.keys.push(this.pendingKey);
          this.pendingKey = null;
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          this.keys.pop();
          break;
      }
    }
    this.keep(chunk, from, chunk.length);
    return chunk.length;
  }

  /** `"result": [` directly inside `"data": {` inside the root object. */
  private opensResult(): boolean {
    return (
      this.pendingKey === 'result' &&
      this.keys.length === 2 &&
      this.keys[0] === null &&
      this.keys[1] === 'data'
    );
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    if (end <= start) return;
    // A copy: the chunk's memory belongs to the stream.
    const part = Buffer.from(chunk.subarray(start, end));
    this.envelope.push(part);
    this.envelopeLength += part.length;
  }

  /** Cuts result elements out of the chunk; returns where it stopped (after the result's `]`). */
  private readResult(chunk: Buffer, from: number): number {
    let pos = from;
    let elementStart = this.elementDepth > 0 ? from : -1;
    while (pos < chunk.length) {
      const byte = chunk[pos] as number;
      if (this.elementDepth === 0) {
        if (byte === OPEN_BRACE) {
          // Usually the element is scanned in place, in one pass; the general path below
          // first finds its end, then parses it.
          const next = this.failure ? FALLBACK : this.scanInPlace(chunk, pos);
          if (next >= 0) {
            pos = next;
            continue;
          }
          if (next === NEED_MORE) {
            this.carry.push(chunk.subarray(pos));
            this.carryLength = chunk.length - pos;
            this.carryTarget = 2 * this.carryLength;
            return chunk.length;
          }
          this.elementDepth = 1;
          elementStart = pos;
        } else if (byte === CLOSE_BRACKET) {
          // The result array closes: back to the envelope, which keeps `]` as `"result":[]`.
          this.inResult = false;
          this.keys.push(null);
          return pos;
        } else if (byte !== COMMA && !isSpace(byte)) {
          this.fail(new MalformedAnswer('a result without metric and values'));
        }
        pos++;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
      } else if (byte === QUOTE) {
        this.inString = true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        this.elementDepth++;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.elementDepth--;
        if (this.elementDepth === 0) {
          this.finishElement(chunk, elementStart, pos + 1);
          elementStart = -1;
        }
      }
      pos++;
    }
    if (this.elementDepth > 0 && elementStart >= 0) {
      this.elementParts.push(Buffer.from(chunk.subarray(elementStart, chunk.length)));
    }
    return pos;
  }

  /** The element's end, or NEED_MORE when the chunk stops inside it, or FALLBACK. */
  private scanInPlace(chunk: Buffer, start: number): number {
    try {
      return new ElementScanner(chunk, start, chunk.length, this.layout).scanOne(this.onSeries);
    } catch (error) {
      if (!(error instanceof MalformedAnswer)) throw error;
      this.fail(error);
      return FALLBACK;
    }
  }

  private finishElement(chunk: Buffer, start: number, end: number): void {
    let buf = chunk;
    let from = start;
    let to = end;
    if (this.elementParts.length > 0) {
      this.elementParts.push(chunk.subarray(start, end));
      buf = Buffer.concat(this.elementParts);
      this.elementParts.length = 0;
      from = 0;
      to = buf.length;
    }
    if (this.failure) return;
    try {
      if (new ElementScanner(buf, from, to, this.layout).scanOne(this.onSeries) !== to) {
        let item: unknown;
        try {
          item = JSON.parse(buf.toString('utf8', from, to));
        } catch {
          throw new MalformedAnswer('a result without metric and values');
        }
        this.readParsedElement(item);
      }
    } catch (error) {
      if (!(error instanceof MalformedAnswer)) throw error;
      this.fail(error);
    }
  }

  /** The general path for one element of data.result, from its parsed JSON. */
  private readParsedElement(item: unknown): void {
    if (this.failure) return;
    try {
      if (!isRecord(item) || !isRecord(item.metric) || !Array.isArray(item.values)) {
        throw new MalformedAnswer('a result without metric and values');
      }
      const labels = pickLabels(item.metric, this.layout.by);
      const values = new Float64Array(this.layout.hours).fill(Number.NaN);
      let any = false;
      for (const point of item.values) {
        if (!Array.isArray(point) || typeof point[0] !== 'number' || typeof point[1] !== 'string') {
          throw new MalformedAnswer('a point that is not [timestamp, "value"]');
        }
        const index = gridIndex(point[0], this.layout);
        if (index < 0) continue;
        const value = parseValue(point[1]);
        if (Number.isNaN(value)) continue;
        values[index] = value;
        any = true;
      }
      if (any) this.onSeries(labels, values);
    } catch (error) {
      if (!(error instanceof MalformedAnswer)) throw error;
      this.fail(error);
    }
  }

  private fail(error: MalformedAnswer): void {
    this.failure ??= error;
  }
}

/**
 * The usual layout of one element, byte by byte:
 * `{"metric":{...},"values":[[1767225600,"12.5"],...]}`. scan() returns false when the element
 * needs the general parser; it throws MalformedAnswer for points that are wrong either way.
 */
const NEED_MORE = -2;
const FALLBACK = -1;

class ElementScanner {
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
function gridIndex(seconds: number, layout: AnswerLayout): number {
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

function parseValue(text: string): number {
  if (text === 'NaN') return Number.NaN;
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new MalformedAnswer(`the value ${JSON.stringify(text)} is not a finite number`);
  }
  return value;
}

function pickLabels(
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

/** Whether JSON.parse failed because the text stopped, rather than because it was not JSON. */
function endsTooSoon(reason: string, length: number): boolean {
  if (/end of JSON input|Unterminated/i.test(reason)) return true;
  const position = /at position (\d+)/.exec(reason)?.[1];
  return position !== undefined && Number(position) >= length;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
