// Where the example data shipped with ml-cost lives, wherever ml-cost is run from.
import { fileURLToPath } from 'node:url';

export function exampleDataPath(): string {
  // dist/example/paths.js -> examples/usage.jsonl.gz at the package root.
  return fileURLToPath(new URL('../../examples/usage.jsonl.gz', import.meta.url));
}

export function exampleConfigPath(): string {
  return fileURLToPath(new URL('../../examples/ml-cost.config.json', import.meta.url));
}

/** For a window that misses the example data: where it lies, and how to land inside it. */
export const EXAMPLE_DATA_HINT =
  'the example data covers 2026-09-01 to 2026-10-21 (UTC): try --period 2026-09, or pin "now" inside it with ML_COST_NOW=2026-10-21T06:00:00Z';
