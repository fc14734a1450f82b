// ml-cost gate through the real binary: the exit-code matrix (pass 0, breach 1, bad usage or
// catalogue 2, source down 3) on an offline export file with known increments.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeCatalogue } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { writeTwoDayFiles } from '../helpers/two-days.js';
import { freePort } from '../helpers/victoria.js';

// Hourly samples from helpers/two-days.ts (HOURLY_RATES): chat 1000 tokens and 10 inferences
// per hour, search 100 inferences per hour. Month to date at 2026-11-28T00:10Z (settled until 00:00):
//   chat   = 24 x 2.93 + 12 x 2.93 + 12 x 3.00 = 141.48 EUR, 480 inferences, 48 000 tokens
//   search = 48 x 0.5 x 0.71                   =  17.04 EUR
//   total  = 158.52 EUR
const NOW = '2026-11-28T00:10:00Z';

let dir: string;
let source: string;
let catalogue: string;

beforeAll(async () => {
  ({ dir, source, catalogue } = await writeTwoDayFiles('ml-cost-gate-'));
});

const gate = (...args: string[]) =>
  runCli(['gate', '--source', source, '--catalogue', catalogue, ...args], {
    env: { ML_COST_NOW: NOW },
    cwd: dir,
  });

describe('ml-cost gate exit codes', () => {
  it('passes a budget above the month-to-date cost: exit 0 and a table of checks', async () => {
    const result = await gate('--budget', '160');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/PASSED/);
    expect(result.stdout).toMatch(/budget \(actual\).*PASS.*158\.52 EUR.*160\.00 EUR.*1\.48 EUR/);
  });

  it('breaches a budget below it: exit 1, the table still printed', async () => {
    const result = await gate('--budget', '150');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/budget \(actual\).*FAIL.*158\.52 EUR.*150\.00 EUR.*-8\.52 EUR/);
    expect(result.stderr).toMatch(/gate breached: 1 of 2 checks failed/);
  });

  it('checks unit costs of one use case', async () => {
    // chat: 141.48 / 480 = 0.29475 EUR per inference; 48 000 / 141.48 = 339.3 tokens per EUR.
    const pass = await gate(
      '--use-case',
      'chat',
      '--max-cost-per-inference',
      '0.30',
      '--min-tokens-per-eur',
      '300',
    );
    expect(pass.code).toBe(0);
    const breach = await gate('--use-case', 'chat', '--max-cost-per-inference', '0.29');
    expect(breach.code).toBe(1);
    expect(breach.stdout).toMatch(/max cost per inference.*chat.*FAIL.*0\.2948 EUR/);
    const tokens = await gate('--use-case', 'chat', '--min-tokens-per-eur', '340');
    expect(tokens.code).toBe(1);
  });

  it('fails closed on unpriced usage by default, and allows an explicit share', async () => {
    const noL4 = await writeCatalogue([
      { version: 'v1', effective_from: '2026-01-01T00:00:00Z', gpu_hour: { 'A100-80GB': 2.93 } },
    ]);
    const run = (...args: string[]) =>
      runCli(['gate', '--source', source, '--catalogue', noL4, '--budget', '1000', ...args], {
        env: { ML_COST_NOW: NOW },
      });
    const strict = await run();
    expect(strict.code).toBe(1);
    // L4: 24 of 72 GPU-hours = 33.33 %.
    expect(strict.stdout).toMatch(/max unpriced share.*FAIL.*33\.33%/);
    // A 40 % share lets the unpriced share pass, but the budget is held against chat's priced
    // 48 x 2.93 = 140.64 EUR alone, a lower bound: under 1000 it proves nothing, over 100 it
    // breaches.
    const allowed = await run('--max-unpriced-share', '40');
    expect(allowed.code).toBe(1);
    expect(allowed.stdout).toMatch(/max unpriced share.*PASS.*33\.33%/);
    expect(allowed.stdout).toMatch(/budget \(actual\).*FAIL.*≥ 140\.64 EUR \(only a bound/);
    const over = await runCli(
      ['gate', '--source', source, '--catalogue', noL4, '--budget', '100'],
      { env: { ML_COST_NOW: NOW } },
    );
    expect(over.stdout).toMatch(/budget \(actual\).*FAIL.*≥ 140\.64 EUR.*-40\.64 EUR/);
    expect((await run('--max-unpriced-share', '40', '--budget', '1000')).code).toBe(1);
  });

  it('fails a use case with no usage rather than passing it', async () => {
    const result = await gate('--use-case', 'no-such-use-case', '--budget', '1000');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/no usage in the window/);
  });

  it('holds the budget against the end-of-month forecast', async () => {
    // Run-rate: 48 A100 and 24 L4 GPU-hours over 648 elapsed hours, 72 hours to go at 3.00 and
    // 0.71: 158.52 + 16.00 + 1.89 = 176.41 EUR. Trend, fitted per GPU type on the 27 closed days
    // (0 GPU-hours until 24 A100 and 12 L4 on each of the last two): A100 slope 600/1638 per
    // day, projected 6.906 + 7.272 + 7.639 = 21.817 GPU-hours x 3.00 = 65.45; L4 half of that
    // in GPU-hours, 10.908 x 0.71 = 7.74. Trend 158.52 + 65.45 + 7.74 = 231.72 EUR, the higher.
    const breach = await gate('--budget', '170', '--on', 'forecast');
    expect(breach.code).toBe(1);
    expect(breach.stdout).toMatch(/budget \(forecast: trend\).*all.*FAIL.*231\.72 EUR/);
    expect((await gate('--budget', '100000', '--on', 'forecast')).code).toBe(0);
  });

  it("holds a use case's budget against its own forecast", async () => {
    // chat alone (A100 only): 141.48 EUR to date, trend 65.45 EUR to go (above): 206.93 EUR,
    // above its run-rate of 141.48 + 16.00.
    const breach = await gate('--use-case', 'chat', '--budget', '206', '--on', 'forecast');
    expect(breach.code).toBe(1);
    expect(breach.stdout).toMatch(/budget \(forecast: trend\).*chat.*FAIL.*206\.93 EUR/);
    const pass = await gate('--use-case', 'chat', '--budget', '207', '--on', 'forecast');
    expect(pass.code).toBe(0);
  });

  it('exits 2 on a broken catalogue', async () => {
    const broken = await writeCatalogue([
      { version: 'v1', effective_from: '2026-01-01T00:00:00Z', gpu_hour: { L4: -1 } },
    ]);
    const result = await runCli(
      ['gate', '--source', source, '--catalogue', broken, '--budget', '1'],
      {
        env: { ML_COST_NOW: NOW },
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/gpu_hour\.L4/);
    expect(result.stdout).toBe('');
  });

  it.each([
    [[], /no checks/],
    [['--budget', 'lots'], /--budget: "lots" is not a non-negative number/],
    [['--budget', '1', '--max-unpriced-share', '150'], /more than 100/],
    [['--budget', '1', '--on', 'hope'], /--on/],
    [['--budget', '1', '--on', 'forecast', '--period', 'last-7d'], /one calendar month/],
  ])('exits 2 on bad usage %j', async (args, message) => {
    const result = await gate(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  /** A gate against a port where nothing listens: any query fails with exit 3. */
  async function gateWithoutServer(...args: string[]) {
    const source = `http://127.0.0.1:${await freePort()}`;
    return runCli(
      ['gate', '--source', source, '--catalogue', catalogue, '--timeout', '2', ...args],
      {
        env: { ML_COST_NOW: NOW },
      },
    );
  }

  it('refuses a forecast gate on a window that is not a month before asking any server', async () => {
    const result = await gateWithoutServer(
      '--budget',
      '1',
      '--on',
      'forecast',
      '--period',
      'last-7d',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/one calendar month/);
  });

  it('exits 3 when VictoriaMetrics cannot be reached, never passing', async () => {
    const result = await gateWithoutServer('--budget', '1e9');
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
  });
});

describe('ml-cost gate configuration and output', () => {
  it('reads its checks from the gates section of ml-cost.config.json', async () => {
    const configDir = await tempDir('ml-cost-gate-config-');
    await writeFile(
      join(configDir, 'ml-cost.config.json'),
      JSON.stringify({
        gates: { budget: 200, use_cases: { search: { budget: 10 } } },
      }),
    );
    const result = await runCli(['gate', '--source', source, '--catalogue', catalogue], {
      env: { ML_COST_NOW: NOW },
      cwd: configDir,
    });
    // search: 17.04 EUR over its 10 EUR budget.
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/budget \(actual\).*search.*FAIL.*17\.04 EUR/);
  });

  it('exits 2 naming the field of a bad gates section', async () => {
    const configDir = await tempDir('ml-cost-gate-config-');
    await writeFile(
      join(configDir, 'ml-cost.config.json'),
      JSON.stringify({ gates: { budjet: 1 } }),
    );
    const result = await runCli(['gate', '--source', source, '--catalogue', catalogue], {
      env: { ML_COST_NOW: NOW },
      cwd: configDir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/gates/);
    expect(result.stderr).toMatch(/budjet/);
  });

  it('writes Markdown for a pull request and appends it to GITHUB_STEP_SUMMARY', async () => {
    const summary = join(dir, 'step-summary.md');
    await writeFile(summary, '# earlier step\n');
    const result = await runCli(
      [
        'gate',
        '--source',
        source,
        '--catalogue',
        catalogue,
        '--budget',
        '150',
        '--format',
        'markdown',
      ],
      { env: { ML_COST_NOW: NOW, GITHUB_STEP_SUMMARY: summary } },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^### ❌ ml-cost gate: FAILED/);
    expect(result.stdout).toMatch(/\| budget \(actual\) \| all \| \*\*FAIL\*\* \| 158\.52 EUR \|/);
    const written = await readFile(summary, 'utf8');
    expect(written.startsWith('# earlier step\n')).toBe(true);
    expect(written).toContain(result.stdout.trimEnd());
  });

  it('writes JSON for programs', async () => {
    const result = await gate('--budget', '160', '--format', 'json');
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.passed).toBe(true);
    expect(document.checks[0]).toMatchObject({ check: 'cost', status: 'pass', limit: 160 });
    expect(document.checks[0].measured).toBeCloseTo(158.52, 9);
  });
});
