// ml-cost drift through the real binary on an export file of the seeded drift scenario: events
// found on their day with their cause, decoys quiet, every format, and bad flags refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type DriftFixture, isoDay, writeDriftFixture } from '../helpers/drift-fixture.js';
import { FIRST_CHECKED, SCENARIO_DAYS } from '../helpers/drift-scenario.js';

let fixture: DriftFixture;
const NOW = '2026-08-20T00:00:00Z';

beforeAll(async () => {
  fixture = await writeDriftFixture(4);
});

const drift = (...args: string[]) =>
  runCli(
    [
      'drift',
      '--source',
      fixture.source,
      '--catalogue',
      fixture.catalogue,
      '--from',
      isoDay(FIRST_CHECKED),
      '--to',
      isoDay(SCENARIO_DAYS),
      ...args,
    ],
    { env: { ML_COST_NOW: NOW }, cwd: fixture.dir },
  );

interface JsonDay {
  day: string;
  status: string;
  cause: string | null;
  continued: boolean;
  metrics: Record<string, { status: string; deviation_sigma: number | null }>;
}

describe('ml-cost drift', () => {
  it('finds each event on its day with its cause and nothing on the decoys (JSON)', async () => {
    const result = await drift('--format', 'json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.kind).toBe('drift');
    expect(document.baseline).toMatchObject({
      days: 30,
      minimum_history_days: 15,
      sensitivity_sigma: 3.5,
    });
    expect(document.catalogue.versions).toEqual(['v1', 'v2']);
    const firstDrift = (useCase: string) => {
      const group = document.groups.find(
        (g: { group: { use_case: string } }) => g.group.use_case === useCase,
      );
      return (group.days as JsonDay[]).find((day) => day.status === 'drift');
    };
    expect(firstDrift('price')).toMatchObject({
      day: isoDay(fixture.events.price),
      cause: 'price_change',
    });
    expect(firstDrift('gpu-move')).toMatchObject({
      day: isoDay(fixture.events.move),
      cause: 'gpu_mix_change',
    });
    expect(firstDrift('collapse')).toMatchObject({
      day: isoDay(fixture.events.collapse),
      cause: 'volume_drop',
    });
    for (const decoy of ['steady', 'ramp', 'ramp-floor']) expect(firstDrift(decoy)).toBeUndefined();
  });

  it('lists drifting days in a table with baseline, band, deviation and cause', async () => {
    const result = await drift();
    expect(result.code).toBe(0);
    const priceDay = isoDay(fixture.events.price);
    // +20 % on the L40S rate: cost per inference 20 % above the baseline median.
    expect(result.stdout).toMatch(
      new RegExp(
        `${priceDay} │ price\\s+│ EUR/inference .*│\\s+\\+\\d+\\.\\dσ │\\s+\\+(19|20|21)\\.\\d% │ price change \\(catalogue v2\\)`,
      ),
    );
    expect(result.stdout).toMatch(/baseline {2}the 30 days before each day/);
    expect(result.stdout).not.toMatch(/│ steady /);
  });

  it('writes CSV, Markdown and HTML', async () => {
    const csv = await drift('--format', 'csv');
    expect(csv.code).toBe(0);
    const [header, ...records] = csv.stdout.trimEnd().split('\n');
    expect(header).toBe(
      'day,use_case,metric,status,value,baseline_median,baseline_sigma,band_lower,band_upper,baseline_kind,baseline_days,deviation_sigma,deviation_share,cause,cause_text,weekend,catalogue_versions,catalogue_hash',
    );
    // 7 use cases × 30 days × 4 metrics.
    expect(records).toHaveLength(7 * 30 * 4);
    expect(
      records.some((r) =>
        r.startsWith(`${isoDay(fixture.events.price)},price,cost_per_inference_eur,drift,`),
      ),
    ).toBe(true);
    const markdown = await drift('--format', 'markdown');
    expect(markdown.stdout).toMatch(/^### ml-cost drift/);
    expect(markdown.stdout).toMatch(/\| price change \(catalogue v2\) \|/);
    const html = await drift('--format', 'html');
    expect(html.code).toBe(0);
    expect(html.stdout).toMatch(/^<!doctype html>/i);
    expect(html.stdout).toContain('<svg');
  });

  it('says so when history is too short instead of guessing', async () => {
    const result = await drift('--baseline-days', '60', '--format', 'json');
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.baseline.minimum_history_days).toBe(30);
    // The data start 45 days before the window: with --baseline-days 100, 50 are needed, so the
    // window's first five days are not judged and the sixth is.
    const short = await drift('--baseline-days', '100', '--format', 'json');
    const steady = JSON.parse(short.stdout).groups.find(
      (g: { group: { use_case: string } }) => g.group.use_case === 'steady',
    );
    expect((steady.days as JsonDay[]).slice(0, 6).map((d) => d.status)).toEqual([
      ...Array(5).fill('insufficient_history'),
      'ok',
    ]);
    const table = await drift('--baseline-days', '100');
    expect(table.stdout).toMatch(
      /Too little history to judge some days \(50 baseline days with a value needed\)/,
    );
  });

  it.each([
    [['--baseline-days', '0'], /--baseline-days: "0" is not a whole number of days, 7 or more/],
    [['--baseline-days', '2.5'], /--baseline-days: "2\.5"/],
    [['--sensitivity', '-1'], /--sensitivity: "-1" is not a number of robust sigmas more than 0/],
    [['--sensitivity', 'high'], /--sensitivity: "high"/],
    [['--by', 'gpu_type'], /--by gpu_type: inferences and tokens carry no gpu_type label/],
    [['--format', 'xml'], /--format/],
  ])('exits 2 on %j with a clear message', async (args, message) => {
    const result = await drift(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('refuses a window that does not start at midnight', async () => {
    const result = await runCli(
      [
        'drift',
        '--source',
        fixture.source,
        '--catalogue',
        fixture.catalogue,
        '--from',
        '2026-07-20T06:00:00Z',
        '--to',
        '2026-07-25',
      ],
      { env: { ML_COST_NOW: NOW } },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/drift compares whole days/);
  });

  it('teaches in --help', async () => {
    const result = await runCli(['drift', '--help']);
    expect(result.code).toBe(0);
    for (const text of [
      '--baseline-days',
      '--sensitivity',
      'robust sigmas',
      'weekend',
      'price change',
      'volume drop',
      'Reading a drift row',
    ]) {
      expect(result.stdout).toContain(text);
    }
    const top = await runCli(['--help']);
    expect(top.stdout).toMatch(/drift \[options\]\s+unit costs of each day/);
  });
});
