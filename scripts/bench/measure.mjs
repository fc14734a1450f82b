// Timing and memory of child processes: wall time from spawn to exit, stdout kept or counted,
// peak RSS through the max-rss.mjs preload.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_RSS_PRELOAD = fileURLToPath(new URL('./max-rss.mjs', import.meta.url));

/**
 * Runs `node <args>` and resolves with { ms, code, stdout, stderr, maxRssKb }.
 * With measureRss the child reports its own peak RSS on exit (an extra preload, so timed
 * runs do without it).
 */
export async function runNode(args, { env = {}, timeoutMs = 300_000, measureRss = false } = {}) {
  let rssDir;
  const childEnv = { ...process.env, ...env };
  const nodeArgs = [...args];
  if (measureRss) {
    rssDir = mkdtempSync(join(tmpdir(), 'ml-cost-bench-rss-'));
    childEnv.BENCH_MAX_RSS_FILE = join(rssDir, 'max-rss');
    nodeArgs.unshift('--import', MAX_RSS_PRELOAD);
  }
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, nodeArgs, {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = [];
  let stderr = '';
  child.stdout.on('data', (chunk) => stdout.push(chunk));
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise((resolve) =>
    child.once('close', (exitCode, signal) => resolve(exitCode ?? signal)),
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  clearTimeout(timer);
  let maxRssKb = null;
  if (rssDir) {
    try {
      maxRssKb = Number(readFileSync(childEnv.BENCH_MAX_RSS_FILE, 'utf8'));
    } catch {
      // killed before it could report
    }
    rmSync(rssDir, { recursive: true, force: true });
  }
  return { ms, code, stdout: Buffer.concat(stdout), stderr, maxRssKb };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
