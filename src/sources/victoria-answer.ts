// Reads a VictoriaMetrics query_range answer as it arrives: each series of data.result is cut
// out of the byte stream and decoded straight into a Float64Array on the hour grid, so a
// 200 MB answer never becomes a 200 MB string or millions of small arrays. What surrounds
// the result (status, isPartial, resultType, error) is small and goes through JSON.parse at
// the end, which also words what is wrong with a body that is not JSON.

import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  isSpace,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from './json-bytes.js';
import {
  type AnswerLayout,
  ElementScanner,
  FALLBACK,
  gridIndex,
  isRecord,
  MalformedAnswer,
  NEED_MORE,
  type OnAnswerSeries,
  parseValue,
  pickLabels,
} from './victoria-answer-element.js';
import { oneLine } from './victoria-errors.js';

export {
  type AnswerLayout,
  MalformedAnswer,
  type OnAnswerSeries,
} from './victoria-answer-element.js';

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

/** Whether JSON.parse failed because the text stopped, rather than because it was not JSON. */
function endsTooSoon(reason: string, length: number): boolean {
  if (/end of JSON input|Unterminated/i.test(reason)) return true;
  const position = /at position (\d+)/.exec(reason)?.[1];
  return position !== undefined && Number(position) >= length;
}
