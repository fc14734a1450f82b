// Attribution rules on a real VictoriaMetrics, on series shaped like dcgm-exporter's (modelName,
// GPU_I_PROFILE, namespace, pod, 30-second scrapes), one of them without pod labels, and on an
// export file of the same series: use cases and unattributed usage to the cent by hand.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { type ExportLine, startVictoria, type Victoria } from '../helpers/victoria.js';

const T0 = Date.parse('2026-07-01T00:00:00Z');
const HOUR = 3_600_000;
const SCRAPE = 30_000;
const GPU = 'gpu_allocated_seconds_total';
const TOKENS = 'app_tokens_total';
const H100 = 'NVIDIA H100 80GB HBM3';
const A100 = 'NVIDIA A100-SXM4-80GB';
const HOSTILE_POD = 'a.b*c(+)[x]$1 \\ "q" чат 🤖';

/** A counter scraped every 30 s from `fromMs` to `toMs`, rising `perSecond` each second, from 0. */
function counter(
  name: string,
  labels: Record<string, string>,
  perSecond: number,
  fromMs = T0 - HOUR,
  toMs = T0 + 7 * HOUR,
): ExportLine {
  const values: number[] = [];
  const timestamps: number[] = [];
  for (let t = fromMs; t <= toMs; t += SCRAPE) {
    values.push(((t - fromMs) / 1000) * perSecond);
    timestamps.push(t);
  }
  return { metric: { __name__: name, ...labels }, values, timestamps };
}

const node = { Hostname: 'gpu-node-1', UUID: 'GPU-1', job: 'dcgm' };

// Rates: H100 7.00, A100 3.50 per GPU-hour; an A100 1g.10gb costs 0.125 of it. Window 6 h.
const fixture: ExportLine[] = [
  // search (namespace rule): a whole H100, 6 h x 7.00 = 42.00.
  counter(GPU, { ...node, modelName: H100, gpu: '0', namespace: 'search', pod: 'search-api-0' }, 1),
  // support-chat (pod prefix): H100 slices 3g.40gb, 6 x 3.00 = 18.00, and 1g.10gb, 6 x 1.00.
  counter(
    GPU,
    {
      ...node,
      modelName: H100,
      gpu: '1',
      GPU_I_PROFILE: '3g.40gb',
      namespace: 'default',
      pod: 'chat-7f9c',
    },
    1,
  ),
  counter(
    GPU,
    {
      ...node,
      modelName: H100,
      gpu: '1',
      GPU_I_PROFILE: '1g.10gb',
      namespace: 'default',
      pod: 'chat-x2',
    },
    1,
  ),
  // training (namespace and anchored pod regex): A100 1g.10gb from 02:00, 4 x 3.50 x 0.125 = 1.75.
  counter(
    GPU,
    {
      ...node,
      modelName: A100,
      gpu: '2',
      GPU_I_PROFILE: '1g.10gb',
      namespace: 'ml',
      pod: 'train-12',
    },
    1,
    T0 + 2 * HOUR,
  ),
  // No rule: "train-12x" is not train-[0-9]+ whole. A whole A100, 6 x 3.50 = 21.00.
  counter(GPU, { ...node, modelName: A100, gpu: '3', namespace: 'ml', pod: 'train-12x' }, 1),
  // No rule: a GPU dcgm-exporter could not map to a pod (no namespace, no pod), 6 x 7.00 = 42.00.
  counter(GPU, { ...node, modelName: H100, gpu: '4' }, 1),
  // team-vision (use case taken from the namespace), a hostile pod name, half a GPU: 3 x 7 = 21.00.
  counter(
    GPU,
    { ...node, modelName: H100, gpu: '5', namespace: 'team-vision', pod: HOSTILE_POD },
    0.5,
  ),
  // Tokens go through the same rules: 10 per second for 6 h in search, 216,000.
  counter(TOKENS, { namespace: 'search', pod: 'search-api-1' }, 10),
  // and 1 per second from a pod no rule names, 21,600 unattributed.
  counter(TOKENS, { namespace: 'batch', pod: 'job-1' }, 1),
];

const RULES = [
  { match: { namespace: 'search' }, use_case: 'search' },
  { match: { pod: { prefix: 'chat-' } }, use_case: 'support-chat' },
  { match: { namespace: 'ml', pod: { regex: 'train-[0-9]+' } }, use_case: 'training' },
  { match: { namespace: { regex: 'team-.+' } }, use_case: { label: 'namespace' } },
];

let vm: Victoria;
let dir: string;
let exportFile: string;

beforeAll(async () => {
  vm = await startVictoria();
  await vm.import(fixture);
  dir = await tempDir('ml-cost-attribution-');
  await mkdir(join(dir, 'pricing'));
  await writeFile(
    join(dir, 'pricing', 'v1.json'),
    JSON.stringify({
      version: 'v1',
      effective_from: '2026-06-01T00:00:00Z',
      currency: 'EUR',
      gpu_hour: { 'H100-80GB': 7, 'A100-80GB': 3.5 },
      gpu_aliases: { [H100]: 'H100-80GB', [A100]: 'A100-80GB' },
      mig: { 'A100-80GB': { share: { '1g.10gb': 0.125 } } },
    }),
  );
  await writeFile(join(dir, 'ml-cost.config.json'), JSON.stringify(config(RULES)));
  exportFile = join(dir, 'cluster.jsonl');
  const res = await fetch(`${vm.url}/api/v1/export?match[]={__name__=~"${GPU}|${TOKENS}"}`);
  await writeFile(exportFile, await res.text());
});

afterAll(async () => {
  await vm?.stop();
});

function config(rules: unknown) {
  return {
    catalogue: 'pricing',
    metrics: { gpu_seconds: GPU, tokens: TOKENS, inferences: 'app_requests_total' },
    labels: { gpu_type: 'modelName' },
    by: ['use_case'],
    attribution: { rules },
  };
}

async function report(source: string, args: readonly string[] = [], cwd = dir) {
  const result = await runCli(
    [
      'report',
      '--source',
      source,
      '--from',
      '2026-07-01T00:00:00Z',
      '--to',
      '2026-07-01T06:00:00Z',
      '--format',
      'json',
      ...args,
    ],
    { cwd, env: { ML_COST_NOW: '2026-07-02T00:00:00Z' } },
  );
  const json = result.stdout.startsWith('{') ? JSON.parse(result.stdout) : undefined;
  return { ...result, json };
}

type Row = Record<string, unknown>;
const byUseCase = (json: { rows: Row[] }) =>
  Object.fromEntries(json.rows.map((row) => [row.use_case, row]));

describe.each([
  ['VictoriaMetrics', () => vm.url],
  ['an export file of the same series', () => exportFile],
])('attribution rules on DCGM-shaped series from %s', (_name, source) => {
  it('gives each use case its GPU time and tokens, to the cent, and keeps the rest unattributed', async () => {
    const { json, code, stderr } = await report(source());
    expect(code, stderr).toBe(0);
    const rows = byUseCase(json);
    expect(Object.keys(rows).sort()).toEqual([
      '',
      'search',
      'support-chat',
      'team-vision',
      'training',
    ]);
    expect(rows.search?.cost_eur).toBeCloseTo(42, 9);
    expect(rows.search?.tokens).toBe(216_000);
    expect(rows['support-chat']?.cost_eur).toBeCloseTo(24, 9);
    expect(rows.training?.cost_eur).toBeCloseTo(1.75, 9);
    expect(rows['team-vision']?.cost_eur).toBeCloseTo(21, 9);
    expect(rows['']?.cost_eur).toBeCloseTo(63, 9);
    expect(rows['']?.gpu_hours).toBeCloseTo(12, 9);
    expect(rows['']?.tokens).toBe(21_600);
    // Attributed + unattributed = all: nothing dropped.
    expect(json.totals.cost_eur).toBeCloseTo(42 + 24 + 1.75 + 21 + 63, 9);
    expect(json.totals.gpu_hours).toBeCloseTo(6 + 6 + 6 + 4 + 6 + 6 + 3, 9);
    const note = (json.notes as string[]).find((text) => text.startsWith('unattributed:'));
    expect(note).toContain(
      'unattributed: 12.00 GPU-hours (63.00 EUR), 0 inferences and 21600 tokens match no attribution rule',
    );
    expect(note).toContain('namespace="ml", pod="train-12x"');
    expect(note).toContain('namespace="", pod=""');
    expect(note).toContain('namespace="batch", pod="job-1"');
    // The same, for programs: part of the totals, counted apart.
    expect(json.unattributed).toMatchObject({
      by: 'attribution_rules',
      gpu_hours: 12,
      tokens: 21_600,
      cost_eur: 63,
      gpu_share: Number((12 / 37).toFixed(8)),
      label_sets: 3,
    });
  });

  it('shows unattributed usage under the table, as it shows unpriced usage', async () => {
    const result = await report(source(), ['--format', 'table']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'unattributed: 12.00 GPU-hours (32.4% of GPU time, 63.00 EUR) match no attribution rule; they are in the totals, as use case (none)',
    );
    expect(result.stdout).toMatch(/│ \(none\) +│ +12\.00 │/);
  });

  it('counts unattributed usage under any grouping, and the rules still decide', async () => {
    const { json } = await report(source(), ['--by', 'namespace']);
    const rows = Object.fromEntries((json.rows as Row[]).map((row) => [row.namespace, row]));
    expect(rows.ml?.cost_eur).toBeCloseTo(1.75 + 21, 9);
    expect(rows['']?.cost_eur).toBeCloseTo(42, 9);
    expect((json.notes as string[]).join('\n')).toContain(
      'unattributed: 12.00 GPU-hours (63.00 EUR)',
    );
  });

  it('filters by the use case the rules give, not the label series carry', async () => {
    const training = await report(source(), ['--filter', 'use_case=training']);
    expect(training.json.rows).toHaveLength(1);
    expect(training.json.totals.cost_eur).toBeCloseTo(1.75, 9);
    // The inferences metric has no series in this cluster; nothing else is said.
    expect(training.json.notes).toEqual([
      'no series of app_requests_total (inferences) in the window: check the window, the metric name or --metrics-preset',
    ]);
    const none = await report(source(), ['--filter', 'use_case=']);
    expect(none.json.totals.cost_eur).toBeCloseTo(63, 9);
    const typo = await report(source(), ['--filter', 'use_case=trainign']);
    expect(typo.json.rows).toEqual([]);
    expect((typo.json.notes as string[]).join('\n')).toContain(
      '--filter use_case=trainign: the attribution rules give no usage in the window that use case',
    );
  });
});

describe('a broken rule', () => {
  it('is exit 2, one line naming the rule, before any query', async () => {
    const broken = await tempDir('ml-cost-attribution-broken-');
    await writeFile(
      join(broken, 'ml-cost.config.json'),
      JSON.stringify(config([RULES[0], { match: { pod: { regex: 'chat-(' } }, use_case: 'x' }])),
    );
    const result = await report(vm.url, [], broken);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `ml-cost: ${join(broken, 'ml-cost.config.json')}: attribution.rules.1.match.pod.regex: invalid regular expression "chat-(": Unterminated group`,
    ]);
  });
});
