// Starts a real single-node VictoriaMetrics on a free loopback port with a temporary data
// directory, for integration tests. Data goes in through /api/v1/import, as in production.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

export const VICTORIA_BINARY = process.env.ML_COST_VICTORIA_BIN ?? 'victoria-metrics';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export async function startVictoria(extraArgs: readonly string[] = []): Promise<Victoria> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ml-cost-vm-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    VICTORIA_BINARY,
    [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dataDir}`,
      // Fixtures are dated in the past; the default one-month retention would drop them.
      '-retentionPeriod=100y',
      '-loggerLevel=ERROR',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  await waitHealthy(url, child, () => stderr);

  return {
    url,
    port,
    async import(lines) {
      const body =
        typeof lines === 'string' ? lines : lines.map((line) => JSON.stringify(line)).join('\n');
      const res = await fetch(`${url}/api/v1/import`, { method: 'POST', body });
      if (res.status !== 204) throw new Error(`import failed: ${res.status} ${await res.text()}`);
      const flush = await fetch(`${url}/internal/force_flush`);
      if (!flush.ok) throw new Error(`force_flush failed: ${flush.status}`);
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitHealthy(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${VICTORIA_BINARY} exited early (${child.exitCode}): ${stderr()}`);
    }
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`${VICTORIA_BINARY} did not become healthy at ${url}: ${stderr()}`);
}
