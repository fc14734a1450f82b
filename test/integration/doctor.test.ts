// `ml-cost doctor` pointed, as a new user would, at real VictoriaMetrics servers filled like an
// OTel-GenAI service, a vLLM server and a misconfigured one; then `report` with the preset or
// config doctor suggests gives the figures worked out by hand (test/helpers/doctor-servers.ts).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeCatalogue } from '../helpers/cli.js';
import {
  FROM,
  misconfiguredServer,
  NOW,
  otelGenAiServer,
  RATES,
  TO,
  USERS,
  vllmServer,
} from '../helpers/doctor-servers.js';
import { tempDir } from '../helpers/temp.js';
import { startVictoria, type Victoria } from '../helpers/victoria.js';

const WINDOW = ['--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString()];

interface Finding {
  severity: 'problem' | 'warning' | 'info';
  subject: string;
  text: string;
  fix: string;
}

interface Doctor {
  healthy: boolean;
  closest_preset: string | null;
  requests: number;
  measures: {
    measure: string;
    series: number;
    labels: string[];
    missing_labels: string[];
    interval_seconds: number | null;
    max_gap_seconds: number | null;
    resets_per_day: number;
  }[];
  findings: Finding[];
}

type Row = Record<string, string | number | null>;

let catalogue: string;
const servers: Victoria[] = [];

async function server(lines: Parameters<Victoria['import']>[0]): Promise<Victoria> {
  const victoria = await startVictoria();
  servers.push(victoria);
  await victoria.import(lines);
  return victoria;
}

async function doctor(source: string, extra: string[] = [], cwd?: string) {
  const result = await runCli(
    [
      'doctor',
      '--source',
      source,
      ...WINDOW,
      '--catalogue',
      catalogue,
      '--format',
      'json',
      ...extra,
    ],
    { env: { ML_COST_NOW: NOW }, ...(cwd ? { cwd } : {}) },
  );
  return { ...result, json: JSON.parse(result.stdout || '{}') as Doctor };
}

async function report(source: string, extra: string[], cwd?: string) {
  const result = await runCli(
    [
      'report',
      '--source',
      source,
      ...WINDOW,
      '--catalogue',
      catalogue,
      '--format',
      'json',
      '--by',
      'use_case',
      ...extra,
    ],
    { env: { ML_COST_NOW: NOW }, ...(cwd ? { cwd } : {}) },
  );
  expect(result.code, result.stderr).toBe(0);
  const json = JSON.parse(result.stdout) as { rows: Row[]; totals: Row };
  return (useCase: string) => json.rows.find((row) => row.use_case === useCase) as Row;
}

const problems = (json: Doctor) => json.findings.filter((f) => f.severity === 'problem');

beforeAll(async () => {
  catalogue = await writeCatalogue([
    { version: '2026-07', effective_from: '2026-07-01T00:00:00Z', gpu_hour: { ...RATES } },
  ]);
});

afterAll(async () => {
  await Promise.all(servers.map((victoria) => victoria.stop()));
});

describe('doctor on an OTel-GenAI service behind the OTel Collector', () => {
  let url: string;
  beforeAll(async () => {
    url = (await server(otelGenAiServer())).url;
  });

  it('with the default preset finds no tokens or inferences and names the preset that fits', async () => {
    const { code, json } = await doctor(url);
    expect(code).toBe(1);
    expect(json.closest_preset).toBe('otel-genai');
    const missing = problems(json).filter((f) => f.text === 'no series in the window');
    expect(missing.map((f) => f.subject)).toEqual([
      'tokens (ml_inference_tokens_total)',
      'inferences (ml_inference_duration_milliseconds_count)',
    ]);
    for (const finding of missing) expect(finding.fix).toMatch(/^use --metrics-preset otel-genai /);
  });

  it('with --metrics-preset otel-genai is healthy and says which provider label each series has', async () => {
    const { code, json, stderr } = await doctor(url, ['--metrics-preset', 'otel-genai']);
    expect(problems(json), stderr).toEqual([]);
    expect(code).toBe(0);
    expect(json.healthy).toBe(true);
    const tokens = json.measures.find((m) => m.measure === 'tokens');
    expect(tokens?.series).toBe(4);
    expect(tokens?.labels).toEqual(
      expect.arrayContaining(['gen_ai_token_type', 'gen_ai_provider_name', 'gen_ai_system']),
    );
    expect(tokens?.interval_seconds).toBe(300);
    // Use cases without a value per inference: a warning for rank, not a problem.
    expect(json.findings.some((f) => f.severity === 'warning' && f.subject === 'use cases')).toBe(
      true,
    );
  });

  it('and report with that preset gives the hand-worked usage and cost', async () => {
    const row = await report(url, ['--metrics-preset', 'otel-genai']);
    expect(row('support-chat')).toMatchObject({ input_tokens: 288000, output_tokens: 69120 });
    expect(row('summarise')).toMatchObject({ input_tokens: 172800, output_tokens: 46080 });
    expect(row('support-chat')).toMatchObject({
      tokens: 288000 + 69120,
      inferences: 1728,
      gpu_hours: 9.6,
      cost_eur: 7.2,
    });
    expect(row('summarise')).toMatchObject({
      tokens: 172800 + 46080,
      inferences: 1152,
      gpu_hours: 4.8,
      cost_eur: 19.2,
    });
  });
});

describe('doctor on a vLLM server that restarted', () => {
  let url: string;
  beforeAll(async () => {
    url = (await server(vllmServer())).url;
  });

  it('points from the default names to the vllm preset', async () => {
    const { code, json } = await doctor(url);
    expect(code).toBe(1);
    expect(json.closest_preset).toBe('vllm');
    expect(problems(json).find((f) => f.subject.startsWith('tokens'))?.fix).toMatch(
      /^use --metrics-preset vllm /,
    );
  });

  it('with --metrics-preset vllm is healthy and counts the restart as one reset per series', async () => {
    const { code, json } = await doctor(url, ['--metrics-preset', 'vllm']);
    expect(problems(json)).toEqual([]);
    expect(code).toBe(0);
    const tokens = json.measures.find((m) => m.measure === 'tokens');
    // Two token series, one reset each, over 2 days.
    expect(tokens?.resets_per_day).toBe(1);
    expect(
      json.findings.find((f) => f.severity === 'info' && f.subject.startsWith('tokens'))?.text,
    ).toMatch(/counter resets per day/);
  });

  it('and report with it adds prompt and generation tokens across the restart', async () => {
    const row = await report(url, ['--metrics-preset', 'vllm']);
    expect(row('chat')).toMatchObject({
      input_tokens: 575000,
      output_tokens: 230000,
      tokens: 805000,
      inferences: 3450,
      gpu_hours: 24,
      cost_eur: 96,
    });
  });
});

describe('doctor on an export file of each server', () => {
  it.each([
    ['OTel GenAI', otelGenAiServer, ['--metrics-preset', 'otel-genai']],
    ['vLLM', vllmServer, ['--metrics-preset', 'vllm']],
    ['misconfigured', () => misconfiguredServer(), []],
  ] as const)('%s: finds what the server finds', async (_, lines, flags) => {
    const victoria = await server(lines());
    const file = join(await tempDir('ml-cost-doctor-file-'), 'export.jsonl');
    const exported = await fetch(`${victoria.url}/api/v1/export?match[]={__name__!=""}`);
    await writeFile(file, await exported.text());
    const [fromServer, fromFile] = await Promise.all([
      doctor(victoria.url, [...flags]),
      doctor(file, [...flags]),
    ]);
    expect(fromFile.code).toBe(fromServer.code);
    expect(fromFile.json.measures).toEqual(fromServer.json.measures);
    // The file knows no server limit, so it has no finding about one.
    const plain = (json: Doctor) =>
      json.findings.map(({ severity, subject, text }) => ({ severity, subject, text }));
    expect(plain(fromFile.json)).toEqual(plain(fromServer.json));
  });
});

describe('doctor on a misconfigured server', () => {
  let url: string;
  let dir: string;
  beforeAll(async () => {
    url = (await server(misconfiguredServer())).url;
    dir = await tempDir('ml-cost-doctor-');
    await writeFile(
      join(dir, 'ml-cost.config.json'),
      JSON.stringify({ metrics: { tokens: 'ml_tokens_total', inferences: 'ml_requests_total' } }),
    );
  });

  it('names every problem and its fix on the first run', async () => {
    const { code, json } = await doctor(url);
    expect(code).toBe(1);
    const bySubject = new Map(problems(json).map((f) => [f.subject, f]));
    expect(bySubject.get('tokens (ml_inference_tokens_total)')?.fix).toContain(
      'set metrics.tokens in ml-cost.config.json to the stored name; names that look like it: ml_tokens_total',
    );
    expect(bySubject.get('inferences (ml_inference_duration_milliseconds_count)')?.fix).toContain(
      'ml_requests_total',
    );
    expect(bySubject.get('label user_id')?.text).toContain(`${USERS} values`);
    expect(bySubject.get('label user_id')?.fix).toMatch(/^drop user_id/);
    expect(bySubject.get('GPU type RTX-6000-Ada')?.fix).toContain(
      'add "RTX-6000-Ada" to gpu_hour in',
    );
    expect(bySubject.get('GPU-seconds (ml_gpu_seconds_total)')?.text).toMatch(/a gap of 30 h/);
    const warnings = json.findings.filter((f) => f.severity === 'warning');
    expect(warnings.find((f) => f.subject === 'GPU-seconds (ml_gpu_seconds_total)')?.text).toMatch(
      /sparse samples: one every 30 min/,
    );
    expect(warnings.find((f) => f.subject === 'unattributed GPU time')?.text).toMatch(
      /^4\.8 of 36\.8 GPU-hours/,
    );
  });

  it('with the names fixed in the config, flags the user_id label on tokens and the sparse scrapes', async () => {
    const { json } = await doctor(url, [], dir);
    const subjects = problems(json).map((f) => f.subject);
    expect(subjects).not.toContain('tokens (ml_tokens_total)');
    expect(problems(json).find((f) => f.subject === 'label user_id')?.text).toMatch(
      /^150 values on tokens \(ml_tokens_total\)/,
    );
    const tokens = json.measures.find((m) => m.measure === 'tokens');
    expect(tokens).toMatchObject({ series: USERS, interval_seconds: 1800, max_gap_seconds: 1800 });
  });

  it('asks the same number of requests whatever the number of series', async () => {
    const few = await server(misconfiguredServer(3));
    const [small, large] = await Promise.all([doctor(few.url, [], dir), doctor(url, [], dir)]);
    expect(small.json.requests).toBe(large.json.requests);
    expect(large.json.requests).toBeLessThan(40);
  });

  it('and report with the config gives the hand-worked figures, unpriced and unattributed apart', async () => {
    const row = await report(url, [], dir);
    expect(row('triage')).toMatchObject({
      tokens: 144000,
      inferences: 384,
      gpu_hours: 32,
      cost_eur: 18,
      unpriced_gpu_hours: 8,
    });
    expect(row('')).toMatchObject({ gpu_hours: 4.8, cost_eur: 3.6 });
  });
});
