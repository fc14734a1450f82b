import { describe, expect, it } from 'vitest';
import {
  type AnswerEnvelope,
  type AnswerLayout,
  AnswerReader,
  MalformedAnswer,
} from '../../src/sources/victoria-answer.js';

const T0 = Date.UTC(2026, 1, 1);
const HOUR_S = 3600;
/** Seconds of the end of grid hour i, where VictoriaMetrics reports that hour's increase. */
const end = (hour: number) => T0 / 1000 + (hour + 1) * HOUR_S;

// Hourly points from end(0); points 0 and 1 only look back, 2..4 are delivered.
const layout: AnswerLayout = {
  startMs: T0 + HOUR_S * 1000,
  stepMs: HOUR_S * 1000,
  skip: 2,
  count: 3,
  by: ['use_case', 'gpu_type'],
};

interface Read {
  readonly series: { labels: Record<string, string>; values: (number | null)[] }[];
  readonly envelope: AnswerEnvelope;
}

/** Feeds the body in pieces of `piece` bytes (a stream may cut anywhere, even inside a number). */
function read(body: string, piece = Number.POSITIVE_INFINITY, at = layout): Read {
  const series: Read['series'] = [];
  const reader = new AnswerReader(at, (labels, values) =>
    series.push({ labels, values: [...values].map((v) => (Number.isNaN(v) ? null : v)) }),
  );
  const bytes = Buffer.from(body);
  for (let i = 0; i < bytes.length; i += piece) reader.write(bytes.subarray(i, i + piece));
  return { series, envelope: reader.end() };
}

function failure(body: string): string {
  try {
    read(body);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedAnswer);
    return (error as Error).message;
  }
  throw new Error('expected the answer to be refused');
}

const answer = (result: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    status: 'success',
    isPartial: false,
    data: { resultType: 'matrix', result },
    ...extra,
  });

const chat = {
  metric: { use_case: 'chat', gpu_type: 'L4' },
  // Hours 1 and 5 are overlap outside the chunk (offset 2, 3 hours); hour 3 has no point.
  values: [
    [end(1), '7'],
    [end(2), '1.25'],
    [end(4), '0.1'],
    [end(5), '9'],
  ],
};
const chatValues = [1.25, null, 0.1];

describe('AnswerReader', () => {
  it('maps points onto the chunk, leaving hours without a point empty', () => {
    const { series, envelope } = read(answer([chat]));
    expect(series).toEqual([{ labels: { use_case: 'chat', gpu_type: 'L4' }, values: chatValues }]);
    expect(envelope).toEqual({ isPartial: false });
  });

  it('gives the same series whatever pieces the body arrives in', () => {
    const body = answer([chat, { metric: { use_case: 'b\\"q"}]' }, values: [[end(3), '2']] }]);
    const whole = read(body);
    for (const piece of [1, 2, 3, 7, 64]) expect(read(body, piece)).toEqual(whole);
    expect(whole.series[1]).toEqual({
      labels: { use_case: 'b\\"q"}]', gpu_type: '' },
      values: [null, 2, null],
    });
  });

  it('reads answers of many batches whole and in order, wherever the stream cuts them', () => {
    // About 200 KB: several parse batches, cut by pieces that straddle elements and batches.
    // Some label values hold the text that separates elements, which must not cut them.
    const name = (i: number) => `use-case-${i}${i % 7 ? '' : '},{"metric":{'}`;
    const many = Array.from({ length: 2000 }, (_, i) => ({
      metric: {
        use_case: name(i),
        gpu_type: i % 2 ? 'L4' : 'H100',
        other: 'x'.repeat(i % 50),
      },
      values: [[end(2), String(i)]],
    }));
    const expected = many.map((_, i) => ({
      labels: { use_case: name(i), gpu_type: i % 2 ? 'L4' : 'H100' },
      values: [i, null, null],
    }));
    const body = answer(many);
    expect(body.length).toBeGreaterThan(3 * 65_536);
    for (const piece of [997, 4096, 65_539, Number.POSITIVE_INFINITY]) {
      expect(read(body, piece).series).toEqual(expected);
    }
    const spaced = JSON.stringify(JSON.parse(body), null, 1);
    expect(read(spaced, 1000).series).toEqual(expected);
  });

  it('reads an indented answer and one with keys in another order', () => {
    const indented = JSON.stringify(JSON.parse(answer([chat])), null, 2);
    expect(read(indented, 5).series[0]?.values).toEqual(chatValues);
    const reordered = JSON.stringify({
      data: { result: [{ values: chat.values, metric: chat.metric }], resultType: 'matrix' },
      status: 'success',
    });
    expect(read(reordered, 3).series[0]?.values).toEqual(chatValues);
  });

  it('decodes values exactly as Number() does', () => {
    const texts = [
      '0',
      '-0',
      '0.1',
      '123456.789',
      '1e3',
      '1.5E-7',
      '0.000001',
      '12345678901234567890',
    ];
    for (const text of texts) {
      const body = answer([{ metric: {}, values: [[end(2), text]] }]);
      expect(read(body).series.map((s) => s.values)).toEqual([[Number(text), null, null]]);
    }
  });

  // increase() is never negative and VictoriaMetrics writes no NaN points: an answer holding one
  // is not what was asked for, wherever the point lies (overlap hours included).
  it.each([
    ['a negative increase', '-2.5', /the value -2\.5 at 2026-02-01T0[23]:00:00\.000Z is negative/],
    ['a tiny negative increase', '-1e-300', /is negative/],
    ['NaN', 'NaN', /the value "NaN" at .* is not a finite number/],
    ['+Inf', '+Inf', /the value "\+Inf" .* is not a finite number/],
    ['-Inf', '-Inf', /the value "-Inf" .* is not a finite number/],
    ['Infinity', 'Infinity', /not a finite number/],
    ['an overflowing number', '1e400', /not a finite number/],
    ['an empty string', '', /the value "" .* is not a finite number/],
    ['blanks', ' 12 ', /not a finite number/],
    ['hex', '0x10', /not a finite number/],
    ['a word', 'twelve', /not a finite number/],
    ['a control character', '1\u001b[2J', /the value "1 \[2J"/],
  ])('refuses %s as a value', (_name, text, message) => {
    for (const hour of [2, 1]) {
      const values = [
        [end(3), '1'],
        [end(hour), text],
      ];
      expect(failure(answer([{ metric: {}, values }]))).toMatch(message);
    }
  });

  it.each([
    ['a string', '"1"'],
    ['null', 'null'],
  ])('refuses %s as a timestamp', (_name, stamp) => {
    const body = answer([]).replace(
      '"result":[]',
      `"result":[{"metric":{},"values":[[${stamp},"1"]]}]`,
    );
    expect(failure(body)).toMatch(/a point that is not|not on the hour grid/);
  });

  it('reports isPartial and series with no point in the chunk not at all', () => {
    const body = answer([{ metric: {}, values: [[end(0), '1']] }], { isPartial: true });
    expect(read(body)).toEqual({ series: [], envelope: { isPartial: true } });
  });

  it('names what is wrong with an unusable answer', () => {
    expect(failure('<html>maintenance</html>')).toMatch(/^not JSON .*<html>maintenance/);
    expect(failure(answer([chat]).slice(0, 120))).toMatch(/^truncated JSON \(Unexpected end/);
    expect(failure('{"status":"error","error":"storage unavailable"}')).toBe(
      'status "error": storage unavailable',
    );
    expect(failure('{"status":"success","data":{"resultType":"vector","result":[]}}')).toBe(
      'expected data.resultType "matrix" with a result array',
    );
    expect(failure(answer([{ metric: {} }]))).toBe('a result without metric and values');
    expect(failure(answer([{ metric: {}, values: [[end(2), 1]] }]))).toBe(
      'a point that is not [timestamp, "value"]',
    );
    expect(failure(answer([{ metric: {}, values: [[end(2) - 1800, '1']] }]))).toBe(
      'a point at 2026-02-01T02:30:00.000Z is not on the requested step (was nocache=1 ignored?)',
    );
  });

  it('puts a bad status before a bad series, as the envelope decides what the answer is', () => {
    const body = JSON.stringify({
      status: 'error',
      error: 'x',
      data: { resultType: 'matrix', result: [{ metric: {} }] },
    });
    expect(failure(body)).toBe('status "error": x');
  });
});
