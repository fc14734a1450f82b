// The example-data generator: deterministic bytes and the properties the example promises.
import { describe, expect, it } from 'vitest';
import {
  type ExportLine,
  formatExportLine,
  generateExport,
  MARGINAL_USE_CASE,
  METRIC_NAMES,
  namedUseCases,
  UNPRICED_GPU_TYPE,
} from '../../src/example/generate.js';

const START = Date.UTC(2026, 8, 1);
const DAY = 86_400_000;
const small = { startMs: START, days: 3, intervalSeconds: 300 };

const text = (lines: Iterable<ExportLine>) => [...lines].map(formatExportLine).join('\n');

describe('generateExport', () => {
  it('gives the same bytes for the same seed, other bytes for another', () => {
    const a = text(generateExport({ ...small, seed: 42 }));
    expect(text(generateExport({ ...small, seed: 42 }))).toBe(a);
    expect(text(generateExport({ ...small, seed: 43 }))).not.toBe(a);
  });

  it('writes the three counters per pod, gpu_type on GPU-seconds only', () => {
    const lines = [...generateExport(small)];
    expect(lines).toHaveLength(30);
    for (const { metric, values, timestamps } of lines) {
      expect(Object.values(METRIC_NAMES)).toContain(metric.__name__);
      expect(metric.environment).toBe('prod');
      expect(metric.use_case).toBeTruthy();
      expect(metric.model_name).toBeTruthy();
      expect('gpu_type' in metric).toBe(metric.__name__ === METRIC_NAMES.gpuSeconds);
      expect(values).toHaveLength(timestamps.length);
      expect(timestamps.every((t, i) => i === 0 || t > (timestamps[i - 1] as number))).toBe(true);
      expect(timestamps[0]).toBeGreaterThanOrEqual(START);
      expect(timestamps.at(-1)).toBeLessThan(START + 3 * DAY);
    }
  });

  it('adds synthetic use cases up to the number asked for', () => {
    const useCases = new Set(
      [...generateExport({ ...small, days: 1, useCases: 25 })].map((l) => l.metric.use_case),
    );
    expect(useCases.size).toBe(25);
    expect(useCases).toContain('uc-00025');
    expect(namedUseCases()).toHaveLength(6);
  });

  it('resets one pod once (a restart) and never lets another counter go down', () => {
    const restartMs = Date.UTC(2026, 8, 10, 14, 7);
    const drops: string[] = [];
    for (const { metric, values, timestamps } of generateExport({ ...small, days: 20 })) {
      values.forEach((v, i) => {
        const t = timestamps[i] as number;
        if (i > 0 && v < (values[i - 1] as number)) {
          drops.push(`${metric.pod} ${metric.__name__}`);
          // The first scrape after the restart sees the drop.
          expect(t).toBeGreaterThanOrEqual(restartMs);
          expect(t).toBeLessThan(restartMs + 300_000 + 200);
        }
      });
    }
    expect(drops).toEqual(
      Object.values(METRIC_NAMES).map((name) => `support-chat-llama-3-70b-h100-80gb-1 ${name}`),
    );
  });

  it('leaves a three-hour scrape gap in one pod', () => {
    const gapped = [...generateExport({ ...small, days: 20 })].find(
      (l) => l.metric.pod === 'doc-summarise-mistral-7b-l4-0',
    ) as ExportLine;
    const longest = Math.max(
      ...gapped.timestamps.map((t, i) => (i === 0 ? 0 : t - (gapped.timestamps[i - 1] as number))),
    );
    expect(longest).toBeGreaterThan(3 * 3_600_000);
    expect(longest).toBeLessThan(3 * 3_600_000 + 2 * 300_000);
  });

  it('makes the marginal use case cost about EUR 3 per inference on a dedicated H100', () => {
    const month = [...generateExport({ startMs: START, days: 30, intervalSeconds: 600 })];
    const counted = (name: string) => {
      const line = month.find(
        (l) => l.metric.use_case === MARGINAL_USE_CASE && l.metric.__name__ === name,
      ) as ExportLine;
      return (line.values.at(-1) as number) - (line.values[0] as number);
    };
    const gpuHours = counted(METRIC_NAMES.gpuSeconds) / 3600;
    // A dedicated GPU: every second of the month, less the first scrape interval.
    expect(gpuHours).toBeCloseTo(30 * 24 - 600 / 3600, 6);
    const eurPerInference = (gpuHours * 6.04) / counted(METRIC_NAMES.inferences);
    expect(eurPerInference).toBeGreaterThan(2.5);
    expect(eurPerInference).toBeLessThan(3.5);
  });

  it('runs a small share of GPU time on a GPU type the catalogue does not price', () => {
    const gpuSeconds = [
      ...generateExport({ startMs: START, days: 30, intervalSeconds: 600 }),
    ].filter((l) => l.metric.__name__ === METRIC_NAMES.gpuSeconds);
    const used = (l: ExportLine) => (l.values.at(-1) as number) - (l.values[0] as number);
    const total = gpuSeconds.reduce((sum, l) => sum + used(l), 0);
    const unpriced = gpuSeconds
      .filter((l) => l.metric.gpu_type === UNPRICED_GPU_TYPE)
      .reduce((sum, l) => sum + used(l), 0);
    expect(unpriced / total).toBeGreaterThan(0.03);
    expect(unpriced / total).toBeLessThan(0.12);
  });
});
