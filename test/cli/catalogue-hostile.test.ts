// Catalogues that are wrong in ways a hand-written one can be: each problem is one line naming
// the file and the field, with no second line contradicting it; names that could drive a
// terminal are refused; a file that is not a regular file is refused instead of read for ever.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const GOOD = {
  version: 'v1',
  effective_from: '2026-01-01T00:00:00Z',
  currency: 'EUR',
  gpu_hour: { L4: 0.5 },
};

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function catalogueDir(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ml-cost-catalogue-'));
  dirs.push(dir);
  for (const [name, value] of Object.entries(files)) {
    await writeFile(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  }
  return dir;
}

const COMMANDS = [
  ['pricing', 'validate'],
  ['pricing', 'show'],
  ['pricing', 'list'],
  ['report', '--source', 'example', '--period', '2026-09'],
];

describe('one problem, one line', () => {
  it.each([
    [
      'an effective_from with an offset',
      { ...GOOD, effective_from: '2026-01-01T00:00:00+02:00' },
      'v1.json: effective_from: must be in UTC, ending in "Z" (convert the offset)',
    ],
    [
      'an effective_from that is not a timestamp',
      { ...GOOD, effective_from: 'soon' },
      'v1.json: effective_from: must be an ISO 8601 UTC timestamp on a whole hour',
    ],
    [
      'a negative max_gpu_hour_rate',
      { ...GOOD, gpu_hour: { L4: 0.5, H100: 4 }, max_gpu_hour_rate: -5 },
      'v1.json: max_gpu_hour_rate: must be a number above 0 (the highest plausible price per GPU-hour) (got -5)',
    ],
    [
      'a zero max_gpu_hour_rate',
      { ...GOOD, max_gpu_hour_rate: 0 },
      'v1.json: max_gpu_hour_rate: must be a number above 0',
    ],
    [
      'a max_gpu_hour_rate as text',
      { ...GOOD, max_gpu_hour_rate: '100' },
      'v1.json: max_gpu_hour_rate: must be a number above 0',
    ],
  ])('%s', async (_name, version, expected) => {
    const dir = await catalogueDir({ 'v1.json': version });
    for (const command of COMMANDS) {
      const result = await runCli([...command, '--catalogue', dir]);
      expect(result.code).toBe(2);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(expected);
    }
  });
});

describe('GPU type names that could drive a terminal', () => {
  it.each([
    ['an escape sequence', 'L4\u001b[31m'],
    ['a line break', 'L4\nml-cost: ok: 1 version'],
    ['a carriage return', 'L4\rH100'],
    ['a NUL', 'L4\u0000'],
    ['a bidirectional override', 'L4\u202eBG08-001H'],
    ['a C1 control', 'L4\u009b2J'],
  ])('refuses %s, in every command that loads the catalogue', async (_name, gpuType) => {
    const dir = await catalogueDir({ 'v1.json': { ...GOOD, gpu_hour: { L4: 0.5, [gpuType]: 1 } } });
    for (const command of COMMANDS) {
      const result = await runCli([...command, '--catalogue', dir]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('GPU type must be non-empty, with no control characters');
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
      expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    }
  });

  it('still takes names with spaces, dots and non-ASCII letters', async () => {
    const dir = await catalogueDir({
      'v1.json': { ...GOOD, gpu_hour: { 'RTX 6000 Ada': 1, 'A100.80GB': 2, 'Ускоритель-1': 3 } },
    });
    const result = await runCli(['pricing', 'validate', '--catalogue', dir]);
    expect(result.code).toBe(0);
  });
});

describe('exporter aliases and MIG rules that are wrong or hostile', () => {
  it.each([
    [
      'an alias naming a GPU type the file does not price',
      { ...GOOD, gpu_aliases: { 'NVIDIA L4': 'l4' } },
      'v1.json: gpu_aliases.NVIDIA L4: names "l4", which gpu_hour does not price; use one of "L4"',
    ],
    [
      'an alias that is a GPU type already',
      { ...GOOD, gpu_aliases: { L4: 'L4' } },
      'v1.json: gpu_aliases.L4: "L4" is a GPU type of gpu_hour already',
    ],
    [
      'an alias whose target has a trailing space',
      { ...GOOD, gpu_aliases: { 'NVIDIA L4': 'L4 ' } },
      'v1.json: gpu_aliases.NVIDIA L4: the GPU type an alias names must be non-empty',
    ],
    [
      'an empty alias',
      { ...GOOD, gpu_aliases: { '': 'L4' } },
      'v1.json: gpu_aliases.: alias must be non-empty',
    ],
    [
      'a MIG rule for an unpriced GPU type',
      { ...GOOD, mig: { 'NVIDIA L4': { slices: 4 } } },
      'v1.json: mig.NVIDIA L4: "NVIDIA L4" is not a GPU type of gpu_hour',
    ],
    [
      'a MIG share as text',
      { ...GOOD, mig: { L4: { share: { '1g.6gb': '0.25' } } } },
      'v1.json: mig.L4.share.1g.6gb: must be a number above 0 and at most 1',
    ],
  ])('%s: one line naming file and field', async (_name, version, expected) => {
    const dir = await catalogueDir({ 'v1.json': version });
    for (const command of COMMANDS) {
      const result = await runCli([...command, '--catalogue', dir]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(expected);
    }
  });

  it.each([
    ['an escape sequence', 'NVIDIA L4\u001b[31m'],
    ['a line break', 'NVIDIA L4\nml-cost: ok: 1 version'],
    ['a bidirectional override', 'NVIDIA\u202e4L'],
    ['a C1 control', 'NVIDIA L4\u009b2J'],
  ])('refuses an alias or a MIG profile with %s, and never prints it raw', async (_name, name) => {
    for (const version of [
      { ...GOOD, gpu_aliases: { [name]: 'L4' } },
      { ...GOOD, mig: { L4: { share: { [name]: 0.5 } } } },
    ]) {
      const dir = await catalogueDir({ 'v1.json': version });
      const result = await runCli(['pricing', 'validate', '--catalogue', dir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('must be non-empty, with no control characters');
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
      expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    }
  });

  it('takes the long, spaced, non-ASCII and metacharacter-laden names exporters can write', async () => {
    const names = {
      'NVIDIA H100 80GB HBM3': 'L4',
      'NVIDIA A100-SXM4-80GB (MIG) [x] .* $1 \\ "q"': 'L4',
      'Ускоритель L4': 'L4',
      [`NVIDIA ${'X'.repeat(2000)}`]: 'L4',
    };
    const dir = await catalogueDir({
      'v1.json': { ...GOOD, gpu_aliases: names, mig: { L4: { share: { '1g.*gb': 0.5 } } } },
    });
    const result = await runCli(['pricing', 'show', 'v1', '--catalogue', dir, '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).gpu_aliases).toEqual(names);
  });
});

describe('files that are not regular files', () => {
  it('refuses a FIFO named *.json instead of waiting on it for ever', async () => {
    const dir = await catalogueDir({ 'v1.json': GOOD });
    execFileSync('mkfifo', [join(dir, 'v2.json')]);
    for (const command of COMMANDS) {
      const result = await runCli([...command, '--catalogue', dir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `ml-cost: ${join(dir, 'v2.json')}: not a regular file; a catalogue version is a JSON file (remove or rename it)\n`,
      );
    }
  });

  it('refuses a directory named *.json', async () => {
    const dir = await catalogueDir({ 'v1.json': GOOD });
    await mkdir(join(dir, 'v2.json'));
    const result = await runCli(['pricing', 'validate', '--catalogue', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('v2.json: not a regular file');
  });
});
