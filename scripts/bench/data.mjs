// Generated usage for the benchmark: batches of export lines for /api/v1/import, and a large
// plain export file for the offline source. Uses the deterministic example generator.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const { generateExport, formatExportLine } = await import('../../dist/example/generate.js');

const BATCH_CHARS = 8 << 20;

/** Export lines of the generated data, joined into batches of about 8 MB. */
export function* exportBatches(options) {
  let batch = '';
  for (const line of generateExport(options)) {
    batch += `${formatExportLine(line)}\n`;
    if (batch.length >= BATCH_CHARS) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}

/**
 * Writes generated lines to path until it holds at least minBytes (whole lines, so the file
 * is a valid export). Returns its size and line count.
 */
export async function writeExportFile(path, options, minBytes) {
  const out = createWriteStream(path);
  let bytes = 0;
  let lines = 0;
  for (const line of generateExport(options)) {
    const text = `${formatExportLine(line)}\n`;
    bytes += Buffer.byteLength(text);
    lines++;
    if (!out.write(text)) await once(out, 'drain');
    if (bytes >= minBytes) break;
  }
  out.end();
  await once(out, 'finish');
  if (bytes < minBytes) throw new Error(`generated only ${bytes} bytes; raise the group count`);
  return { bytes, lines };
}
