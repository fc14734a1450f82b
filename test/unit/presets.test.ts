import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/core/types.js';
import { ExitCode, UsageError } from '../../src/errors.js';
import { DEFAULT_PRESET, PRESET_NAMES, PRESETS, resolvePreset } from '../../src/presets.js';
import { checkLabelName, checkMetricName } from '../../src/sources/promql.js';
import { storedNames } from '../../src/sources/types.js';

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

  it('read OTel GenAI tokens from the token-usage histogram and requests from client and server durations', () => {
    const tokens = (type: string | string[]) => ({
      names: 'gen_ai_client_token_usage_sum',
      match: { gen_ai_token_type: type },
    });
    expect(resolvePreset('otel-genai').metrics).toEqual({
      gpu_seconds: 'ml_gpu_seconds_total',
      tokens: tokens(['input', 'output']),
      input_tokens: tokens('input'),
      output_tokens: tokens('output'),
      inferences: [
        'gen_ai_client_operation_duration_seconds_count',
        'gen_ai_server_request_duration_seconds_count',
      ],
    });
    expect(resolvePreset('otel-genai-underscores').metrics.inferences).toEqual([
      'gen_ai_client_operation_duration_count',
      'gen_ai_server_request_duration_count',
    ]);
    expect(resolvePreset('otel-genai-dots').metrics.input_tokens).toEqual({
      names: 'gen_ai.client.token.usage_sum',
      match: { 'gen_ai.token.type': 'input' },
    });
    expect(resolvePreset('otel-genai-dots').labels.modelName).toBe('gen_ai.request.model');
    expect(resolvePreset('otel-genai').labels.modelName).toBe('gen_ai_request_model');
    expect(resolvePreset('otel-genai-dots').alternativeLabels?.provider).toEqual([
      'gen_ai.provider.name',
      'gen_ai.system',
    ]);
  });

  it('add vLLM prompt and generation tokens, and count successful requests', () => {
    const vllm = resolvePreset('vllm');
    expect(vllm.metrics.tokens).toEqual([
      'vllm:prompt_tokens_total',
      'vllm:generation_tokens_total',
    ]);
    expect(vllm.metrics.input_tokens).toBe('vllm:prompt_tokens_total');
    expect(vllm.metrics.output_tokens).toBe('vllm:generation_tokens_total');
    expect(vllm.metrics.inferences).toBe('vllm:request_success_total');
    expect(vllm.labels.modelName).toBe('model_name');
  });

  it.each(PRESET_NAMES)('%s names every metric and label in the query grammar', (name) => {
    const preset = PRESETS[name];
    expect(preset.name).toBe(name);
    expect(preset.description).not.toBe('');
    // Every service preset names GPU-seconds, tokens and inferences; input and output tokens
    // where told apart. A cluster keeps GPU time only.
    expect(Object.keys(preset.metrics)).toEqual(
      expect.arrayContaining(
        preset.attribution ? ['gpu_seconds'] : ['gpu_seconds', 'tokens', 'inferences'],
      ),
    );
    for (const key of Object.keys(preset.metrics)) expect(METRICS).toContain(key);
    for (const metric of Object.values(preset.metrics).flatMap(storedNames))
      expect(checkMetricName(metric)).toBe(metric);
    for (const label of Object.values(preset.labels)) expect(checkLabelName(label)).toBe(label);
  });

  it('rejects an unknown name with a usage error listing the valid ones', () => {
    const attempt = () => resolvePreset('prometheus');
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(
      'unknown metrics preset "prometheus"; valid presets: otel-collector, victoriametrics-otlp, otel-js-prometheus, otel-genai, otel-genai-underscores, otel-genai-dots, vllm, kubernetes-gpu, dcgm, dcgm-util, kube-state-metrics',
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
