// The answer reader's fast path: whole elements of a query_range answer's data.result in
// VictoriaMetrics' compact layout, `{"metric":{"k":"v",...},"values":[[1767225600,"12.5"],...]}`,
// read straight from the bytes into one Float64Array per series. No object, array or string is
// made per point, which is what JSON.parse costs on answers of millions of points.
//
// It takes only what it can read exactly as JSON.parse and the reader's checks would: the
// compact layout, strictly valid JSON, timestamps on the requested step and values that are
// plain non-negative decimals. Anything else (white space, other keys or key orders, a
// negative, NaN or infinite value, a point off the step) makes it give the batch up, and the
// reader parses that batch with JSON.parse instead, which also words what is wrong. Pure.
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
  LOWER_E,
  MAX_EXACT_MANTISSA,
  MINUS,
  OPEN_BRACKET,
  PLUS,
  QUOTE,
  UPPER_E,
} from './json-bytes.js';

/** Where the points of one request go: see AnswerLayout in victoria-answer.ts. */
export interface ScanLayout {
  readonly startMs: number;
  readonly stepMs: number;
  readonly skip: number;
  readonly count: number;
  readonly by: readonly string[];
}

export interface ScannedSeries {
  readonly labels: Record<string, string>;
  readonly values: Float64Array;
}

/** Returned by a read that met something only the general parser may judge. */
const GIVE_UP = -1;
/** pointIndex(): a point only looked back or ahead from, not delivered. */
const AROUND = -2;
const METRIC_PREFIX = Buffer.from('{"metric":{');
const VALUES_KEY = Buffer.from(',"values":[');
/** The characters after a backslash that JSON allows, besides `u` and four hex digits. */
const SIMPLE_ESCAPES = new Set([...'"\\/bfnrt'].map((c) => c.charCodeAt(0)));
const LOWER_U = 0x75;
/** Exponents beyond this are left to Number(): the value is then not an exact small decimal. */
const EXPONENT_CAP = 1_000;

/**
 * The series of a batch of whole elements separated by single commas, in order, each with at
 * least one point in [skip, skip + count): or null when any part of the batch is not the
 * compact layout of valid JSON, or holds a value or timestamp the reader would refuse.
 */
export function scanElements(
  bytes: Uint8Array,
  layout: ScanLayout,
  labelIndex: ReadonlyMap<string, number>,
): ScannedSeries[] | null {
  const scanner = new ElementScanner(bytes, layout, labelIndex);
  const series: ScannedSeries[] = [];
  if (bytes.length === 0) return series;
  let pos = 0;
  for (;;) {
    pos = scanner.element(pos, series);
    if (pos === GIVE_UP) return null;
    if (pos === bytes.length) return series;
    if (bytes[pos] !== COMMA) return null;
    pos++;
  }
}

/** The label names of a layout by position, for scanElements. */
export function labelPositions(by: readonly string[]): Map<string, number> {
  return new Map(by.map((label, index) => [label, index]));
}

class ElementScanner {
  private readonly buffer: Buffer;
  private readonly stepMs: number;
  private readonly startMs: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly layout: ScanLayout,
    private readonly labelIndex: ReadonlyMap<string, number>,
  ) {
    this.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    this.stepMs = layout.stepMs;
    this.startMs = layout.startMs;
  }

  /** Reads one element from `pos`; returns where it ends, or GIVE_UP. */
  element(from: number, out: ScannedSeries[]): number {
    const { bytes, layout } = this;
    if (!this.startsWith(from, METRIC_PREFIX)) return GIVE_UP;
    const found: (string | undefined)[] = new Array(layout.by.length);
    let pos = this.labels(from + METRIC_PREFIX.length, found);
    if (pos === GIVE_UP || !this.startsWith(pos, VALUES_KEY)) return GIVE_UP;
    pos += VALUES_KEY.length;
    const values = new Float64Array(layout.count).fill(Number.NaN);
    let any = false;
    if (bytes[pos] === CLOSE_BRACKET) {
      pos++;
    } else {
      for (;;) {
        if (bytes[pos] !== OPEN_BRACKET) return GIVE_UP;
        const stampEnd = this.timestampEnd(pos + 1);
        if (stampEnd === GIVE_UP || bytes[stampEnd] !== COMMA) return GIVE_UP;
        const index = this.pointIndex(pos + 1, stampEnd);
        if (index === GIVE_UP) return GIVE_UP;
        pos = stampEnd + 1;
        if (bytes[pos] !== QUOTE) return GIVE_UP;
        const value = this.decimal(pos + 1);
        if (value === GIVE_UP) return GIVE_UP;
        pos = this.decimalEnd;
        if (bytes[pos] !== QUOTE || bytes[pos + 1] !== CLOSE_BRACKET) return GIVE_UP;
        pos += 2;
        if (index !== AROUND) {
          values[index] = value;
          any = true;
        }
        if (bytes[pos] === COMMA) {
          pos++;
          continue;
        }
        if (bytes[pos] !== CLOSE_BRACKET) return GIVE_UP;
        pos++;
        break;
      }
    }
    if (bytes[pos] !== CLOSE_BRACE) return GIVE_UP;
    if (any) {
      const labels: Record<string, string> = {};
      for (const label of layout.by)
        labels[label] = found[this.labelIndex.get(label) as number] ?? '';
      out.push({ labels, values });
    }
    return pos + 1;
  }

  /** The labels object's members after its `{`; returns where `}` ends it. */
  private labels(from: number, found: (string | undefined)[]): number {
    const { bytes } = this;
    let pos = from;
    if (bytes[pos] === CLOSE_BRACE) return pos + 1;
    for (;;) {
      if (bytes[pos] !== QUOTE) return GIVE_UP;
      const keyEnd = this.stringEnd(pos + 1);
      if (keyEnd === GIVE_UP || bytes[keyEnd + 1] !== COLON || bytes[keyEnd + 2] !== QUOTE) {
        return GIVE_UP;
      }
      const key = this.text(pos + 1, keyEnd);
      if (key === null) return GIVE_UP;
      const valueEnd = this.stringEnd(keyEnd + 3);
      if (valueEnd === GIVE_UP) return GIVE_UP;
      const index = this.labelIndex.get(key);
      if (index !== undefined) {
        // A key given twice keeps its last value, as JSON.parse does.
        const value = this.text(keyEnd + 3, valueEnd);
        if (value === null) return GIVE_UP;
        found[index] = value;
      }
      pos = valueEnd + 1;
      if (bytes[pos] === COMMA) {
        pos++;
        continue;
      }
      return bytes[pos] === CLOSE_BRACE ? pos + 1 : GIVE_UP;
    }
  }

  /** Whether the string stringEnd() last found holds a backslash escape. */
  private escaped = false;

  /**
   * Where the string whose text starts at `from` ends (its closing quote), or GIVE_UP for a
   * control character, which JSON does not allow unescaped, an escape JSON does not have, or
   * bytes that stop first.
   */
  private stringEnd(from: number): number {
    const { bytes } = this;
    this.escaped = false;
    for (let pos = from; pos < bytes.length; pos++) {
      const byte = bytes[pos] as number;
      if (byte === QUOTE) return pos;
      if (byte < 0x20) return GIVE_UP;
      if (byte === BACKSLASH) {
        // Every escape is checked, in labels not kept too: JSON.parse refuses a body with a bad one.
        this.escaped = true;
        const escaped = bytes[++pos];
        if (escaped === LOWER_U) {
          for (let i = 0; i < 4; i++) if (!isHexDigit(bytes[++pos])) return GIVE_UP;
        } else if (escaped === undefined || !SIMPLE_ESCAPES.has(escaped)) {
          return GIVE_UP;
        }
      }
    }
    return GIVE_UP;
  }

  /**
   * The string between the quotes at from - 1 and `end`, right after stringEnd() found it;
   * null when its escapes are not JSON.
   */
  private text(from: number, end: number): string | null {
    if (!this.escaped) return this.buffer.toString('utf8', from, end);
    try {
      return JSON.parse(this.buffer.toString('utf8', from - 1, end + 1)) as string;
    } catch {
      return null;
    }
  }

  /** The end of a timestamp as VictoriaMetrics writes it: whole seconds, or with a fraction. */
  private timestampEnd(from: number): number {
    const { bytes } = this;
    let pos = from;
    // JSON allows no leading zero, and a point at the epoch is no point of a report.
    if (!isDigit(bytes[pos]) || bytes[pos] === DIGIT_0) return GIVE_UP;
    while (isDigit(bytes[pos])) pos++;
    if (bytes[pos] === DOT) {
      pos++;
      if (!isDigit(bytes[pos])) return GIVE_UP;
      while (isDigit(bytes[pos])) pos++;
    }
    return pos;
  }

  /**
   * The index into the delivered values of the point whose timestamp is bytes[from, end),
   * AROUND for a point only looked back or ahead from, GIVE_UP for one off the step (the
   * reader words that).
   */
  private pointIndex(from: number, end: number): number {
    const { bytes, stepMs, layout } = this;
    let seconds = 0;
    let pos = from;
    while (pos < end && bytes[pos] !== DOT)
      seconds = seconds * 10 + ((bytes[pos++] as number) - DIGIT_0);
    if (pos < end) seconds = Number(this.buffer.toString('latin1', from, end));
    const sinceStart = seconds * 1000 - this.startMs;
    const point = Math.round(sinceStart / stepMs);
    if (Math.abs(sinceStart - point * stepMs) > 1) return GIVE_UP;
    const index = point - layout.skip;
    return index < 0 || index >= layout.count ? AROUND : index;
  }

  /** After decimal(): where the value's text ended. */
  private decimalEnd = 0;

  /**
   * A value as the reader takes it, Number() of a plain decimal (`12`, `0.25`, `1.5e-7`,
   * `.5`), finite and not negative; GIVE_UP for anything else, a sign included. Mantissas
   * and exponents small enough to be exact doubles are combined by one correctly rounded
   * operation; the rest go through Number().
   */
  private decimal(from: number): number {
    const { bytes } = this;
    let pos = from;
    let mantissa = 0;
    let digits = 0;
    let scale = 0;
    let exact = true;
    while (isDigit(bytes[pos])) {
      mantissa = mantissa * 10 + ((bytes[pos++] as number) - DIGIT_0);
      digits++;
    }
    if (bytes[pos] === DOT) {
      pos++;
      while (isDigit(bytes[pos])) {
        mantissa = mantissa * 10 + ((bytes[pos++] as number) - DIGIT_0);
        digits++;
        scale++;
      }
    }
    if (digits === 0) return GIVE_UP;
    if (mantissa >= MAX_EXACT_MANTISSA) exact = false;
    let exponent = 0;
    const mark = bytes[pos];
    if (mark === LOWER_E || mark === UPPER_E) {
      pos++;
      let negative = false;
      if (bytes[pos] === MINUS || bytes[pos] === PLUS) negative = bytes[pos++] === MINUS;
      if (!isDigit(bytes[pos])) return GIVE_UP;
      while (isDigit(bytes[pos])) {
        exponent = Math.min(EXPONENT_CAP, exponent * 10 + ((bytes[pos++] as number) - DIGIT_0));
      }
      if (negative) exponent = -exponent;
    }
    this.decimalEnd = pos;
    const power = exponent - scale;
    if (exact && power === 0) return mantissa;
    if (exact && power > 0 && power < EXACT_POWERS_OF_TEN.length) {
      return mantissa * (EXACT_POWERS_OF_TEN[power] as number);
    }
    if (exact && power < 0 && -power < EXACT_POWERS_OF_TEN.length) {
      return mantissa / (EXACT_POWERS_OF_TEN[-power] as number);
    }
    const value = Number(this.buffer.toString('latin1', from, pos));
    return Number.isFinite(value) ? value : GIVE_UP;
  }

  private startsWith(pos: number, prefix: Uint8Array): boolean {
    const { bytes } = this;
    if (pos + prefix.length > bytes.length) return false;
    for (let i = 0; i < prefix.length; i++) if (bytes[pos + i] !== prefix[i]) return false;
    return true;
  }
}

function isHexDigit(byte: number | undefined): boolean {
  return (
    byte !== undefined &&
    ((byte >= DIGIT_0 && byte <= DIGIT_9) ||
      (byte >= 0x41 && byte <= 0x46) ||
      (byte >= 0x61 && byte <= 0x66))
  );
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= DIGIT_0 && byte <= DIGIT_9;
}
