// Broken configs and catalogues through the real binary: each exits 2 with one line naming the
// file and the field, and nothing is written to --output.
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const GOOD_VERSION = {
  version: 'v1',
  effective_from: '2026-01-01T00:00:00Z',
  currency: 'EUR',
  gpu_hour: { L4: 0.5 },
};

async function run(files: Record<string, string>, extraArgs: string[] = []) {
  const dir = await tempDir('ml-cost-bad-');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  const output = join(dir, 'out', 'report.json');
  await mkdir(join(dir, 'out'));
  const result = await runCli(
    [
      'report',
      '--source',
      'example',
      '--period',
      '2026-09',
      '--format',
      'json',
      '--output',
      output,
      ...extraArgs,
    ],
    { cwd: dir },
  );
  return { ...result, written: await readdir(join(dir, 'out')), output };
}

const config = (value: unknown) => ({
  'ml-cost.config.json': typeof value === 'string' ? value : JSON.stringify(value),
});

describe('broken ml-cost.config.json', () => {
  it.each([
    ['not JSON', '{ "tz": ', /not valid JSON/],
    ['a repeated key', '{ "tz": "UTC", "tz": "Europe/Paris" }', /key "tz" appears twice/],
    ['an array', '[]', /\(top level\)/],
    ['an unknown field', { sorce: 'x' }, /sorce/],
    ['source of the wrong type', { source: 8428 }, /source/],
    ['tz of the wrong type', { tz: 1 }, /tz/],
    ['an unknown time zone', { tz: 'Europe/Atlantis' }, /tz.*Europe\/Atlantis|Europe\/Atlantis/],
    ['an empty by', { by: [] }, /by/],
    ['a by with a number', { by: ['use_case', 3] }, /by\.1/],
    [
      'a negative value per inference',
      { use_cases: { chat: { value_per_inference: -1 } } },
      /use_cases\.chat\.value_per_inference/,
    ],
    ['an unknown use-case field', { use_cases: { chat: { value: 1 } } }, /use_cases\.chat/],
    ['a zero marginal factor', { marginal_factor: 0 }, /marginal_factor/],
    ['a marginal factor as text', { marginal_factor: '2' }, /marginal_factor/],
    ['negative settle minutes', { settle_minutes: -1 }, /settle_minutes/],
    ['an unknown metric key', { metrics: { gpu: 'x' } }, /metrics/],
    ['an empty label name', { labels: { gpu_type: '' } }, /labels\.gpu_type/],
    [
      'a label name with a space',
      { labels: { gpu_type: 'gpu type' } },
      /labels\.gpu_type: "gpu type"/,
    ],
    ['a label name starting with a digit', { labels: { use_case: '1case' } }, /labels\.use_case/],
    ['a reserved label name', { labels: { model_name: '__name__' } }, /labels\.model_name/],
    [
      'a metric name with a space',
      { metrics: { gpu_seconds: 'gpu seconds' } },
      /metrics\.gpu_seconds/,
    ],
    ['a metric name with a brace', { metrics: { tokens: 'tokens{a="b"}' } }, /metrics\.tokens/],
    ['an empty metric name', { metrics: { inferences: '' } }, /metrics\.inferences/],
    ['a negative gate budget', { gates: { budget: -5 } }, /gates\.budget/],
    ['an unknown gate basis', { gates: { on: 'maybe' } }, /gates\.on/],
    [
      'an unpriced share over 100%',
      { gates: { max_unpriced_share: 150 } },
      /gates\.max_unpriced_share/,
    ],
    ['an unknown preset', { preset: 'prom' }, /preset.*prom/],
  ])('%s', async (_name, value, field) => {
    const result = await run(config(value));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ml-cost\.config\.json/);
    expect(result.stderr).toMatch(field);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.written).toEqual([]);
  });

  it('names a --config file that does not exist', async () => {
    const result = await run({}, ['--config', 'nowhere.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nowhere\.json/);
    expect(existsSync(result.output)).toBe(false);
  });
});

describe('broken catalogue', () => {
  const catalogue = (files: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(files).map(([name, value]) => [
        `pricing/${name}`,
        typeof value === 'string' ? value : JSON.stringify(value),
      ]),
    );

  it.each([
    [
      'a negative rate',
      { 'v1.json': { ...GOOD_VERSION, gpu_hour: { L4: -1 } } },
      /v1\.json.*gpu_hour\.L4/,
    ],
    [
      'a rate as text',
      { 'v1.json': { ...GOOD_VERSION, gpu_hour: { L4: '0.5' } } },
      /v1\.json.*gpu_hour\.L4/,
    ],
    [
      'a huge rate',
      { 'v1.json': { ...GOOD_VERSION, gpu_hour: { L4: 4100 } } },
      /v1\.json.*gpu_hour\.L4/,
    ],
    ['no rates', { 'v1.json': { ...GOOD_VERSION, gpu_hour: {} } }, /v1\.json.*gpu_hour/],
    [
      'a start off the hour',
      { 'v1.json': { ...GOOD_VERSION, effective_from: '2026-01-01T00:30:00Z' } },
      /v1\.json.*effective_from/,
    ],
    [
      'a start with an offset',
      { 'v1.json': { ...GOOD_VERSION, effective_from: '2026-01-01T00:00:00+01:00' } },
      /v1\.json.*effective_from/,
    ],
    [
      'a lower-case currency',
      { 'v1.json': { ...GOOD_VERSION, currency: 'eur' } },
      /v1\.json.*currency/,
    ],
    [
      'a missing version',
      { 'v1.json': { ...GOOD_VERSION, version: undefined } },
      /v1\.json.*version/,
    ],
    [
      'a misspelt field',
      { 'v1.json': { ...GOOD_VERSION, gpu_hours: { L4: 1 } } },
      /v1\.json.*gpu_hours/,
    ],
    ['not JSON', { 'v1.json': '{ "version": "v1", ' }, /v1\.json/],
    [
      'a GPU type priced twice',
      {
        'v1.json':
          '{ "version": "v1", "effective_from": "2026-01-01T00:00:00Z", "currency": "EUR", "gpu_hour": { "L4": 0.5, "L4": 5 } }',
      },
      /v1\.json.*key "L4" appears twice/,
    ],
    [
      'two files with one version',
      {
        'a.json': GOOD_VERSION,
        'b.json': { ...GOOD_VERSION, effective_from: '2026-02-01T00:00:00Z' },
      },
      /version/,
    ],
    [
      'two versions from one instant',
      { 'a.json': GOOD_VERSION, 'b.json': { ...GOOD_VERSION, version: 'v2' } },
      /effective_from/,
    ],
    [
      'mixed currencies',
      {
        'a.json': GOOD_VERSION,
        'b.json': {
          ...GOOD_VERSION,
          version: 'v2',
          effective_from: '2026-02-01T00:00:00Z',
          currency: 'USD',
        },
      },
      /currency/,
    ],
  ])('%s', async (_name, files, message) => {
    const result = await run(catalogue(files), ['--catalogue', 'pricing']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.written).toEqual([]);
  });

  it('says so when the directory has no catalogue file', async () => {
    const result = await run({ 'pricing/README.txt': 'prices go here' }, [
      '--catalogue',
      'pricing',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pricing/);
    expect(result.written).toEqual([]);
  });
});
