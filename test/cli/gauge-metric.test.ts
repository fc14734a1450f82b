// A gauge named in the config is integrated over time: GPUs requested x hours are priced as
// GPU-hours, through the real binary, on an export file of kube-state-metrics-shaped series.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const env = { ML_COST_NOW: '2026-09-20T10:00:00Z', NO_COLOR: '1' };
const DAY = Date.UTC(2026, 8, 10);

function gauge(pod: string, gpus: number, fromMs: number, toMs: number): string {
  const timestamps: number[] = [];
  for (let t = fromMs; t <= toMs; t += 30_000) timestamps.push(t);
  return JSON.stringify({
    metric: {
      __name__: 'kube_pod_container_resource_requests',
      namespace: 'ml',
      pod,
      resource: 'nvidia_com_gpu',
      unit: 'integer',
      gpu_type: 'L4',
      use_case: pod,
    },
    values: timestamps.map(() => gpus),
    timestamps,
  });
}

describe('a metric read as a gauge', () => {
  it('prices GPUs requested x time, and refuses a kind that is neither', async () => {
    const dir = await tempDir('ml-cost-gauge-');
    const file = join(dir, 'ksm.jsonl');
    // chat holds 2 GPUs all day (48 GPU-hours); batch 1 GPU from 06:00 to 12:00 (6 GPU-hours).
    await writeFile(
      file,
      `${gauge('chat', 2, DAY - 3_600_000, DAY + 25 * 3_600_000)}\n${gauge('batch', 1, DAY + 6 * 3_600_000, DAY + 12 * 3_600_000)}\n`,
    );
    const config = join(dir, 'ml-cost.config.json');
    await writeFile(
      config,
      JSON.stringify({
        metrics: {
          gpu_seconds: { name: 'kube_pod_container_resource_requests', kind: 'gauge' },
        },
      }),
    );
    const result = await runCli(
      [
        'report',
        '--source',
        file,
        '--config',
        config,
        '--period',
        '2026-09-10',
        '--by',
        'use_case',
        '--format',
        'json',
      ],
      { env },
    );
    // Only the measures this cluster has no metric for are missing.
    expect(result.stderr).not.toMatch(/kube_pod_container_resource_requests/);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const rows = Object.fromEntries(
      report.rows.map((row: { use_case: string }) => [row.use_case, row]),
    );
    expect(rows.chat.gpu_hours).toBe(48);
    // The last sample (12:00) is held to the end of its hour, as integrate() holds it: 06:00
    // to 12:00 is 6 hours, and the hour ending at 12:00 holds nothing past it.
    expect(rows.batch.gpu_hours).toBe(6);
    expect(rows.chat.cost_eur).toBeCloseTo(48 * 0.71, 9);
    expect(report.totals.cost_eur).toBeCloseTo(54 * 0.71, 9);

    await writeFile(
      config,
      JSON.stringify({ metrics: { gpu_seconds: { name: 'x', kind: 'rate' } } }),
    );
    const bad = await runCli(['report', '--source', file, '--config', config], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/metrics\.gpu_seconds/);
  });
});
