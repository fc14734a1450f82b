// ml-cost gate --max-drift and --confidence through the real binary: drift of the window's last
// complete day on the seeded drift scenario, and the odds of a month ending over budget against
// a hand-fitted trend and Student's t in closed form.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeCatalogue } from '../helpers/cli.js';
import { type DriftFixture, isoDay, writeDriftFixture } from '../helpers/drift-fixture.js';
import { tCdf3 } from '../helpers/student-t.js';
import { tempDir } from '../helpers/temp.js';
import { hourlyCounter } from '../helpers/victoria.js';

let fixture: DriftFixture;
beforeAll(async () => {
  fixture = await writeDriftFixture(4);
});

const gate = (args: readonly string[], cwd?: string) =>
  runCli(['gate', '--source', fixture.source, '--catalogue', fixture.catalogue, ...args], {
    env: { ML_COST_NOW: '2026-08-20T00:00:00Z' },
    ...(cwd ? { cwd } : {}),
  });

/** A window whose last complete day is `dayIndex` of the scenario. */
const endingOn = (dayIndex: number) => [
  '--from',
  isoDay(dayIndex - 6),
  '--to',
  isoDay(dayIndex + 1),
];

describe('gate --max-drift', () => {
  it('breaches on the day of a price change, with the figure, day and cause', async () => {
    const result = await gate([
      '--max-drift',
      '3.5',
      '--use-case',
      'price',
      ...endingOn(fixture.events.price),
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `max drift \\(last complete day\\) │ price │ FAIL .*\\+\\d+\\.\\dσ EUR/[^│]+ on ${isoDay(fixture.events.price)} \\(\\+(19|20|21|22)\\.\\d%, price change\\) │ +3\\.5σ`,
      ),
    );
    expect(result.stderr).toMatch(/gate breached: 1 of 2 checks failed/);
  });

  it('passes the day before, and a decoy on the day itself', async () => {
    const before = await gate([
      '--max-drift',
      '3.5',
      '--use-case',
      'price',
      ...endingOn(fixture.events.price - 1),
    ]);
    expect(before.code).toBe(0);
    const steady = await gate([
      '--max-drift',
      '3.5',
      '--use-case',
      'steady',
      ...endingOn(fixture.events.price),
    ]);
    expect(steady.code).toBe(0);
    expect(steady.stdout).toMatch(/max drift \(last complete day\) │ steady │ PASS/);
  });

  it('gives the drift in JSON and Markdown', async () => {
    const json = await gate([
      '--max-drift',
      '3.5',
      '--use-case',
      'collapse',
      ...endingOn(fixture.events.collapse),
      '--format',
      'json',
    ]);
    expect(json.code).toBe(1);
    const [check] = JSON.parse(json.stdout).checks;
    expect(check).toMatchObject({
      check: 'drift',
      use_case: 'collapse',
      status: 'fail',
      limit: 3.5,
      day: isoDay(fixture.events.collapse),
      cause: 'volume_drop',
    });
    expect(check.measured).toBeGreaterThan(3.5);
    const markdown = await gate([
      '--max-drift',
      '3.5',
      '--use-case',
      'collapse',
      ...endingOn(fixture.events.collapse),
      '--format',
      'markdown',
    ]);
    expect(markdown.stdout).toMatch(
      /\| max drift \(last complete day\) \| collapse \| \*\*FAIL\*\* \| \+\d+\.\dσ .*volume drop\) \| 3\.5σ \|/,
    );
  });

  it('fails closed on too little history', async () => {
    // The data start on 2026-06-01: on 06-10 there are 9 baseline days, 15 are needed.
    const result = await gate(['--max-drift', '3.5', '--from', '2026-06-05', '--to', '2026-06-11']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /max drift \(last complete day\) │ all +│ FAIL +│ too little history/,
    );
  });

  it('reads max_drift from the gates section of the config', async () => {
    const dir = await tempDir('ml-cost-gate-drift-');
    await writeFile(
      join(dir, 'ml-cost.config.json'),
      JSON.stringify({
        gates: { use_cases: { price: { max_drift: 3.5 }, steady: { max_drift: 3.5 } } },
      }),
    );
    const result = await gate(endingOn(fixture.events.price), dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/│ price +│ FAIL/);
    expect(result.stdout).toMatch(/│ steady +│ PASS/);
  });

  it.each([
    [['--max-drift', '-1'], /--max-drift: "-1" is not a number of robust sigmas more than 0/],
    [['--max-drift', '0'], /--max-drift: "0"/],
    [
      ['--budget', '1', '--on', 'forecast', '--confidence', '1.5'],
      /--confidence: "1\.5" is not a probability between 0 and 1/,
    ],
    [['--budget', '1', '--on', 'forecast', '--confidence', '0'], /--confidence: "0"/],
    [
      ['--budget', '1', '--confidence', '0.9'],
      /--confidence: the odds of ending over budget come from the forecast; add --on forecast/,
    ],
    [
      ['--max-drift', '3', '--on', 'forecast', '--confidence', '0.9'],
      /a confidence needs a budget/,
    ],
  ])('exits 2 on %j', async (args, message) => {
    const result = await gate(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('exits 2 naming a bad gates.confidence in the config', async () => {
    const dir = await tempDir('ml-cost-gate-drift-');
    await writeFile(
      join(dir, 'ml-cost.config.json'),
      JSON.stringify({ gates: { budget: 1, on: 'forecast', confidence: 1.5 } }),
    );
    const result = await gate([], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/gates\.confidence: must be less than 1/);
  });
});

describe('gate --budget --on forecast --confidence', () => {
  // Five closed April days of one A100 use case at EUR 2 per GPU-hour: 10, 12, 11, 15, 14
  // GPU-hours, EUR 20, 24, 22, 30, 28. By hand (OLS on x = 1..5): slope 2.2, intercept 18.2,
  // SSE 20.4, s² 6.8; the 25 days to go (x 6..30) sum to 25 × 18.2 + 2.2 × 450 = 1445, so the
  // month totals 124 + 1445 = 1569 EUR, se = √(6.8 × (25 + 25²/5 + 375²/10)) = 310.878 on 3 df.
  // Budget 1800: P(over) = 1 - F_3(231 / 310.878) = 25.57 %.
  let dir: string;
  let source: string;
  let catalogue: string;
  beforeAll(async () => {
    dir = await tempDir('ml-cost-gate-odds-');
    source = join(dir, 'usage.jsonl');
    const start = Date.UTC(2026, 3, 1);
    const hours = [10, 12, 11, 15, 14];
    const values: number[] = [0];
    const timestamps: number[] = [start];
    hours.forEach((perDay, d) => {
      for (let h = 1; h <= 24; h++) {
        values.push((values[values.length - 1] ?? 0) + (perDay * 3600) / 24);
        timestamps.push(start + d * 86_400_000 + h * 3_600_000);
      }
    });
    const labels = { use_case: 'chat' };
    const lines = [
      {
        metric: { __name__: 'ml_gpu_seconds_total', ...labels, gpu_type: 'A100' },
        values,
        timestamps,
      },
      hourlyCounter(
        { __name__: 'ml_inference_duration_milliseconds_count', ...labels },
        100,
        start,
        start + 5 * 86_400_000,
      ),
    ];
    await writeFile(source, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    catalogue = await writeCatalogue([
      { version: 'v1', effective_from: '2026-01-01T00:00:00Z', gpu_hour: { A100: 2 } },
    ]);
  });
  const odds = (...args: string[]) =>
    runCli(
      [
        'gate',
        '--source',
        source,
        '--catalogue',
        catalogue,
        '--period',
        '2026-04',
        '--on',
        'forecast',
        ...args,
      ],
      {
        env: { ML_COST_NOW: '2026-04-06T00:10:00Z' },
      },
    );
  const expected = 1 - tCdf3(231 / Math.sqrt(6.8 * (25 + 125 + 14_062.5)));

  it('breaches when P(over budget) exceeds 1 - confidence and states the probability', async () => {
    expect(expected).toBeCloseTo(0.2557, 4);
    const result = await odds('--budget', '1800', '--confidence', '0.9');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /budget 1,800\.00 EUR \(forecast: trend, P\(over\) at 90% confidence\) │ all +│ FAIL +│ 25\.6% \(trend 1,569\.00 EUR ± 310\.88, t with 3 df\) │ 10\.0% │ -15\.6 pp/,
    );
    const json = await odds('--budget', '1800', '--confidence', '0.9', '--format', 'json');
    const [check] = JSON.parse(json.stdout).checks;
    expect(check).toMatchObject({
      check: 'overrun_probability',
      budget: 1800,
      confidence: 0.9,
      degrees_of_freedom: 3,
    });
    expect(check.measured).toBeCloseTo(expected, 7);
    expect(check.limit).toBeCloseTo(0.1, 12);
    expect(check.trend_total).toBeCloseTo(1569, 6);
  });

  it('passes at a confidence that allows the probability, and plain --on forecast keeps its rule', async () => {
    expect((await odds('--budget', '1800', '--confidence', '0.7')).code).toBe(0);
    // Without --confidence the budget is held against the higher projection, the trend's 1569.
    const plain = await odds('--budget', '1800');
    expect(plain.stdout).toMatch(/budget \(forecast: (trend|run-rate)\)/);
  });
});
