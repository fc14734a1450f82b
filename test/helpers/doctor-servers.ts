// Three servers as a new user meets them, with their usage known by construction: a service
// instrumented with the OTel GenAI semantic conventions behind the OTel Collector, a vLLM
// server (with a restart), and a misconfigured one (wrong names, a user_id label, sparse
// scrapes, a long gap, a GPU type without a rate, GPU time without a use case).
import type { ExportLine } from './victoria.js';

export const FROM = Date.parse('2026-07-01T00:00:00Z');
export const TO = Date.parse('2026-07-03T00:00:00Z');
export const NOW = '2026-07-10T00:00:00Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A catalogue with round rates, so costs are easy to work out by hand. */
export const RATES = { L4: 0.75, 'H100-80GB': 4 } as const;

/**
 * A counter sampled every `everyMin` minutes from an hour before the window to an hour after,
 * starting at 0 and rising by `step` per sample; `skip` leaves samples out (a gap), `resetAt`
 * restarts it at 0 from that time on. Every window sample lies on the grid, so the increase
 * over the window is step × (samples in it), less the steps a reset swallowed.
 */
export function counter(
  metric: Record<string, string>,
  step: number,
  everyMin: number,
  options: { skip?: (t: number) => boolean; resetAt?: number } = {},
): ExportLine {
  const values: number[] = [];
  const timestamps: number[] = [];
  let value = 0;
  for (let t = FROM - HOUR; t <= TO + HOUR; t += everyMin * MINUTE) {
    if (t !== FROM - HOUR) value += step;
    if (options.resetAt !== undefined && t === options.resetAt) value = 0;
    if (options.skip?.(t)) continue;
    values.push(value);
    timestamps.push(t);
  }
  return { metric, values, timestamps };
}

/** Samples every 5 minutes: 576 steps in the 48-hour window. */
export const STEPS_5MIN = 576;

const GENAI = {
  gen_ai_operation_name: 'chat',
  gen_ai_request_model: 'gpt-4o-mini',
  service_name: 'assistant',
};

/**
 * OTel GenAI via the Collector's prometheusremotewrite exporter: names with unit suffixes,
 * dots as underscores. One use case on semantic conventions 1.37+ (gen_ai_provider_name), one
 * on the older gen_ai_system. Expected (48 h): support-chat 288000 input + 69120 output tokens,
 * 1728 requests, 9.6 L4-hours (EUR 7.20); summarise 172800 + 46080 tokens, 1152 requests,
 * 4.8 H100-hours (EUR 19.20).
 */
export function otelGenAiServer(): ExportLine[] {
  const chat = { ...GENAI, use_case: 'support-chat', gen_ai_provider_name: 'openai' };
  const summarise = { ...GENAI, use_case: 'summarise', gen_ai_system: 'openai' };
  const tokens = (labels: Record<string, string>, type: string, step: number) =>
    counter(
      { __name__: 'gen_ai_client_token_usage_sum', ...labels, gen_ai_token_type: type },
      step,
      5,
    );
  return [
    tokens(chat, 'input', 500),
    tokens(chat, 'output', 120),
    tokens(summarise, 'input', 300),
    tokens(summarise, 'output', 80),
    // The histogram's count of recordings: not tokens, and not read.
    counter(
      { __name__: 'gen_ai_client_token_usage_count', ...chat, gen_ai_token_type: 'input' },
      3,
      5,
    ),
    counter({ __name__: 'gen_ai_client_operation_duration_seconds_count', ...chat }, 3, 5),
    counter({ __name__: 'gen_ai_client_operation_duration_seconds_count', ...summarise }, 2, 5),
    counter({ __name__: 'ml_gpu_seconds_total', ...chat, gpu_type: 'L4' }, 60, 5),
    counter({ __name__: 'ml_gpu_seconds_total', ...summarise, gpu_type: 'H100-80GB' }, 30, 5),
  ];
}

const VLLM = { model_name: 'meta-llama/Llama-3.1-8B-Instruct', use_case: 'chat', job: 'vllm' };
/** The vLLM server restarts here: every vLLM counter starts again from 0. */
export const VLLM_RESTART = FROM + 20 * HOUR;

/**
 * vLLM's /metrics scraped every 5 minutes (use_case added by the scrape config), GPU time from a
 * sidecar counter. The restart swallows one step of each vLLM counter: 575 counted. Expected:
 * 1000 × 575 prompt + 400 × 575 generation tokens = 805000, (5 + 1) × 575 = 3450 requests,
 * 24 H100-hours (EUR 96).
 */
export function vllmServer(): ExportLine[] {
  const restart = { resetAt: VLLM_RESTART };
  return [
    counter({ __name__: 'vllm:prompt_tokens_total', ...VLLM }, 1000, 5, restart),
    counter({ __name__: 'vllm:generation_tokens_total', ...VLLM }, 400, 5, restart),
    counter(
      { __name__: 'vllm:request_success_total', ...VLLM, finished_reason: 'stop' },
      5,
      5,
      restart,
    ),
    counter(
      { __name__: 'vllm:request_success_total', ...VLLM, finished_reason: 'length' },
      1,
      5,
      restart,
    ),
    counter({ __name__: 'ml_gpu_seconds_total', ...VLLM, gpu_type: 'H100-80GB' }, 150, 5),
  ];
}

export const USERS = 150;
/** The GPU counter misses every scrape in this span of 30 hours. */
const GAP = { from: FROM + 6 * HOUR, to: FROM + 36 * HOUR };

/**
 * Sampled every 30 minutes (96 steps in the window). Tokens under ml_tokens_total with a
 * user_id label (150 series, 10 per step each: 144000), requests under ml_requests_total (4 per
 * step: 384), GPU time: L4 for triage (900 s per step: 24 h, EUR 18) with a 30-hour gap, an
 * RTX-6000-Ada without a rate (300 s per step: 8 h), and L4 time without a use case (180 s per
 * step: 4.8 h, EUR 3.60).
 */
export function misconfiguredServer(users = USERS): ExportLine[] {
  const base = { use_case: 'triage', model_name: 'mistral-7b' };
  return [
    ...Array.from({ length: users }, (_, i) =>
      counter(
        { __name__: 'ml_tokens_total', ...base, user_id: `u${String(i).padStart(4, '0')}` },
        10,
        30,
      ),
    ),
    counter({ __name__: 'ml_requests_total', ...base }, 4, 30),
    counter({ __name__: 'ml_gpu_seconds_total', ...base, gpu_type: 'L4' }, 900, 30, {
      skip: (t) => t > GAP.from && t < GAP.to,
    }),
    counter({ __name__: 'ml_gpu_seconds_total', ...base, gpu_type: 'RTX-6000-Ada' }, 300, 30),
    counter(
      { __name__: 'ml_gpu_seconds_total', model_name: 'mistral-7b', gpu_type: 'L4' },
      180,
      30,
    ),
  ];
}
