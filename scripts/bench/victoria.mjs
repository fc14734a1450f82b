// Starts a real single-node VictoriaMetrics on a free loopback port for the benchmark, and
// streams generated export lines into it through /api/v1/import, as production data arrives.
import http from 'node:http';
import { startVictoriaServer } from '../victoria-process.mjs';

export async function startVictoria(extraArgs = []) {
  const server = await startVictoriaServer(extraArgs);
  const { url } = server;
  return {
    url,
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
    stop: () => server.stop(),
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
