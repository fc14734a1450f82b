// Starts a real single-node VictoriaMetrics on a free loopback port for the benchmark, and
// streams generated export lines into it through /api/v1/import, as production data arrives.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const VICTORIA_BINARY = process.env.ML_COST_VICTORIA_BIN ?? 'victoria-metrics';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startVictoria(extraArgs = []) {
  const dataDir = await mkdtemp(join(tmpdir(), 'ml-cost-bench-vm-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    VICTORIA_BINARY,
    [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dataDir}`,
      // Bench data is dated in the past and future of "now"; keep all of it.
      '-retentionPeriod=100y',
      '-loggerLevel=ERROR',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk.toString();
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await waitHealthy(url, child, () => stderr);
  return {
    url,
    port,
    pid: child.pid,
    /** The version the server reports; empty for builds without one (Debian's package). */
    async version() {
      const text = await (await fetch(`${url}/metrics`)).text();
      return /vm_app_version\{[^}]*version="([^"]*)"/.exec(text)?.[1] ?? '';
    },
    /** Imports batches of export lines (strings ending in newlines), two requests in flight. */
    async importBatches(batches) {
      const inFlight = new Set();
      let lines = 0;
      for (const batch of batches) {
        lines += countNewlines(batch);
        const request = postImport(url, batch).finally(() => inFlight.delete(request));
        inFlight.add(request);
        if (inFlight.size >= 2) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      const flush = await fetch(`${url}/internal/force_flush`);
      if (!flush.ok) throw new Error(`force_flush failed: ${flush.status}`);
      return lines;
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

function countNewlines(text) {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function postImport(url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/api/v1/import`, { method: 'POST' }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () =>
        res.statusCode === 204
          ? resolve()
          : reject(new Error(`import failed: ${res.statusCode} ${text.slice(0, 200)}`)),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitHealthy(url, child, stderr) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${VICTORIA_BINARY} exited early (${child.exitCode}): ${stderr()}`);
    }
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`${VICTORIA_BINARY} did not become healthy at ${url}: ${stderr()}`);
}
