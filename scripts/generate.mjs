#!/usr/bin/env node
// Writes deterministic example usage (VictoriaMetrics export lines) for demos, tests and
// benchmarks. Wraps dist/example/generate.js: run `npm run build` first.
//
//   node scripts/generate.mjs --start 2026-09-01 --days 50 --out examples/usage.jsonl.gz
//       [--interval 300] [--seed 1] [--groups N] [--gzip]
//
// Output is gzipped with --gzip or when the file name ends in .gz; without --out it goes to stdout.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';

const { formatExportLine, generateExport } = await import('../dist/example/generate.js').catch(
  () => {
    console.error('generate: dist/example/generate.js is missing; run `npm run build` first');
    process.exit(2);
  },
);

const usage =
  'usage: node scripts/generate.mjs --start YYYY-MM-DD[THH:MM:SSZ] --days N [--out FILE] ' +
  '[--interval SECONDS] [--seed N] [--groups N] [--gzip]';

function fail(message) {
  console.error(`generate: ${message}\n${usage}`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      start: { type: 'string' },
      days: { type: 'string' },
      out: { type: 'string' },
      interval: { type: 'string', default: '300' },
      seed: { type: 'string', default: '1' },
      groups: { type: 'string', default: '0' },
      gzip: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(error.message);
}
if (args.help) {
  console.log(usage);
  process.exit(0);
}

const startMs = Date.parse(/T/.test(args.start ?? '') ? args.start : `${args.start}T00:00:00Z`);
if (!Number.isFinite(startMs)) fail('--start: expected a date such as 2026-09-01');
const days = Number(args.days);
if (!(days > 0)) fail('--days: expected a positive number');
const intervalSeconds = Number(args.interval);
if (!(intervalSeconds > 0)) fail('--interval: expected a positive number of seconds');
const seed = Number(args.seed);
if (!Number.isInteger(seed)) fail('--seed: expected an integer');
const useCases = Number(args.groups);
if (!Number.isInteger(useCases) || useCases < 0) fail('--groups: expected a whole number');
const gzip = args.gzip || (args.out ?? '').endsWith('.gz');

/** Batches lines into ~1 MB strings: one stream write per line would dominate the run time. */
function* batches() {
  let batch = '';
  for (const line of generateExport({ startMs, days, intervalSeconds, seed, useCases })) {
    batch += `${formatExportLine(line)}\n`;
    if (batch.length >= 1 << 20) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}

const stages = [Readable.from(batches())];
if (gzip) stages.push(createGzip({ level: 9 }));
if (args.out) {
  // Written beside the target and renamed, so a failed run leaves no half-written file.
  const temp = `${args.out}.${process.pid}.tmp`;
  try {
    await pipeline(...stages, createWriteStream(temp));
    await rename(temp, args.out);
  } catch (error) {
    await rm(temp, { force: true });
    console.error(`generate: ${error.message}`);
    process.exit(1);
  }
} else {
  await pipeline(...stages, process.stdout);
}
