// --cost-basis and the config's cost_basis through the real binary, on an export file with an
// allocated GPU-seconds counter and a busy gauge: which cost each basis gives, that every
// output names it, and that busy without a busy measure is refused.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const env = { ML_COST_NOW: '2026-09-20T10:00:00Z', NO_COLOR: '1' };
const DAY = Date.UTC(2026, 8, 10);
const HOUR_MS = 3_600_000;

/** Samples every 30 s from an hour before the day to an hour after it. */
function series(
  name: string,
  labels: Record<string, string>,
  value: (t: number) => number,
): string {
  const timestamps: number[] = [];
  for (let t = DAY - HOUR_MS; t <= DAY + 25 * HOUR_MS; t += 30_000) timestamps.push(t);
  return JSON.stringify({
    metric: { __name__: name, ...labels },
    values: timestamps.map(value),
    timestamps,
  });
}

// One GPU held all day by each use case (a counter of seconds); busy a constant share of it,
// so that the busy figure is the same however a gauge is read (integrated, or sample x interval).
const held = (t: number) => (t - (DAY - HOUR_MS)) / 1000;
const LINES = [
  series('ml_gpu_seconds_total', { use_case: 'chat', model_name: 'm', gpu_type: 'L4' }, held),
  series(
    'ml_gpu_seconds_total',
    { use_case: 'batch', model_name: 'm', gpu_type: 'H100-80GB' },
    held,
  ),
  series('gpu_busy', { use_case: 'chat', model_name: 'm', gpu_type: 'L4' }, () => 0.25),
  series('gpu_busy', { use_case: 'batch', model_name: 'm', gpu_type: 'H100-80GB' }, () => 0.5),
  series('ml_inference_duration_milliseconds_count', { use_case: 'chat', model_name: 'm' }, (t) =>
    Math.floor(held(t) / 10),
  ),
];
// Shipped catalogue 2026-07: L4 0.71 EUR/h, H100-80GB 6.04 EUR/h.
// chat: 24 h allocated = 17.04 EUR, 6 h busy = 4.26, 18 h idle = 12.78; 8,640 inferences.
// batch: 24 h allocated = 144.96 EUR, 12 h busy = 72.48, 12 h idle = 72.48.

async function setUp(config: object): Promise<{ file: string; configFile: string; dir: string }> {
  const dir = await tempDir('ml-cost-basis-');
  const file = join(dir, 'usage.jsonl');
  await writeFile(file, `${LINES.join('\n')}\n`);
  const configFile = join(dir, 'ml-cost.config.json');
  await writeFile(configFile, JSON.stringify(config));
  return { file, configFile, dir };
}

const BUSY = { metrics: { gpu_busy_seconds: { name: 'gpu_busy', kind: 'gauge' } } };

/** `command` with the source, config and day, then `args`. */
function run(file: string, configFile: string, command: string, ...args: string[]) {
  return runCli(
    [command, '--source', file, '--config', configFile, '--period', '2026-09-10', ...args],
    { env },
  );
}

interface JsonRow {
  use_case: string;
  gpu_hours: number;
  busy_gpu_hours: number;
  idle_gpu_hours: number;
  cost_eur: number | null;
  busy_cost_eur: number | null;
  idle_cost_eur: number | null;
  cost_per_inference_eur: number | null;
}

function rowsOf(stdout: string): Record<string, JsonRow> {
  const report = JSON.parse(stdout) as { rows: JsonRow[] };
  return Object.fromEntries(report.rows.map((row) => [row.use_case, row]));
}

describe('the cost basis', () => {
  it('prices allocated GPU time by default, busy with --cost-basis busy or cost_basis', async () => {
    const { file, configFile, dir } = await setUp(BUSY);
    const args = ['report', '--by', 'use_case', '--format', 'json'] as const;
    const allocated = await run(file, configFile, ...args);
    expect(allocated.code).toBe(0);
    const onAllocated = JSON.parse(allocated.stdout);
    expect(onAllocated.cost_basis).toBe('allocated');
    const a = rowsOf(allocated.stdout);
    expect(a.chat).toMatchObject({ gpu_hours: 24, busy_gpu_hours: 6, idle_gpu_hours: 18 });
    expect(a.chat?.cost_eur).toBeCloseTo(17.04, 9);
    expect(a.chat?.busy_cost_eur).toBeCloseTo(4.26, 9);
    expect(a.chat?.idle_cost_eur).toBeCloseTo(12.78, 9);
    expect(a.chat?.cost_per_inference_eur).toBeCloseTo(17.04 / 8640, 9);
    expect(a.batch?.idle_cost_eur).toBeCloseTo(72.48, 9);
    expect(onAllocated.totals.cost_eur).toBeCloseTo(162, 9);

    const busy = await run(file, configFile, ...args, '--cost-basis', 'busy');
    expect(busy.code).toBe(0);
    expect(JSON.parse(busy.stdout).cost_basis).toBe('busy');
    const b = rowsOf(busy.stdout);
    expect(b.chat?.cost_eur).toBeCloseTo(4.26, 9);
    expect(b.chat?.gpu_hours).toBe(24);
    expect(b.chat?.cost_per_inference_eur).toBeCloseTo(4.26 / 8640, 9);
    expect(b.batch?.cost_eur).toBeCloseTo(72.48, 9);
    expect(JSON.parse(busy.stdout).totals.cost_eur).toBeCloseTo(76.74, 9);

    // The config's cost_basis, and the flag over it.
    const configured = join(dir, 'busy.config.json');
    await writeFile(configured, JSON.stringify({ ...BUSY, cost_basis: 'busy' }));
    const fromConfig = await run(file, configured, ...args);
    expect(rowsOf(fromConfig.stdout).chat?.cost_eur).toBeCloseTo(4.26, 9);
    const flagWins = await run(file, configured, ...args, '--cost-basis', 'allocated');
    expect(rowsOf(flagWins.stdout).chat?.cost_eur).toBeCloseTo(17.04, 9);
  });

  it('names the basis in the table header and shows busy and idle columns', async () => {
    const { file, configFile } = await setUp(BUSY);
    const table = await run(file, configFile, 'report', '--by', 'use_case', '--cost-basis', 'busy');
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(
      'basis   cost of busy GPU time (--cost-basis busy); idle = allocated − busy',
    );
    expect(table.stdout).toMatch(/busy GPU-h .* idle GPU-h .* cost EUR .* busy EUR .* idle EUR/);
    // chat: GPU-h, busy, idle, inferences, tokens, cost (busy), busy cost, idle cost.
    expect(table.stdout).toMatch(
      /chat +│ +24\.00 │ +6\.00 │ +18\.00 │ +8,640 │ +0 │ +4\.26 │ +4\.26 │ +12\.78 │/,
    );
  });

  it('refuses busy without a busy measure, and a basis that is neither (exit 2, one line)', async () => {
    const { file, configFile, dir } = await setUp({});
    const flag = await run(file, configFile, 'report', '--cost-basis', 'busy');
    expect(flag.code).toBe(2);
    expect(flag.stdout).toBe('');
    expect(flag.stderr).toBe(
      'ml-cost: --cost-basis busy: no busy GPU time is read; name its metric in the config\'s metrics.gpu_busy_seconds (e.g. {"name": "DCGM_FI_PROF_GR_ENGINE_ACTIVE", "kind": "gauge"}) or pick a preset that reads it\n',
    );
    const configured = join(dir, 'busy.config.json');
    await writeFile(configured, JSON.stringify({ cost_basis: 'busy' }));
    const fromConfig = await run(file, configured, 'rank');
    expect(fromConfig.code).toBe(2);
    expect(fromConfig.stderr).toContain(`cost_basis "busy" (${configured}): no busy GPU time`);
    expect(fromConfig.stderr.trim().split('\n')).toHaveLength(1);

    const neither = await run(file, configFile, 'report', '--cost-basis', 'idle');
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain("'idle' is invalid. Allowed choices are allocated, busy");
    await writeFile(configured, JSON.stringify({ ...BUSY, cost_basis: 'idle' }));
    const badConfig = await run(file, configured, 'report');
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('cost_basis');
    expect(badConfig.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('is an option of every command that prices usage', async () => {
    for (const command of ['report', 'export', 'rank', 'gate', 'forecast', 'drift']) {
      const help = await runCli([command, '--help'], { env });
      expect(help.stdout, command).toContain('--cost-basis <basis>');
    }
    const doctor = await runCli(['doctor', '--help'], { env });
    expect(doctor.stdout).not.toContain('--cost-basis');
  });
});
