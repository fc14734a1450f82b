import { describe, expect, it } from 'vitest';
import type { NameStats, Observations } from '../../src/core/inspection.js';
import { type DoctorInput, diagnose, duration } from '../../src/doctor/diagnose.js';
import type { Naming } from '../../src/doctor/match.js';

const DAY = 86_400_000;
const LABELS = { useCase: 'use_case', modelName: 'model_name', gpuType: 'gpu_type' };
const naming = (name: string, tokens: string[], inferences = ['req_total']): Naming => ({
  name,
  metrics: { gpu_seconds: ['gpu_total'], tokens, inferences },
  labels: LABELS,
});

function stats(overrides: Partial<NameStats> = {}): NameStats {
  return {
    series: 2,
    labels: ['gpu_type', 'model_name', 'use_case'],
    intervalS: 60,
    maxGapS: 60,
    resets: 0,
    stale: 0,
    future: 0,
    ...overrides,
  };
}

function input(
  names: Record<string, NameStats>,
  overrides: Partial<Observations> = {},
  more: Partial<DoctorInput> = {},
): DoctorInput {
  return {
    fromMs: 0,
    toMs: 2 * DAY,
    current: naming('current', ['tok_total']),
    candidates: [naming('a', ['a_tokens']), naming('b', ['b_tokens'])],
    observations: {
      names,
      overLimit: [],
      cardinality: {},
      gpuUsage: [{ gpuType: 'L4', useCase: 'chat', seconds: 3600 }],
      useCases: ['chat'],
      allNames: Object.keys(names),
      maxUniqueTimeseries: { value: 300_000, known: true },
      requests: 20,
      ...overrides,
    },
    versions: [{ version: 'v1', effectiveFromMs: 0, currency: 'EUR', gpuHour: { L4: 1 } }],
    catalogueOrigin: '/cat',
    valuedUseCases: ['chat'],
    maxLabelValues: 100,
    ...more,
  };
}

describe('diagnose', () => {
  it('is healthy when every measure is found with its labels, prices and values', () => {
    const report = diagnose(input({ gpu_total: stats(), tok_total: stats(), req_total: stats() }));
    expect(report.findings).toEqual([]);
    expect(report.healthy).toBe(true);
    expect(report.closest).toBeNull();
  });

  it('points a missing measure at the first preset that stores it, over look-alike names', () => {
    const report = diagnose(
      input({
        gpu_total: stats(),
        req_total: stats(),
        b_tokens: stats({ series: 7 }),
        my_tokens: stats(),
      }),
    );
    expect(report.closest?.naming.name).toBe('b');
    const missing = report.findings.find((f) => f.subject === 'tokens (tok_total)');
    expect(missing).toMatchObject({ severity: 'problem', text: 'no series in the window' });
    expect(missing?.fix).toBe('use --metrics-preset b (it reads b_tokens: 7 series)');
  });

  it('names look-alike stored names when no preset has the measure', () => {
    const report = diagnose(
      input({ gpu_total: stats(), req_total: stats(), llm_token_count: stats() }),
    );
    expect(report.findings[0]?.fix).toContain('names that look like it: llm_token_count');
  });

  it('flags a label by its count, and an id-like label by its name, once each', () => {
    const report = diagnose(
      input(
        { gpu_total: stats(), tok_total: stats(), req_total: stats() },
        {
          cardinality: {
            tokens: {
              day: '2026-07-02',
              labels: [
                { label: 'pod', values: 101 },
                { label: 'user.id', values: 3 },
                { label: 'use_case', values: 100 },
              ],
            },
            inferences: { day: '2026-07-02', labels: [{ label: 'pod', values: 500 }] },
          },
        },
      ),
    );
    const flagged = report.findings.filter((f) => f.subject.startsWith('label '));
    expect(flagged.map((f) => f.subject)).toEqual(['label pod', 'label user.id']);
    expect(report.cardinality[0]?.labels.map((l) => l.flagged)).toEqual([true, true, false]);
  });

  it('puts problems before warnings before information', () => {
    const report = diagnose(
      input(
        {
          gpu_total: stats({ resets: 4 }),
          tok_total: stats({ future: 1 }),
          req_total: stats({ intervalS: 900 }),
        },
        {},
        { valuedUseCases: [] },
      ),
    );
    expect(report.findings.map((f) => f.severity)).toEqual([
      'problem',
      'warning',
      'warning',
      'info',
    ]);
    expect(report.findings.at(-1)?.text).toBe(
      '2 counter resets per day over 2 series (restarts); ml-cost counts across resets',
    );
  });

  it('judges a gauge by what a gauge is: no look-back or reset findings, a long gap named as counting nothing', () => {
    const sparseGappy = stats({ intervalS: 900, maxGapS: 3 * 86_400, resets: 40 });
    const asCounter = diagnose(
      input({ gpu_total: sparseGappy, tok_total: stats(), req_total: stats() }),
    );
    expect(asCounter.findings.map((f) => f.text).join('\n')).toMatch(/look-back[\s\S]*resets/);
    const current = {
      ...naming('current', ['tok_total']),
      kinds: { gpu_seconds: 'gauge' as const },
    };
    const asGauge = diagnose(
      input({ gpu_total: sparseGappy, tok_total: stats(), req_total: stats() }, {}, { current }),
    );
    const texts = asGauge.findings
      .filter((f) => f.subject.includes('gpu_total'))
      .map((f) => f.text);
    expect(texts).toEqual([
      'a gap of 3 d between samples (one every 15 min otherwise): each sample counts one scrape interval, so the gap counts nothing',
    ]);
    expect(asGauge.findings.find((f) => f.subject.includes('gpu_total'))?.severity).toBe('info');
  });

  it('compares the series of a measure with -search.maxUniqueTimeseries', () => {
    const report = diagnose(
      input(
        { gpu_total: stats(), tok_total: stats({ series: 200 }), req_total: stats({ series: 60 }) },
        {
          maxUniqueTimeseries: { value: 100, known: false },
        },
      ),
    );
    const limits = report.findings.filter((f) => f.text.includes('maxUniqueTimeseries'));
    expect(limits.map((f) => [f.severity, f.subject])).toEqual([
      ['problem', 'tokens (tok_total)'],
      ['warning', 'inferences (req_total)'],
    ]);
    expect(limits[0]?.text).toContain('(the 1.79.5 default; the server did not say)');
  });

  it('names the catalogue file a GPU type lacks a rate in', () => {
    const report = diagnose(
      input(
        { gpu_total: stats(), tok_total: stats(), req_total: stats() },
        {
          gpuUsage: [{ gpuType: 'B200', useCase: 'chat', seconds: 60 }],
        },
      ),
    );
    expect(report.findings[0]?.fix).toBe(
      'add "B200" to gpu_hour, or to gpu_aliases naming the GPU type it is, in /cat/v1.json, or correct the gpu_type label',
    );
  });

  it('prices GPU types as reports do: an alias is priced, an inherited name is not', () => {
    const report = diagnose(
      input(
        { gpu_total: stats(), tok_total: stats(), req_total: stats() },
        {
          gpuUsage: [
            { gpuType: 'NVIDIA L4', useCase: 'chat', seconds: 60 },
            { gpuType: 'toString', useCase: 'chat', seconds: 60 },
          ],
        },
        {
          versions: [
            {
              version: 'v1',
              effectiveFromMs: 0,
              currency: 'EUR',
              gpuHour: { L4: 1 },
              gpuAliases: { 'NVIDIA L4': 'L4' },
            },
          ],
        },
      ),
    );
    expect(report.gpuTypes).toEqual([
      { gpuType: 'NVIDIA L4', unpricedIn: [] },
      { gpuType: 'toString', unpricedIn: ['v1'] },
    ]);
    expect(report.findings.map((f) => f.subject)).toEqual(['GPU type toString']);
  });

  it('writes durations in the unit people read them in', () => {
    expect([duration(30), duration(1800), duration(108_000), duration(86_400 * 3)]).toEqual([
      '30 s',
      '30 min',
      '30 h',
      '3 d',
    ]);
  });
});
