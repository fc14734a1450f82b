import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/core/types.js';
import { ExitCode, UsageError } from '../../src/errors.js';
import {
  DEFAULT_PRESET,
  isValidLabelName,
  isValidMetricName,
  PRESET_NAMES,
  PRESETS,
  resolvePreset,
} from '../../src/presets.js';

describe('presets', () => {
  it('default to the Prometheus names the OTel Collector writes (DESIGN.md §2)', () => {
    expect(DEFAULT_PRESET).toBe('otel-collector');
    expect(resolvePreset(DEFAULT_PRESET).metrics).toEqual({
      gpu_seconds: 'ml_gpu_seconds_total',
      tokens: 'ml_inference_tokens_total',
      inferences: 'ml_inference_duration_milliseconds_count',
    });
  });

  it('keep the dots of OTLP names VictoriaMetrics stores as is', () => {
    expect(resolvePreset('victoriametrics-otlp').metrics).toEqual({
      gpu_seconds: 'ml.gpu.seconds',
      tokens: 'ml.inference.tokens.total',
      inferences: 'ml.inference.duration_count',
    });
  });

  it('follow the OTel JS Prometheus exporter, which adds _total but no unit suffix', () => {
    expect(resolvePreset('otel-js-prometheus').metrics).toEqual({
      gpu_seconds: 'ml_gpu_seconds_total',
      tokens: 'ml_inference_tokens_total',
      inferences: 'ml_inference_duration_count',
    });
  });

  it.each(PRESET_NAMES)('%s names every metric and label validly', (name) => {
    const preset = PRESETS[name];
    expect(preset.name).toBe(name);
    expect(preset.description).not.toBe('');
    expect(Object.keys(preset.metrics).sort()).toEqual([...METRICS].sort());
    for (const metric of Object.values(preset.metrics))
      expect(isValidMetricName(metric)).toBe(true);
    for (const label of Object.values(preset.labels)) expect(isValidLabelName(label)).toBe(true);
  });

  it('rejects an unknown name with a usage error listing the valid ones', () => {
    const attempt = () => resolvePreset('prometheus');
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(
      'unknown metrics preset "prometheus"; valid presets: otel-collector, victoriametrics-otlp, otel-js-prometheus',
    );
    try {
      attempt();
    } catch (error) {
      expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    }
  });

  it('does not mistake object built-ins for presets', () => {
    expect(() => resolvePreset('constructor')).toThrow(UsageError);
    expect(() => resolvePreset('__proto__')).toThrow(UsageError);
  });
});

describe('metric and label name grammar', () => {
  it.each([
    ['ml_gpu_seconds_total', true],
    ['ml.gpu.seconds', true],
    ['vllm:prompt_tokens_total', true],
    ['_private', true],
    ['1st_metric', false],
    ['.leading_dot', false],
    ['has-dash', false],
    ['has space', false],
    ['quote"d', false],
    ['', false],
  ])('metric name %j valid: %s', (name, valid) => {
    expect(isValidMetricName(name)).toBe(valid);
  });

  it.each([
    ['use_case', true],
    ['service.name', true],
    ['__name__', false],
    ['a:b', false],
    ['9lives', false],
    ['', false],
  ])('label name %j valid: %s', (name, valid) => {
    expect(isValidLabelName(name)).toBe(valid);
  });
});
