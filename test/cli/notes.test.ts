// Notes (window cut, empty metrics, unmatched labels) go to stderr in every format: stdout, or
// the --output file, carries only the result.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

// Mid-October 2026 in the example data: this month's window is cut back to a settled hour.
const IN_OCTOBER = { ML_COST_NOW: '2026-10-20T12:00:00Z' };
const CUT_NOTE = /window cut at 2026-10-20T11:00:00Z: newer data is not settled yet/;

describe('notes go to stderr, the result to stdout', () => {
  it.each([
    ['report', 'table'],
    ['report', 'markdown'],
    ['report', 'csv'],
    ['rank', 'table'],
    ['rank', 'markdown'],
    ['gate', 'table'],
    ['gate', 'markdown'],
  ])('%s --format %s', async (command, format) => {
    const limit = command === 'gate' ? ['--max-unpriced-share', '100'] : [];
    const result = await runCli(
      [command, '--source', 'example', '--period', 'this-month', '--format', format, ...limit],
      { env: IN_OCTOBER },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(CUT_NOTE);
    expect(result.stdout).not.toMatch(/window cut|note:/);
    expect(result.stdout).toMatch(/support-chat|budget|unpriced/);
  });

  it('an --output file holds the table alone', async () => {
    const out = join(await tempDir('ml-cost-notes-'), 'report.txt');
    const result = await runCli(
      ['report', '--source', 'example', '--period', 'this-month', '--output', out],
      { env: IN_OCTOBER },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(CUT_NOTE);
    const text = await readFile(out, 'utf8');
    expect(text).toMatch(/^ml-cost report\n/);
    expect(text).not.toMatch(/window cut|note:/);
  });

  it('JSON still lists its notes in the data', async () => {
    const result = await runCli(
      ['report', '--source', 'example', '--period', 'this-month', '--format', 'json'],
      { env: IN_OCTOBER },
    );
    expect(JSON.parse(result.stdout).notes).toEqual(
      expect.arrayContaining([expect.stringMatching(CUT_NOTE)]),
    );
  });
});

describe('the example data outside its window', () => {
  it('says where the example data lies instead of showing only zeros', async () => {
    const result = await runCli(['report', '--source', 'example', '--period', '2026-11'], {
      env: { ML_COST_NOW: '2026-12-02T00:00:00Z' },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^ml-cost: warning: the example data covers 2026-09-01 to 2026-10-21 \(UTC\): try --period 2026-09/m,
    );
    expect(result.stderr).toMatch(
      /no series of ml_gpu_seconds_total \(gpu_seconds\) in the window: check the window, the metric name or --metrics-preset/,
    );
    const inside = await runCli(['report', '--source', 'example', '--period', '2026-09']);
    expect(inside.stderr).not.toMatch(/the example data covers/);
  });
});
