// Reads a VictoriaMetrics query_range answer as it arrives: the series of data.result are cut
// out of the byte stream in batches of about 64 KB, each batch's points put straight into a
// Float64Array per series on the report's buckets, so a 200 MB answer never becomes a 200 MB
// string or millions of live arrays. A batch in VictoriaMetrics' compact layout is read by the
// byte scanner of victoria-scan.ts, which makes nothing per point (6-7x less CPU than
// JSON.parse on recorded bench answers); any other batch, and what surrounds the result
// (status, isPartial, resultType, error), goes through JSON.parse, which words what is wrong.

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
import { endsTooSoon, oneLine } from './victoria-errors.js';
import { labelPositions, scanElements } from './victoria-scan.js';

export class MalformedAnswer extends Error {}

export interface AnswerLayout {
  /** The request's first point and step: point j is at startMs + j * stepMs. */
  readonly startMs: number;
  readonly stepMs: number;
  /** Points [skip, skip + count) are delivered; the others only looked back or ahead. */
  readonly skip: number;
  readonly count: number;
  /** Labels kept from each series, in order; a label a series lacks is "". */
  readonly by: readonly string[];
}

export type OnAnswerSeries = (labels: Record<string, string>, values: Float64Array) => void;

export interface AnswerEnvelope {
  readonly isPartial: boolean;
}

export interface AnswerReaderOptions {
  /** False: every batch through JSON.parse, as tests compare the scanner with. */
  readonly scan?: boolean;
}

/** Longest key worth remembering: only "data" and "result" matter. */
const KEY_CAPTURE_LIMIT = 16;
/** Whole series are parsed together once this many bytes of them have arrived. */
const BATCH_BYTES = 64 * 1024;
/** Between two elements of a batch that the stream cut apart. */
const SEPARATOR = Buffer.from(',');
const EMPTY = Buffer.alloc(0);
/** Where one element of a compact answer ends and the next begins. */
const ELEMENT_BOUNDARY = Buffer.from('},{"metric":');

/**
 * Feed the body with write(), then call end(). Series are handed to onSeries batch by batch
 * (at most about 64 KB after their last byte arrived, and all of them by the result's end),
 * in the order the server wrote them.
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
  // The batch: bytes from its first element's `{` to the end of its last complete element,
  // copied from earlier chunks (the current chunk's part is only sliced when it is parsed).
  private readonly batchParts: Buffer[] = [];
  private batchLength = 0;
  private failure: MalformedAnswer | null = null;
  private readonly labelIndex: ReadonlyMap<string, number>;
  private readonly scan: boolean;

  constructor(
    private readonly layout: AnswerLayout,
    private readonly onSeries: OnAnswerSeries,
    options: AnswerReaderOptions = {},
  ) {
    this.labelIndex = labelPositions(layout.by);
    this.scan = options.scan !== false;
  }

  write(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      pos = this.inResult ? this.readResult(chunk, pos) : this.readEnvelope(chunk, pos);
    }
  }

  /** Checks the envelope and returns it; throws MalformedAnswer for an unusable answer. */
  end(): AnswerEnvelope {
    // A body that ends inside data.result leaves its last batch unread: the envelope below
    // is then cut short too, and says so.
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
  private readResult(chunk: Buffer, start: number): number {
    const from = this.cutAtLastBoundary(chunk, start);
    // This chunk's part of the batch: from its first element's `{` (or from the chunk's start,
    // inside an element an earlier chunk opened) to the end of its last complete element.
    let batchStart = this.elementDepth > 0 ? from : -1;
    let batchEnd = -1;
    for (let pos = from; pos < chunk.length; pos++) {
      const byte = chunk[pos] as number;
      if (this.elementDepth === 0) {
        if (byte === OPEN_BRACE) {
          this.elementDepth = 1;
          if (batchStart < 0) {
            if (this.batchLength > 0) this.keepInBatch(SEPARATOR);
            batchStart = pos;
          }
        } else if (byte === CLOSE_BRACKET) {
          // The result array closes: back to the envelope, which keeps `]` as `"result":[]`.
          if (batchEnd >= 0) this.parseBatch(chunk.subarray(batchStart, batchEnd));
          else if (this.batchLength > 0) this.parseBatch(EMPTY);
          this.inResult = false;
          this.keys.push(null);
          return pos;
        } else if (byte !== COMMA && !isSpace(byte)) {
          this.fail(new MalformedAnswer('a result without metric and values'));
        }
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
          batchEnd = pos + 1;
          if (this.batchLength + batchEnd - batchStart >= BATCH_BYTES) {
            this.parseBatch(chunk.subarray(batchStart, batchEnd));
            batchStart = -1;
            batchEnd = -1;
          }
        }
      }
    }
    // Keep what the next chunk continues: an open element, or complete ones not parsed yet.
    // A copy: the chunk's memory belongs to the stream.
    if (this.elementDepth > 0) this.keepInBatch(Buffer.from(chunk.subarray(batchStart)));
    else if (batchEnd >= 0) this.keepInBatch(Buffer.from(chunk.subarray(batchStart, batchEnd)));
    return chunk.length;
  }

  /**
   * The fast path, for VictoriaMetrics' compact layout: everything up to the chunk's last
   * `},{"metric":` is whole elements, parsed as one batch without looking at each byte; the
   * byte loop then only frames the rest of the chunk. The sequence cannot sit inside a
   * string, where a quote is escaped, and in valid JSON a string's closing quote cannot be
   * followed by `metric`: so its `}` ends an element of data.result, the only place whose
   * objects have a "metric" key. Returns where the byte loop takes over.
   */
  private cutAtLastBoundary(chunk: Buffer, from: number): number {
    let first = from;
    if (this.elementDepth === 0) {
      while (first < chunk.length && (chunk[first] === COMMA || isSpace(chunk[first] as number))) {
        first++;
      }
      if (chunk[first] !== OPEN_BRACE) return from;
    }
    const boundary = chunk.lastIndexOf(ELEMENT_BOUNDARY);
    if (boundary < first) return from;
    if (this.elementDepth === 0 && this.batchLength > 0) this.keepInBatch(SEPARATOR);
    this.parseBatch(chunk.subarray(first, boundary + 1));
    this.elementDepth = 0;
    this.inString = false;
    this.escaped = false;
    return boundary + 1;
  }

  private keepInBatch(part: Buffer): void {
    this.batchParts.push(part);
    this.batchLength += part.length;
  }

  /** Parses the batch: its kept parts, then the current chunk's complete elements. */
  private parseBatch(tail: Buffer): void {
    const bytes =
      this.batchParts.length === 0
        ? tail
        : Buffer.concat([...this.batchParts, tail], this.batchLength + tail.length);
    this.batchParts.length = 0;
    this.batchLength = 0;
    if (this.failure) return;
    const scanned = this.scan ? scanElements(bytes, this.layout, this.labelIndex) : null;
    if (scanned !== null) {
      for (const series of scanned) this.onSeries(series.labels, series.values);
      return;
    }
    let items: unknown;
    try {
      items = JSON.parse(`[${bytes.toString('utf8')}]`);
    } catch {
      this.fail(new MalformedAnswer('a result without metric and values'));
      return;
    }
    for (const item of items as unknown[]) this.readParsedElement(item);
  }

  /** One element of data.result, from its parsed JSON. */
  private readParsedElement(item: unknown): void {
    if (this.failure) return;
    try {
      if (!isRecord(item) || !isRecord(item.metric) || !Array.isArray(item.values)) {
        throw new MalformedAnswer('a result without metric and values');
      }
      const labels = pickLabels(item.metric, this.layout.by);
      const values = new Float64Array(this.layout.count).fill(Number.NaN);
      let any = false;
      for (const point of item.values) {
        if (!Array.isArray(point) || typeof point[0] !== 'number' || typeof point[1] !== 'string') {
          throw new MalformedAnswer('a point that is not [timestamp, "value"]');
        }
        // Checked in looked-around points too: one impossible point makes the whole answer suspect.
        const value = parseIncrease(point[1], point[0]);
        const index = pointIndex(point[0], this.layout);
        if (index < 0) continue;
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

/** Index into the delivered values of the point at `seconds`, or -1 for a point looked around. */
function pointIndex(seconds: number, layout: AnswerLayout): number {
  const sinceStart = seconds * 1000 - layout.startMs;
  const point = Math.round(sinceStart / layout.stepMs);
  // A server or cache that rounded start/end (nocache ignored) would shift every bucket.
  if (Math.abs(sinceStart - point * layout.stepMs) > 1) {
    throw new MalformedAnswer(
      `a point at ${instant(seconds)} is not on the requested step (was nocache=1 ignored?)`,
    );
  }
  const index = point - layout.skip;
  return index < 0 || index >= layout.count ? -1 : index;
}

// How VictoriaMetrics writes a float: no sign but '-', no hex, no blanks, no empty string
// (all of which Number() would take).
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The value of one point of `sum(increase(...))`. increase() is never negative and
 * VictoriaMetrics leaves hours without data out rather than writing NaN, so a negative, NaN,
 * infinite or unreadable value means the answer is not what was asked for: using it would
 * lower a cost, or pass a gate, on data that cannot be true.
 */
function parseIncrease(text: string, seconds: number): number {
  const at = `at ${instant(seconds)}`;
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) {
    const shown = JSON.stringify(oneLine(text).slice(0, 40));
    throw new MalformedAnswer(`the value ${shown} ${at} is not a finite number`);
  }
  if (value < 0) {
    throw new MalformedAnswer(`the value ${text} ${at} is negative, and an increase() never is`);
  }
  return value;
}

/** A point's time for a message; a server's nonsense timestamp must not throw here. */
function instant(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `${seconds} s` : date.toISOString();
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
