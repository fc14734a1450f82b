// Timing and memory of child processes: wall time from spawn to exit, stdout kept or counted,
// peak RSS through the max-rss.mjs preload.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_RSS_PRELOAD = fileURLToPath(new URL('./max-rss.mjs', import.meta.url));

/** A JSON report writes each row on a line of its own that starts so. */
const ROW_LINE = '    {';
/** Beyond this much output, stdout is counted instead of kept (a string holds at most 512 MB). */
const KEEP_STDOUT_BYTES = 256 * 1024 * 1024;

/**
 * Runs `node <args>` and resolves with { ms, code, stdout, stderr, maxRssKb, stdoutBytes,
 * rowLines }. With measureRss the child reports its own peak RSS on exit (an extra preload,
 * so timed runs do without it). stdout is kept up to 256 MB; rowLines counts the lines that
 * start like a JSON report's rows, however much there is.
 */
export async function runNode(args, { env = {}, timeoutMs = 900_000, measureRss = false } = {}) {
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
  let stdoutBytes = 0;
  let rowLines = 0;
  // The first bytes of the current line, while they may still be a row's start.
  let head = '';
  let collecting = true;
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdoutBytes += chunk.length;
    if (stdoutBytes <= KEEP_STDOUT_BYTES) stdout.push(chunk);
    else stdout.length = 0;
    for (let pos = 0; pos < chunk.length; ) {
      if (collecting) {
        const take = chunk.subarray(pos, pos + ROW_LINE.length - head.length);
        const newline = take.indexOf(0x0a);
        const part = newline < 0 ? take : take.subarray(0, newline);
        head += part.toString('latin1');
        pos += part.length;
        if (head.length === ROW_LINE.length) {
          if (head === ROW_LINE) rowLines++;
          collecting = false;
        } else if (newline >= 0) {
          head = '';
          pos++;
          continue;
        } else {
          continue;
        }
      }
      const newline = chunk.indexOf(0x0a, pos);
      if (newline < 0) break;
      pos = newline + 1;
      collecting = true;
      head = '';
    }
  });
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
  const kept = stdoutBytes <= KEEP_STDOUT_BYTES ? Buffer.concat(stdout) : null;
  return { ms, code, stdout: kept, stdoutBytes, rowLines, stderr, maxRssKb };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
