// A gauge named in the config: each sample stands for one scrape interval after it, so GPUs
// requested x time are priced as GPU-hours; through the real binary, on an export file of
// kube-state-metrics-shaped series. Also a presence, a configured scrape_interval, and the
// config errors.
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
  const setup = async () => {
    const dir = await tempDir('ml-cost-gauge-');
    const file = join(dir, 'ksm.jsonl');
    // chat holds 2 GPUs all day (48 GPU-hours); batch 1 GPU, sampled from 06:00 to 12:00.
    await writeFile(
      file,
      `${gauge('chat', 2, DAY - 3_600_000, DAY + 25 * 3_600_000)}\n${gauge('batch', 1, DAY + 6 * 3_600_000, DAY + 12 * 3_600_000)}\n`,
    );
    const config = join(dir, 'ml-cost.config.json');
    const run = async (setting: unknown, format = 'json') => {
      await writeFile(config, JSON.stringify({ metrics: { gpu_seconds: setting } }));
      return runCli(
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
          format,
        ],
        { env },
      );
    };
    return { run };
  };
  const rowsOf = (stdout: string) => {
    const report = JSON.parse(stdout);
    return {
      report,
      rows: Object.fromEntries(report.rows.map((row: { use_case: string }) => [row.use_case, row])),
    };
  };
  const NAME = 'kube_pod_container_resource_requests';

  it('prices GPUs requested x time, each sample worth the detected 30 s, and names the interval', async () => {
    const { run } = await setup();
    const result = await run({ name: NAME, kind: 'gauge' });
    // Only the measures this cluster has no metric for are missing.
    expect(result.stderr).not.toMatch(/kube_pod_container_resource_requests/);
    expect(result.code).toBe(0);
    const { report, rows } = rowsOf(result.stdout);
    expect(rows.chat.gpu_hours).toBe(48);
    // 721 samples from 06:00:00 to 12:00:00, each 30 s: the last counts to 12:00:30.
    expect(rows.batch.gpu_hours).toBeCloseTo((721 * 30) / 3600, 6);
    expect(rows.chat.cost_eur).toBeCloseTo(48 * 0.71, 9);
    expect(report.totals.cost_eur).toBeCloseTo((48 + (721 * 30) / 3600) * 0.71, 6);
    expect(report.sampling).toEqual([
      { measure: 'gpu_seconds', kind: 'gauge', interval_seconds: 30, interval_from: 'detected' },
    ]);

    const table = await run({ name: NAME, kind: 'gauge' }, 'table');
    expect(table.stdout).toContain('reads   gpu_seconds as a gauge, a sample per 30 s (detected)');
    const csv = (await run({ name: NAME, kind: 'gauge' }, 'csv')).stdout.trim().split('\n');
    expect(csv[0]).toMatch(/,catalogue_hash,sampling$/);
    expect(csv[1]).toMatch(/,gpu_seconds gauge 30s detected$/);
    const markdown = await run({ name: NAME, kind: 'gauge' }, 'markdown');
    // Markdown escapes the underscore.
    expect(markdown.stdout).toContain('gpu\\_seconds as a gauge, a sample per 30 s (detected)');
  });

  it('reads a presence whatever the value, and a configured scrape_interval as given', async () => {
    const { run } = await setup();
    const presence = rowsOf((await run({ name: NAME, kind: 'presence' })).stdout);
    expect(presence.rows.chat.gpu_hours).toBe(24);
    expect(presence.rows.batch.gpu_hours).toBeCloseTo((721 * 30) / 3600, 6);

    const configured = await run({ name: NAME, kind: 'gauge', scrape_interval: '1m' });
    expect(configured.code).toBe(0);
    const { report, rows } = rowsOf(configured.stdout);
    expect(rows.chat.gpu_hours).toBe(96);
    expect(report.sampling[0]).toMatchObject({ interval_seconds: 60, interval_from: 'configured' });
  });

  it('refuses a kind that is none, a scrape_interval that is no duration, and one on a counter', async () => {
    const { run } = await setup();
    const kind = await run({ name: 'x', kind: 'rate' });
    expect(kind.code).toBe(2);
    expect(kind.stderr).toMatch(/metrics\.gpu_seconds/);
    for (const interval of ['0s', '30', '-5s', '1.5s', '']) {
      const bad = await run({ name: NAME, kind: 'gauge', scrape_interval: interval });
      expect(bad.code, interval).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(
        /metrics\.gpu_seconds\.scrape_interval: .*is not a scrape interval/,
      );
    }
    const counter = await run({ name: NAME, kind: 'counter', scrape_interval: '30s' });
    expect(counter.code).toBe(2);
    expect(counter.stderr).toMatch(
      /metrics\.gpu_seconds\.scrape_interval: a counter has no scrape interval/,
    );
  });
});
