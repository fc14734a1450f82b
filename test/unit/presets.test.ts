import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/core/types.js';
import { ExitCode, UsageError } from '../../src/errors.js';
import { DEFAULT_PRESET, PRESET_NAMES, PRESETS, resolvePreset } from '../../src/presets.js';
import { checkLabelName, checkMetricName } from '../../src/sources/promql.js';

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

  it.each(PRESET_NAMES)('%s names every metric and label in the query grammar', (name) => {
    const preset = PRESETS[name];
    expect(preset.name).toBe(name);
    expect(preset.description).not.toBe('');
    expect(Object.keys(preset.metrics).sort()).toEqual([...METRICS].sort());
    for (const metric of Object.values(preset.metrics))
      expect(checkMetricName(metric)).toBe(metric);
    for (const label of Object.values(preset.labels)) expect(checkLabelName(label)).toBe(label);
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
