// The report command through the real binary: exit codes and one-line errors.
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, writeCatalogue } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { freePort } from '../helpers/victoria.js';

const OFFLINE = ['report', '--source', 'example', '--period', '2026-09'];

describe('ml-cost report exit codes', () => {
  it('prints help with the commands and exit codes, exit 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/report/);
    expect(result.stdout).toMatch(/Exit codes/);
  });

  it('runs on the built-in example data with no server, exit 0', async () => {
    const result = await runCli(OFFLINE);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/total/);
    expect(result.stdout).toMatch(/catalogue 2026-07/);
  });

  it('tells of unpriced usage once: a footnote under a table, a warning beside data', async () => {
    const table = await runCli(OFFLINE);
    expect(table.stdout).toMatch(/\* cost excludes [\d.,]+ unpriced GPU-hours .* of RTX-6000-Ada/);
    expect(table.stdout).not.toMatch(/note: unpriced/);
    const json = await runCli([...OFFLINE, '--format', 'json']);
    expect(json.stderr).toMatch(/^ml-cost: warning: unpriced GPU types .*: RTX-6000-Ada$/m);
    expect(JSON.parse(json.stdout).notes).toContain(
      'unpriced GPU types (no rate in the catalogue version in force): RTX-6000-Ada',
    );
  });

  it.each([
    [['report', '--bogus'], /unknown option '--bogus'/],
    [[...OFFLINE, '--format', 'yaml'], /--format.*yaml.*(table|Allowed)/s],
    [
      ['report', '--source', 'example', '--period', 'last-year'],
      /--period: "last-year" is not a period/,
    ],
    [
      ['report', '--source', 'example', '--from', '2026-10-02', '--to', '2026-10-01'],
      /--from must be before --to/,
    ],
    [[...OFFLINE, '--tz', 'Mars/Olympus'], /unknown time zone/],
    [[...OFFLINE, '--filter', 'no-operator'], /--filter: "no-operator" is not label=value/],
    [[...OFFLINE, '--by', 'use case'], /--by: "use case" is not a label name/],
    [[...OFFLINE, '--catalogue-version', 'nope'], /unknown catalogue version "nope"/],
    [['report', '--period', '2026-10'], /no data source/],
    [
      ['report', '--source', '127.0.0.1:8428', '--period', '2026-10'],
      /^ml-cost: --source 127\.0\.0\.1:8428: no such file; a VictoriaMetrics URL needs its scheme: --source http:\/\/127\.0\.0\.1:8428\n$/,
    ],
    // Commander would suggest --version and --from: the options meant are --month and --schema.
    [
      ['forecast', '--source', 'example', '--period', '2026-09'],
      /^ml-cost: forecast has no --period: .*use --month YYYY-MM/,
    ],
    [
      ['export', '--source', 'example', '--format', 'csv'],
      /^ml-cost: export has no --format: an export is always CSV; use --schema ml-cost or --schema focus/,
    ],
    [
      [...OFFLINE, '--timeout', 'abc'],
      /^ml-cost: --timeout: "abc" is not a non-negative number\n$/,
    ],
    [
      [...OFFLINE, '--config', '/nonexistent/ml-cost.json'],
      /^ml-cost: --config \/nonexistent\/ml-cost\.json: cannot read \(no such file\)\n$/,
    ],
  ])('%j exits 2 with one clear line', async (args, message) => {
    const result = await runCli(args, { env: { ML_COST_SOURCE: '' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 2 naming the file and field of a broken catalogue', async () => {
    const catalogue = await writeCatalogue([
      { version: 'v1', effective_from: '2026-01-01T00:00:00Z', gpu_hour: { L4: -1 } },
    ]);
    const result = await runCli([...OFFLINE, '--catalogue', catalogue]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/v1\.json/);
    expect(result.stderr).toMatch(/gpu_hour\.L4/);
  });

  it('exits 2 on a config file with an unknown field', async () => {
    const dir = await tempDir('ml-cost-config-');
    await writeFile(join(dir, 'ml-cost.config.json'), JSON.stringify({ sorce: 'x' }));
    const result = await runCli(OFFLINE, { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ml-cost\.config\.json/);
    expect(result.stderr).toMatch(/sorce/);
  });

  it('exits 3 when VictoriaMetrics cannot be reached', async () => {
    const port = await freePort();
    const result = await runCli([
      'report',
      '--source',
      `http://127.0.0.1:${port}`,
      '--period',
      '2026-10',
      '--timeout',
      '2',
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/127\.0\.0\.1/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 for an --output in a missing directory and writes nothing', async () => {
    const dir = await tempDir('ml-cost-out-');
    const target = join(dir, 'missing', 'report.json');
    const result = await runCli([...OFFLINE, '--format', 'json', '--output', target]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/does not exist/);
    expect(existsSync(target)).toBe(false);
  });

  it('refuses an --output that cannot be written before it queries anything', async () => {
    const dir = await tempDir('ml-cost-out-');
    const port = await freePort();
    // The source is down: exit 2 (the output) rather than 3 shows the output was checked first.
    const result = await runCli([
      'report',
      '--source',
      `http://127.0.0.1:${port}`,
      '--period',
      '2026-09',
      '--output',
      dir,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is a directory/);
  });

  it('refuses a source URL that is not http or https', async () => {
    const result = await runCli([
      'report',
      '--source',
      'ftp://user:pw@host/x',
      '--period',
      '2026-09',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/only http:\/\/ and https:\/\//);
    expect(result.stderr).not.toContain('pw');
  });

  it('names the catalogue versions in force over a window without usage', async () => {
    const args = ['report', '--source', 'example', '--filter', 'use_case=nobody'];
    const september = await runCli([...args, '--period', '2026-09']);
    expect(september.stdout).toMatch(/^prices {2}catalogue 2026-07 · EUR · hash /m);
    const across = await runCli([...args, '--from', '2026-09-28', '--to', '2026-10-02']);
    expect(across.stdout).toMatch(/^prices {2}catalogue 2026-07, 2026-10 · EUR · hash /m);
    expect(across.stdout).toMatch(/no usage in this window/);
  });

  it('writes --output atomically and leaves no temporary file', async () => {
    const dir = await tempDir('ml-cost-out-');
    const target = join(dir, 'report.json');
    const result = await runCli([...OFFLINE, '--format', 'json', '--output', target]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(await readdir(dir)).toEqual(['report.json']);
  });
});
