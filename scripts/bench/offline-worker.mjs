// One timed pass over an export file, in its own process so every pass starts with a fresh heap:
//   node offline-worker.mjs source <file> <gridStartMs> <hours>   ml-cost's export file source
//   node offline-worker.mjs naive <file>                          readline + JSON.parse per line
// Prints {"ms":..., "series":..., "samples":...} on stdout.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const [mode, file, gridStart, gridHours] = process.argv.slice(2);
const started = process.hrtime.bigint();
let series = 0;
let samples = 0;

if (mode === 'source') {
  const { createExportFileSource } = await import('../../dist/sources/export-file.js');
  const { METRIC_NAMES } = await import('../../dist/example/generate.js');
  const source = createExportFileSource(file);
  // Hourly buckets over the window, as an hourly report plans them.
  const edges = Float64Array.from(
    { length: Number(gridHours) + 1 },
    (_, i) => Number(gridStart) + i * 3_600_000,
  );
  await source.fetch(
    {
      edges,
      by: ['use_case', 'model_name'],
      filters: [],
      metrics: {
        gpu_seconds: METRIC_NAMES.gpuSeconds,
        tokens: METRIC_NAMES.tokens,
        inferences: METRIC_NAMES.inferences,
      },
      gpuTypeLabel: 'gpu_type',
    },
    (hourly) => {
      series++;
      samples += hourly.values.length;
    },
  );
} else if (mode === 'naive') {
  const lines = createInterface({
    input: createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    if (line === '') continue;
    const parsed = JSON.parse(line);
    series++;
    samples += parsed.values.length;
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}

const ms = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(`${JSON.stringify({ ms, series, samples })}\n`);
