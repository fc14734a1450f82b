// Every error is one line on stderr, however hostile what was typed: a value holding a line
// break or an escape sequence is shown escaped, so it can neither forge a second log line nor
// drive the terminal. And a closed stdout or stderr pipe never changes what the exit code says.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';

const FORGED = '\nml-cost: all checks passed';
const ESCAPE = '\u001b[2J\u001b[31m';
const REPORT = ['report', '--source', 'example', '--period', '2026-09'];

/** stderr lines that are not warnings: the error itself. */
const errorLines = (stderr: string) =>
  stderr.split('\n').filter((line) => line !== '' && !line.startsWith('ml-cost: warning:'));

describe('flag values with control characters', () => {
  it.each([
    ['--by', ['report', '--source', 'example', '--by', `use_case${FORGED}`]],
    ['--filter', [...REPORT, '--filter', `use_case${FORGED}`]],
    ['--filter value', [...REPORT, '--filter', `no such label${FORGED}=x`]],
    ['--period', ['report', '--source', 'example', '--period', `2026-13${FORGED}`]],
    ['--from', ['report', '--source', 'example', '--from', `2026-09-01${FORGED}`]],
    ['--to', ['report', '--source', 'example', '--from', '2026-09-01', '--to', `x${FORGED}`]],
    ['--tz', [...REPORT, '--tz', `Europe/Paris${FORGED}`]],
    ['--format', [...REPORT, '--format', `csv${FORGED}`]],
    ['--catalogue-version', [...REPORT, '--catalogue-version', `v9${FORGED}`]],
    ['--catalogue', [...REPORT, '--catalogue', `/nonexistent${FORGED}`]],
    ['--source file', ['report', '--source', `/nonexistent${FORGED}.jsonl`, '--period', '2026-09']],
    ['--source URL', ['report', '--source', `ftp://x${FORGED}`, '--period', '2026-09']],
    ['--output', [...REPORT, '--output', `/nonexistent${FORGED}/x.csv`]],
    ['--timeout', ['report', '--source', 'http://127.0.0.1:9', '--timeout', `3${FORGED}`]],
    ['--header', ['report', '--source', 'http://127.0.0.1:9', '--header', `X-A${FORGED}: 1`]],
    ['an unknown option', [...REPORT, `--by${FORGED}`]],
    ['an unknown command', [`report${FORGED}`]],
    ['an escape sequence', [...REPORT, '--tz', `Mars/Base${ESCAPE}`]],
  ])('%s: exit 2 and one line', async (_flag, args) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = errorLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ml-cost: /);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
    expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});

/**
 * Runs the binary with its stdout or stderr pipe closed before it writes: every write then
 * fails with EPIPE, as under `ml-cost gate | head -1` once head has exited.
 */
function runWithClosedPipe(args: readonly string[], closed: 'stdout' | 'stderr') {
  return new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child[closed].destroy();
    const other = closed === 'stdout' ? child.stderr : child.stdout;
    other.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

describe('a closed pipe', () => {
  // The example data has GPU time without a rate: a budget there can only be breached (its
  // cost is a lower bound), so the passing gate checks the unpriced share alone.
  const gate = (budget?: string) => [
    'gate',
    '--source',
    'example',
    '--period',
    '2026-09',
    '--max-unpriced-share',
    '100',
    ...(budget === undefined ? [] : ['--budget', budget]),
    '--format',
    'markdown',
  ];

  it.each([
    ['a passing gate', gate(), 0],
    ['a breached gate', gate('1'), 1],
    ['a report', [...REPORT, '--format', 'csv'], 0],
    [
      'a report to --output /dev/stdout',
      [...REPORT, '--format', 'csv', '--output', '/dev/stdout'],
      0,
    ],
    ['bad usage', [...REPORT, '--tz', 'Mars/Base'], 2],
  ] as const)('keeps the exit code of %s, on stdout and on stderr', async (_name, args, code) => {
    expect(await runWithClosedPipe(args, 'stdout')).toBe(code);
    expect(await runWithClosedPipe(args, 'stderr')).toBe(code);
  });
});
