// Hostile servers and bad credentials through the real binary: answers that cannot be true
// never pass a gate or reach a file, no server holds a run past its deadline or fills its
// memory, and what the user must fix is exit 2 naming the variable or flag.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, writeCatalogue } from '../helpers/cli.js';
import { type FaultServer, startFaultServer } from '../helpers/fault-server.js';
import { startVictoria, type Victoria } from '../helpers/victoria.js';

const T0 = Date.UTC(2026, 1, 1);
const HOUR = 3_600_000;
// 100 + 10 GPU-seconds an hour for 6 hours: 660 s, 6.60 EUR at 36 EUR per GPU-hour.
const RATE = 36;
const WINDOW = ['--from', '2026-02-01T00:00:00Z', '--to', '2026-02-01T06:00:00Z'];

let vm: Victoria;
let server: FaultServer;
let catalogue: string;
let dir: string;

beforeAll(async () => {
  vm = await startVictoria();
  const timestamps = Array.from({ length: 7 }, (_, hour) => T0 + hour * HOUR);
  await vm.import([
    {
      metric: { __name__: 'ml_gpu_seconds_total', use_case: 'chat', gpu_type: 'L4' },
      values: timestamps.map((_, hour) => 100 * hour),
      timestamps,
    },
    {
      metric: { __name__: 'ml_gpu_seconds_total', use_case: 'batch', gpu_type: 'L4' },
      values: timestamps.map((_, hour) => 10 * hour),
      timestamps,
    },
  ]);
  server = await startFaultServer({ upstream: vm.url });
  catalogue = await writeCatalogue([
    { version: 'v1', effective_from: '2026-01-01T00:00:00Z', gpu_hour: { L4: RATE } },
  ]);
  dir = await mkdtemp(join(tmpdir(), 'ml-cost-hostile-'));
});

afterAll(async () => {
  await server?.close();
  await vm?.stop();
  await rm(catalogue, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
});

let test = 0;
beforeEach(() => {
  server.scope = `/hostile-${++test}/`;
  server.fallback = { kind: 'proxy' };
  server.requests.length = 0;
});

const source = () => `${server.url}${server.scope}`;

function ml(args: readonly string[], env: Record<string, string> = {}) {
  return runCli([...args, '--catalogue', catalogue], { env });
}

/** Every value of every series in a query_range answer replaced by `value`. */
const everyValue = (value: string) => (body: string) => {
  const json = JSON.parse(body);
  for (const series of json.data.result) {
    series.values = series.values.map(([t]: [number, string]) => [t, value]);
  }
  return JSON.stringify(json);
};

/** The last value of the first series replaced: the rest of the answer is true. */
const oneValue = (value: string) => (body: string) => {
  const json = JSON.parse(body);
  const last = json.data.result[0]?.values.at(-1);
  if (last) last[1] = value;
  return JSON.stringify(json);
};

describe('answers that cannot be true', () => {
  // The honest cost, 6.60 EUR, breaches a budget of 5: a gate may only exit 1 or 3 here.
  const gate = (output: string) => [
    'gate',
    '--source',
    source(),
    ...WINDOW,
    '--budget',
    '5',
    '--format',
    'markdown',
    '--output',
    output,
  ];

  it('breaches on the honest answer (the control)', async () => {
    const output = join(dir, 'honest.md');
    const result = await ml(gate(output));
    expect(result.code).toBe(1);
    expect(await readFile(output, 'utf8')).toContain('FAIL');
  });

  it.each([
    ['negative increases', everyValue('-100'), /the value -100 at .* is negative/],
    ['one negative increase', oneValue('-100'), /the value -100 at .* is negative/],
    ['NaN points', everyValue('NaN'), /the value "NaN" at .* is not a finite number/],
    ['one NaN point', oneValue('NaN'), /the value "NaN" at .* is not a finite number/],
    ['+Inf', oneValue('+Inf'), /the value "\+Inf" at .* is not a finite number/],
    ['-Inf', oneValue('-Inf'), /the value "-Inf" at .* is not a finite number/],
    ['a word', oneValue('lots'), /the value "lots" at .* is not a finite number/],
    ['an empty value', oneValue(''), /the value "" at .* is not a finite number/],
  ])('%s: exit 3, one line, no file', async (_name, rewrite, message) => {
    server.fallback = { kind: 'proxy', rewrite };
    const output = join(dir, `gate-${test}.md`);
    const result = await ml(gate(output));
    expect(result.code).toBe(3);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/sent an unusable answer to the GPU-seconds/);
    expect(result.stderr).toMatch(message);
    expect((await readdir(dir)).filter((name) => name.startsWith(`gate-${test}`))).toEqual([]);
  });
});

describe('a server that holds the run', () => {
  it('a body trickled in trips the total request deadline named by --timeout', async () => {
    server.fallback = { kind: 'trickle' };
    const result = await ml(['report', '--source', source(), ...WINDOW, '--timeout', '0.3']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'body timeout (the response was not complete within 0.3s); raise --timeout',
    );
  });

  it('retries against an overloaded server stop at the run deadline, named by --deadline', async () => {
    server.fallback = { kind: 'trickle' };
    const result = await ml([
      'report',
      '--source',
      source(),
      ...WINDOW,
      '--timeout',
      '30',
      '--deadline',
      '0.5',
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'run deadline (the requests of this run took more than 0.5s in all); raise --deadline',
    );
  });
});

describe('a huge error body', () => {
  it('is read only as far as the message needs', async () => {
    const sent: number[] = [];
    server.fallback = {
      kind: 'flood',
      status: 500,
      bytes: 300 * 1024 * 1024,
      sent: (bytes) => sent.push(bytes),
    };
    const result = await ml(['report', '--source', source(), ...WINDOW, '--timeout', '30']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /answered 500 Internal Server Error after 4 attempts .*xxxx\.\.\./,
    );
    // Four attempts of the GPU-seconds query, and whatever other query was in flight.
    await expect.poll(() => sent.length).toBeGreaterThanOrEqual(4);
    // What socket buffers held when ml-cost hung up, not the 300 MB offered each time.
    for (const bytes of sent) expect(bytes).toBeLessThan(32 * 1024 * 1024);
  });
});

describe('--allow-partial', () => {
  const partial = (body: string) => JSON.stringify({ ...JSON.parse(body), isPartial: true });

  it.each([
    ['report', []],
    ['rank', []],
  ])('marks every row of the %s CSV as partial', async (command, extra) => {
    server.fallback = { kind: 'proxy', rewrite: partial };
    const args = [command, '--source', source(), ...WINDOW, '--format', 'csv', ...extra];
    const refused = await ml(args);
    expect(refused.code).toBe(3);
    const result = await ml([...args, '--allow-partial']);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header?.split(',').at(-1)).toBe('partial');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.split(',').at(-1)).toBe('true');
  });

  it('leaves a complete answer without the column', async () => {
    const result = await ml(['report', '--source', source(), ...WINDOW, '--format', 'csv']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).not.toContain('partial');
  });
});

describe('what the user must fix: exit 2, naming it, before any request', () => {
  it.each([
    ['--timeout past what a timer holds', ['--timeout', '2147484'], '--timeout must be between'],
    ['a huge --timeout', ['--timeout', '1e12'], '--timeout must be between 0.1 and 86400'],
    ['a tiny --timeout', ['--timeout', '0.001'], '--timeout must be between 0.1 and 86400'],
    ['a tiny --deadline', ['--deadline', '0.01'], '--deadline must be between 0.1 and 86400'],
    ['a huge --deadline', ['--deadline', '1e9'], '--deadline must be between 0.1 and 86400'],
    [
      'a header value with a control character',
      ['--header', 'X-Api-Key: SECRET\u0001x'],
      'invalid --header X-Api-Key: the value holds a control character (U+0001) at character 7',
    ],
    [
      'a header value past Latin-1',
      ['--header', 'X-Api-Key: SECRET€'],
      'invalid --header X-Api-Key: the value holds a character past Latin-1 (U+20AC)',
    ],
  ])('%s', async (_name, flags, message) => {
    const result = await ml(['report', '--source', source(), ...WINDOW, ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(message)]);
    expect(result.stderr).not.toContain('SECRET');
    expect(server.requests).toEqual([]);
  });

  it.each([
    ['a control character', 'tok-SECRET\u0007', 'a control character (U+0007)'],
    ['a line break', 'tok-SECRET\nX-Evil: 1', 'a line break'],
    ['a character past Latin-1', 'tok-SECRET‐dash', 'a character past Latin-1 (U+2010)'],
  ])('a bearer token with %s', async (_name, token, what) => {
    const result = await ml(['report', '--source', source(), ...WINDOW], {
      ML_COST_BEARER_TOKEN: token,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `ml-cost: ML_COST_BEARER_TOKEN holds ${what} at character 11, which an HTTP header cannot carry; set it to the token alone\n`,
    );
    expect(server.requests).toEqual([]);
  });

  describe('a --ca-file that is not a certificate', () => {
    let files: string;
    beforeAll(async () => {
      files = await mkdtemp(join(tmpdir(), 'ml-cost-ca-'));
      await writeFile(join(files, 'notes.txt'), 'not a certificate\n');
      await writeFile(
        join(files, 'broken.pem'),
        '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n',
      );
      await mkdir(join(files, 'dir.pem'));
      execFileSync('mkfifo', [join(files, 'fifo.pem')]);
    });
    afterAll(async () => {
      await rm(files, { recursive: true, force: true });
    });

    it.each([
      ['text', 'notes.txt', 'not a PEM certificate (no -----BEGIN CERTIFICATE----- block)'],
      ['a broken PEM block', 'broken.pem', 'certificate 1 of 1 cannot be read'],
      ['a directory', 'dir.pem', 'not a regular file'],
      ['a FIFO', 'fifo.pem', 'not a regular file'],
    ])('%s', async (_name, file, message) => {
      const path = join(files, file);
      const result = await ml([
        'report',
        '--source',
        source().replace('http:', 'https:'),
        ...WINDOW,
        '--ca-file',
        path,
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(`^ml-cost: --ca-file ${path}: ${message.replace(/[()]/g, '\\$&')}`),
      );
      expect(result.stderr).not.toContain('pass --ca-file');
    });
  });
});
