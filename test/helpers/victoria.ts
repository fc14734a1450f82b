// Starts a real single-node VictoriaMetrics on a free loopback port with a temporary data
// directory, for integration tests. Data goes in through /api/v1/import, as in production.
import { startVictoriaServer } from '../../scripts/victoria-process.mjs';

export { freePort, VICTORIA_BINARY } from '../../scripts/victoria-process.mjs';

export interface ExportLine {
  metric: Record<string, string>;
  values: number[];
  /** Milliseconds since the epoch. */
  timestamps: number[];
}

export interface Victoria {
  readonly url: string;
  readonly port: number;
  /** Imports JSON lines (the /api/v1/export format) and flushes so queries see them at once. */
  import(lines: readonly ExportLine[] | string): Promise<void>;
  stop(): Promise<void>;
}

export async function startVictoria(extraArgs: readonly string[] = []): Promise<Victoria> {
  const server = await startVictoriaServer(extraArgs);
  const { url } = server;
  return {
    url,
    port: server.port,
    async import(lines) {
      const body =
        typeof lines === 'string' ? lines : lines.map((line) => JSON.stringify(line)).join('\n');
      const res = await fetch(`${url}/api/v1/import`, { method: 'POST', body });
      if (res.status !== 204) throw new Error(`import failed: ${res.status} ${await res.text()}`);
      const flush = await fetch(`${url}/internal/force_flush`);
      if (!flush.ok) throw new Error(`force_flush failed: ${flush.status}`);
    },
    stop: () => server.stop(),
  };
}

/** A counter sampled every hour from startMs to endMs, growing by perHour each hour from 0. */
export function hourlyCounter(
  metric: Record<string, string>,
  perHour: number,
  startMs: number,
  endMs: number,
): ExportLine {
  const values: number[] = [];
  const timestamps: number[] = [];
  for (let t = startMs, value = 0; t <= endMs; t += 3_600_000, value += perHour) {
    values.push(value);
    timestamps.push(t);
  }
  return { metric, values, timestamps };
}
