import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  isLabelName,
  quote,
  sampleStatsQuery,
  selector,
  usageQuery,
} from '../../src/sources/promql.js';

describe('quote', () => {
  it.each([
    ['plain', '"plain"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['line1\nline2', '"line1\\nline2"'],
    ['tab\tcr\r', '"tab\\tcr\\r"'],
    ['bell\u0007nul\u0000del\u007f', '"bell\\u0007nul\\u0000del\\u007f"'],
    ['"} or vector(1) #', '"\\"} or vector(1) #"'],
    ['.*+?[x](a|b)^$', '".*+?[x](a|b)^$"'],
    ['é ünïcode 🚀', '"é ünïcode 🚀"'],
    ['\\"', '"\\\\\\""'],
  ])('escapes %j', (value, expected) => {
    expect(quote(value)).toBe(expected);
  });

  it('rejects a lone surrogate, which cannot be sent as UTF-8', () => {
    expect(() => quote('a\ud800b')).toThrow(UsageError);
  });
});

describe('selector', () => {
  it('writes a plain metric with its filters', () => {
    expect(
      selector('ml_gpu_seconds_total', [
        { label: 'use_case', op: '=', value: 'chat' },
        { label: 'environment', op: '!=', value: 'dev' },
      ]),
    ).toBe('ml_gpu_seconds_total{use_case="chat", environment!="dev"}');
  });

  it('writes a bare metric when there are no filters', () => {
    expect(selector('vllm:prompt_tokens_total', [])).toBe('vllm:prompt_tokens_total');
  });

  it('selects dotted OTel names through __name__, and keeps dotted label names bare', () => {
    expect(selector('ml.gpu.seconds', [{ label: 'service.name', op: '=', value: 'api' }])).toBe(
      '{__name__="ml.gpu.seconds", service.name="api"}',
    );
  });

  it('selects metric names MetricsQL reads as keywords through __name__', () => {
    expect(selector('NaN', [])).toBe('{__name__="NaN"}');
    expect(selector('with', [{ label: 'a', op: '=', value: 'b' }])).toBe(
      '{__name__="with", a="b"}',
    );
  });

  it('keeps an injection attempt inside the string literal', () => {
    const query = selector('m', [{ label: 'use_case', op: '=', value: '"} or vector(1) #' }]);
    expect(query).toBe('m{use_case="\\"} or vector(1) #"}');
  });

  it.each([
    ['1metric'],
    ['metric-name'],
    ['metric{x="y"}'],
    ['m or vector(1)'],
    [''],
    ['métrique'],
  ])('rejects the metric name %j and names it', (name) => {
    expect(() => selector(name, [])).toThrow(UsageError);
    expect(() => selector(name, [])).toThrow(JSON.stringify(name));
  });

  it.each([
    ['use-case'],
    ['9lives'],
    ['a b'],
    ['x="y"} or vector(1) #'],
    [''],
    ['__name__'],
    ['le:x'],
  ])('rejects the label name %j and names it', (label) => {
    const build = () => selector('m', [{ label, op: '=', value: 'v' }]);
    expect(build).toThrow(UsageError);
    expect(build).toThrow(JSON.stringify(label));
  });

  it('rejects an operator other than = and !=', () => {
    const filter = { label: 'a', op: '=~', value: '.*' } as unknown as {
      label: string;
      op: '=';
      value: string;
    };
    expect(() => selector('m', [filter])).toThrow(UsageError);
  });
});

describe('selector of several stored names', () => {
  it('matches each name whole through one __name__ regex, dots escaped', () => {
    expect(
      selector(
        ['vllm:prompt_tokens_total', 'gen_ai.client.token.usage_sum'],
        [{ label: 'model_name', op: '=', value: 'm' }],
      ),
    ).toBe(
      '{__name__=~"vllm:prompt_tokens_total|gen_ai\\\\.client\\\\.token\\\\.usage_sum", model_name="m"}',
    );
  });

  it("puts a measure's own label match before the filters, a list of values as an escaped regex", () => {
    expect(
      selector({ names: 'gen_ai_client_token_usage_sum', match: { gen_ai_token_type: 'input' } }, [
        { label: 'use_case', op: '=', value: 'chat' },
      ]),
    ).toBe('gen_ai_client_token_usage_sum{gen_ai_token_type="input", use_case="chat"}');
    expect(selector({ names: ['a', 'b'], match: { t: ['in', 'out.x'] } }, [])).toBe(
      '{__name__=~"a|b", t=~"in|out\\\\.x"}',
    );
    expect(() => selector({ names: 'a', match: { __name__: 'x' } }, [])).toThrow('reserved');
  });

  it('treats a list of one like the name alone', () => {
    expect(selector(['ml_gpu_seconds_total'], [])).toBe('ml_gpu_seconds_total');
  });

  it('rejects an empty list and a bad name in a list', () => {
    expect(() => selector([], [])).toThrow('at least one stored name');
    expect(() => selector(['ok', 'bad name'], [])).toThrow('invalid metric name');
  });

  it('keeps the names through increase so that alike series of two names still add up', () => {
    expect(usageQuery(['a_total', 'b_total'], ['model_name'], [])).toBe(
      'sum by (model_name) (increase({__name__=~"a_total|b_total"}[1h]) keep_metric_names)',
    );
  });
});

describe('usageQuery', () => {
  it('sums hourly increases by the grouping labels', () => {
    expect(
      usageQuery(
        'ml_gpu_seconds_total',
        ['use_case', 'gpu_type'],
        [{ label: 'model_name', op: '=', value: 'llama' }],
      ),
    ).toBe('sum by (use_case, gpu_type) (increase(ml_gpu_seconds_total{model_name="llama"}[1h]))');
  });

  it('allows an empty grouping and dotted grouping labels', () => {
    expect(usageQuery('m', [], [])).toBe('sum by () (increase(m[1h]))');
    expect(usageQuery('ml.inference.tokens.total', ['service.name'], [])).toBe(
      'sum by (service.name) (increase({__name__="ml.inference.tokens.total"}[1h]))',
    );
  });

  it('rejects an invalid grouping label', () => {
    expect(() => usageQuery('m', ['use_case) or (x'], [])).toThrow(UsageError);
  });

  it('writes bucket windows in whole hours, minutes or seconds', () => {
    expect(usageQuery('m', [], [], 24 * 3_600_000)).toBe('sum by () (increase(m[24h]))');
    expect(usageQuery('m', [], [], 45 * 60_000)).toBe('sum by () (increase(m[45m]))');
    expect(usageQuery('m', [], [], 90_500 * 1000)).toBe('sum by () (increase(m[90500s]))');
    expect(() => usageQuery('m', [], [], 1500)).toThrow(RangeError);
    expect(() => usageQuery('m', [], [], 0)).toThrow(RangeError);
  });
});

describe('usageQuery of gauges and presences', () => {
  it('sums or counts the samples of [t - L, t): the window shifted back by 1 ms', () => {
    const filters = [{ label: 'namespace', op: '=', value: 'ml' }] as const;
    expect(usageQuery('kube_pod_gpu', ['namespace'], filters, 86_400_000, 'gauge')).toBe(
      'sum by (namespace) (sum_over_time(kube_pod_gpu{namespace="ml"}[24h] offset 1ms))',
    );
    expect(usageQuery('DCGM_FI_DEV_GPU_UTIL', ['pod'], [], 3_600_000, 'presence')).toBe(
      'sum by (pod) (count_over_time(DCGM_FI_DEV_GPU_UTIL[1h] offset 1ms))',
    );
  });

  it("keeps metric names of several stored names, with the measure's match", () => {
    const names = { names: ['a', 'b'], match: { resource: 'nvidia_com_gpu' } };
    expect(usageQuery(names, [], [], 3_600_000, 'gauge')).toBe(
      'sum by () (sum_over_time({__name__=~"a|b", resource="nvidia_com_gpu"}[1h] offset 1ms) keep_metric_names)',
    );
  });
});

describe('sampleStatsQuery', () => {
  it('asks each series for its count, first and last sample in [t - range, t), in one pass', () => {
    expect(sampleStatsQuery({ names: 'g', match: { resource: 'gpu' } }, 86_400_000)).toBe(
      'aggr_over_time(("count_over_time", "tfirst_over_time", "tlast_over_time"), g{resource="gpu"}[24h] offset 1ms)',
    );
    expect(sampleStatsQuery(['a', 'b'], 1500)).toBe(
      'aggr_over_time(("count_over_time", "tfirst_over_time", "tlast_over_time"), {__name__=~"a|b"}[1500ms] offset 1ms) keep_metric_names',
    );
  });
});

describe('isLabelName', () => {
  it.each([
    ['use_case', true],
    ['service.name', true],
    ['_private', true],
    ['use case', false],
    ['1st', false],
    ['__name__', false],
    ['__proto__', false],
  ])('%s -> %s', (name, expected) => {
    expect(isLabelName(name)).toBe(expected);
  });
});
