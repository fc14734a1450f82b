// The answer reader's byte scanner (the fast path) against JSON.parse (the general path) on
// generated answers, many seeds: both must deliver the same series, value for value, and
// refuse the same answers with the same message, however the stream cuts the body.
import { describe, expect, it } from 'vitest';
import { prng } from '../../src/example/generate.js';
import { type AnswerLayout, AnswerReader } from '../../src/sources/victoria-answer.js';
import { labelPositions, scanElements } from '../../src/sources/victoria-scan.js';

const T0_S = Date.UTC(2026, 2, 29) / 1000;
const STEP_S = 3600;

const layout: AnswerLayout = {
  startMs: T0_S * 1000,
  stepMs: STEP_S * 1000,
  skip: 2,
  count: 5,
  by: ['use_case', 'gpu_type', 'model'],
};

type Outcome =
  | { readonly series: { labels: Record<string, string>; values: (number | string)[] }[] }
  | { readonly error: string };

function read(body: Buffer, pieces: readonly number[], scan: boolean, at = layout): Outcome {
  const series: { labels: Record<string, string>; values: (number | string)[] }[] = [];
  const reader = new AnswerReader(
    at,
    (labels, values) =>
      series.push({
        labels,
        // -0 and NaN spelled out: toEqual must tell them from 0 and from each other.
        values: [...values].map((v) => (Number.isNaN(v) ? 'none' : Object.is(v, -0) ? '-0' : v)),
      }),
    { scan },
  );
  try {
    let at = 0;
    for (const piece of pieces) {
      reader.write(body.subarray(at, at + piece));
      at += piece;
    }
    reader.write(body.subarray(at));
    reader.end();
    return { series };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

// Values VictoriaMetrics writes: exponents, long mantissas, the smallest and largest doubles.
const VALUE_POOL = [
  '0',
  '1',
  '12.5',
  '0.1',
  '0.000001',
  '1e3',
  '1E3',
  '1.5e-7',
  '2.5E+10',
  '1e22',
  '1e23',
  '9007199254740993',
  '12345678901234567890',
  '0.1000000000000000055511151231257827',
  '1e-22',
  '1e-23',
  '4.9e-324',
  '1.7976931348623157e308',
  '1e308',
  '1e-400',
  '00012',
  '1.',
  '.5',
];
// And ones it never should: overflow, signs, NaN and infinities in every spelling, blanks, text.
const HOSTILE_VALUES = [
  '1e400',
  '.',
  'e5',
  '1e',
  '1e+',
  '-0',
  '-2.5',
  '-1e-300',
  'NaN',
  '+Inf',
  '-Inf',
  'Inf',
  'Infinity',
  '',
  ' 12 ',
  '0x10',
  'twelve',
  '+1',
  '1\u001b[2J',
];

// Label values with what JSON must escape, what separates elements, and text past ASCII.
const LABEL_POOL = [
  'chat',
  'L4',
  'H100-80GB',
  'b\\"q"}]',
  '},{"metric":{',
  '"values":[[1,"2"]]',
  'tab\there',
  'line\nbreak',
  'nul\u0000byte',
  'é café',
  '日本語',
  '🚀 rocket',
  '\u2028\u2029',
  '\ud800',
  '',
  'x'.repeat(300),
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A number in a random float form: integers, decimals, exponents, tiny and huge. */
function randomValue(random: () => number, hostile = 0.1): string {
  if (random() < hostile) return pick(random, HOSTILE_VALUES);
  const roll = random();
  if (roll < 0.3) return pick(random, VALUE_POOL);
  if (roll < 0.5) return String(Math.floor(random() * 1e6));
  if (roll < 0.7) return String(random() * 10 ** Math.floor(random() * 30 - 10));
  if (roll < 0.8) return (random() * 1000).toExponential(Math.floor(random() * 17));
  if (roll < 0.9) return (random() * 1e6).toFixed(Math.floor(random() * 12));
  return String(Math.floor(random() * 2 ** 60));
}

/** A timestamp: on the step mostly, sometimes off it, far off, or not a number. */
function randomStamp(random: () => number, point: number, hostile: number): string {
  const roll = random();
  if (roll < 0.03) return `${T0_S + point * STEP_S}.000`;
  if (random() >= hostile) return String(T0_S + point * STEP_S);
  if (roll < 0.96) return `${T0_S + point * STEP_S}.5`;
  if (roll < 0.97) return String(T0_S + point * STEP_S + 1800);
  if (roll < 0.98) return `"${T0_S + point * STEP_S}"`;
  if (roll < 0.99) return String((T0_S + point * STEP_S) * 1000);
  return 'null';
}

/** Writes a JSON string literal, sometimes with escapes JSON.stringify would not use. */
function literal(random: () => number, text: string): string {
  const plain = JSON.stringify(text);
  if (random() < 0.9) return plain;
  return plain.replace(/[a-z_]/g, (c) =>
    random() < 0.3 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c,
  );
}

/** `hostile`: how often a part of the element is something VictoriaMetrics does not write. */
function randomElement(random: () => number, hostile: number): string {
  const labels: string[] = [];
  for (const name of ['use_case', 'gpu_type', 'model', 'other', '__name__']) {
    if (random() < 0.75)
      labels.push(`${literal(random, name)}:${literal(random, pick(random, LABEL_POOL))}`);
  }
  if (random() < hostile / 3) labels.push('"use_case":42');
  if (random() < 0.03) labels.push(`"gpu_type":${literal(random, 'twice')}`);
  const points: string[] = [];
  let point = Math.floor(random() * 3);
  const count = Math.floor(random() * 10);
  for (let i = 0; i < count; i++) {
    const value =
      random() < hostile / 5
        ? String(Math.floor(random() * 10))
        : `"${randomValue(random, hostile)}"`;
    const extra = random() < hostile / 5 ? ',"x"' : '';
    points.push(`[${randomStamp(random, point, hostile)},${value}${extra}]`);
    point += 1 + Math.floor(random() * 2);
  }
  const metric = `"metric":{${labels.join(',')}}`;
  const values = `"values":[${points.join(',')}]`;
  if (random() >= hostile) return `{${metric},${values}}`;
  const roll = random();
  if (roll < 0.3) return `{${values},${metric}}`;
  if (roll < 0.5) return `{${metric}}`;
  if (roll < 0.7) return `{${metric},${values},"extra":1}`;
  return `{ ${metric}, ${values} }`;
}

function randomAnswer(random: () => number): string {
  // Most answers are as VictoriaMetrics writes them; the others hold faults, few or many.
  const hostile = random() < 0.6 ? 0 : random() * 0.2;
  const elements = Array.from({ length: Math.floor(random() * 40) }, () =>
    randomElement(random, hostile),
  );
  let result = elements.join(',');
  if (random() < 0.02) result = result.replace('},{', '},,{');
  if (random() < 0.02) result = result.replace('},{', '}, {');
  let body = `{"status":"success","isPartial":${random() < 0.1},"data":{"resultType":"matrix","result":[${result}]}}`;
  if (random() < 0.03) {
    // A byte of the body changed: anything may break, or nothing.
    const at = Math.floor(random() * body.length);
    body =
      body.slice(0, at) +
      pick(random, ['"', ',', '}', ']', '\\', 'x', '\u0001']) +
      body.slice(at + 1);
  }
  if (random() < 0.01) body = body.slice(0, Math.floor(random() * body.length));
  return body;
}

function randomPieces(random: () => number, length: number): number[] {
  const pieces: number[] = [];
  const style = random();
  let left = length;
  while (left > 0) {
    const piece =
      style < 0.4
        ? length
        : style < 0.5
          ? 1 + Math.floor(random() * 64)
          : 1 + Math.floor(random() * 4096);
    pieces.push(Math.min(piece, left));
    left -= piece;
  }
  return pieces;
}

describe('the answer scanner and JSON.parse agree', () => {
  it('on generated answers, many seeds, wherever the stream cuts them', () => {
    let scannedSeries = 0;
    let refused = 0;
    for (let seed = 1; seed <= 800; seed++) {
      const random = prng(seed);
      const body = Buffer.from(randomAnswer(random));
      const pieces = randomPieces(random, body.length);
      const fast = read(body, pieces, true);
      // The same pieces: which of two faults is named first depends on how the body is cut.
      const general = read(body, pieces, false);
      expect(fast, `seed ${seed}: ${body.toString().slice(0, 300)}`).toEqual(general);
      if ('error' in fast) refused++;
      else scannedSeries += fast.series.length;
    }
    // The generator must exercise both outcomes, or the comparison proves little.
    expect(scannedSeries).toBeGreaterThan(5000);
    expect(refused).toBeGreaterThan(100);
    expect(refused).toBeLessThan(500);
  });

  it('reads values exactly as Number() does, on the fast path itself', () => {
    const random = prng(7);
    const index = labelPositions(layout.by);
    for (let i = 0; i < 20_000; i++) {
      const text = randomValue(random);
      const element = Buffer.from(`{"metric":{},"values":[[${T0_S + 2 * STEP_S},"${text}"]]}`);
      const scanned = scanElements(element, layout, index);
      const expected = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)
        ? Number(text)
        : Number.NaN;
      if (Number.isFinite(expected)) {
        // Taken by the scanner, to the last bit.
        expect(scanned?.[0]?.values[0], text).toBe(expected);
      } else {
        // Left to the general path, which words the refusal.
        expect(scanned, text).toBeNull();
      }
    }
  });

  it('takes the compact layout VictoriaMetrics writes, escapes and all', () => {
    const element = JSON.stringify({
      metric: { use_case: 'b\\"q"}]', gpu_type: '🚀', __name__: 'x' },
      values: [
        [T0_S + STEP_S, '7'],
        [T0_S + 2 * STEP_S, '1.25'],
        [T0_S + 4 * STEP_S, '1e-7'],
      ],
    });
    const scanned = scanElements(
      Buffer.from(`${element},${element}`),
      layout,
      labelPositions(layout.by),
    );
    expect(scanned).toHaveLength(2);
    expect(scanned?.[0]?.labels).toEqual({ use_case: 'b\\"q"}]', gpu_type: '🚀', model: '' });
    expect([...(scanned?.[0]?.values ?? [])]).toEqual([
      1.25,
      Number.NaN,
      1e-7,
      Number.NaN,
      Number.NaN,
    ]);
  });
});
