// Starts VictoriaMetrics binaries (victoria-metrics, vmauth) on a free loopback port and stops
// them, for the integration tests and the benchmark alike. Plain JavaScript, so that node runs
// it as it is and the TypeScript tests import it (types in victoria-process.d.mts).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const VICTORIA_BINARY = process.env.ML_COST_VICTORIA_BIN ?? 'victoria-metrics';
export const VMAUTH_BINARY = process.env.ML_COST_VMAUTH_BIN ?? 'vmauth';

const HEALTHY_WITHIN_MS = 30_000;

export async function freePort() {
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

/** Runs `binary args` listening on a free loopback port; resolves once its /health answers. */
export async function startServer(binary, args = []) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [`-httpListenAddr=127.0.0.1:${port}`, '-loggerLevel=ERROR', ...args],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk.toString();
  });
  let spawnError;
  child.once('error', (error) => {
    spawnError = error;
  });
  const exited = new Promise((resolve) => child.once('close', resolve));
  try {
    await waitHealthy(url, () => {
      if (spawnError) return `did not start (${spawnError.message})`;
      if (child.exitCode === null && child.signalCode === null) return undefined;
      return `exited early (${child.exitCode ?? child.signalCode})`;
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${binary} ${error.message}: ${stderr}`, { cause: error });
  }
  return {
    url,
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** A single-node victoria-metrics with a temporary data directory, removed again by stop(). */
export async function startVictoriaServer(extraArgs = []) {
  const dataDir = await mkdtemp(join(tmpdir(), 'ml-cost-vm-'));
  const removeData = () => rm(dataDir, { recursive: true, force: true });
  let server;
  try {
    server = await startServer(VICTORIA_BINARY, [
      `-storageDataPath=${dataDir}`,
      // Test fixtures and bench data lie far from "now"; the default one-month retention would drop them.
      '-retentionPeriod=100y',
      ...extraArgs,
    ]);
  } catch (error) {
    await removeData();
    throw error;
  }
  return {
    url: server.url,
    port: server.port,
    async stop() {
      await server.stop();
      await removeData();
    },
  };
}

async function waitHealthy(url, failure) {
  const deadline = Date.now() + HEALTHY_WITHIN_MS;
  while (Date.now() < deadline) {
    const problem = failure();
    if (problem) throw new Error(problem);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`did not become healthy at ${url} within ${HEALTHY_WITHIN_MS / 1000}s`);
}
