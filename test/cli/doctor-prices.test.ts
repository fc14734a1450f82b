// `ml-cost doctor` on an export file judges GPU types as `report` prices them: a name priced
// through gpu_aliases is priced, a MIG slice whose profile the catalogue cannot share out is
// not (its GPU time is unpriced in the report, so doctor must name it).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { exportFileText } from '../helpers/two-days.js';
import type { ExportLine } from '../helpers/victoria.js';

const FROM = Date.UTC(2026, 10, 1);
const WINDOW = ['--from', '2026-11-01T00:00:00Z', '--to', '2026-11-02T00:00:00Z'];
const ENV = { ML_COST_NOW: '2026-11-03T00:00:00Z' };

/** One GPU busy all day: 1 GPU-second per second, sampled every minute. */
function busy(gpuType: string, migProfile?: string): ExportLine {
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i <= 24 * 60; i++) {
    timestamps.push(FROM + i * 60_000);
    values.push(i * 60);
  }
  const metric: Record<string, string> = {
    __name__: 'ml_gpu_seconds_total',
    use_case: 'chat',
    model_name: 'llama',
    gpu_type: gpuType,
    ...(migProfile ? { GPU_I_PROFILE: migProfile } : {}),
  };
  return { metric, values, timestamps };
}

let source: string;
let catalogue: string;

beforeAll(async () => {
  const dir = await tempDir('ml-cost-doctor-prices-');
  source = join(dir, 'usage.jsonl');
  await writeFile(
    source,
    exportFileText([busy('NVIDIA L4'), busy('H100-80GB', '3g.40gb'), busy('H100-80GB', '8g.80gb')]),
  );
  catalogue = join(dir, 'pricing');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(catalogue);
  await writeFile(
    join(catalogue, 'v1.json'),
    JSON.stringify({
      version: 'v1',
      effective_from: '2026-01-01T00:00:00Z',
      currency: 'EUR',
      gpu_hour: { L4: 1, 'H100-80GB': 7 },
      gpu_aliases: { 'NVIDIA L4': 'L4' },
    }),
  );
});

describe('doctor prices GPU types as report does', () => {
  it('an alias is priced; a MIG profile of more compute slices than the GPU has is not', async () => {
    const args = ['--source', source, '--catalogue', catalogue, ...WINDOW];
    const doctor = await runCli(['doctor', ...args, '--format', 'json'], { env: ENV });
    const document = JSON.parse(doctor.stdout) as {
      gpu_types: { gpu_type: string; unpriced_in: string[] }[];
      findings: { severity: string; subject: string }[];
    };
    expect(document.gpu_types).toEqual([
      { gpu_type: 'H100-80GB (MIG 3g.40gb)', unpriced_in: [] },
      { gpu_type: 'H100-80GB (MIG 8g.80gb)', unpriced_in: ['v1'] },
      { gpu_type: 'NVIDIA L4', unpriced_in: [] },
    ]);
    const gpuFindings = document.findings.filter((f) => f.subject.startsWith('GPU type'));
    expect(gpuFindings).toMatchObject([
      { severity: 'problem', subject: 'GPU type H100-80GB (MIG 8g.80gb)' },
    ]);
    expect(doctor.code).toBe(1);

    // The report agrees: 24 GPU-hours of L4 at 1 and 24 of a 3/7 slice at 7 (72 EUR) are
    // priced, 96 EUR; the 8g slice's 24 GPU-hours are unpriced.
    const report = await runCli(['report', ...args, '--format', 'json'], { env: ENV });
    expect(report.code).toBe(0);
    const totals = (JSON.parse(report.stdout) as { totals: Record<string, unknown> }).totals;
    expect(totals).toMatchObject({ gpu_hours: 72, cost_eur: 96, unpriced_gpu_hours: 24 });
    expect(totals.unpriced_gpu_types).toEqual(['H100-80GB (MIG 8g.80gb)']);
  });
});
