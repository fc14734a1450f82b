// Where the example data shipped with ml-cost lives, wherever ml-cost is run from.
import { fileURLToPath } from 'node:url';

export function exampleDataPath(): string {
  // dist/example/paths.js -> examples/usage.jsonl.gz at the package root.
  return fileURLToPath(new URL('../../examples/usage.jsonl.gz', import.meta.url));
}

export function exampleConfigPath(): string {
  return fileURLToPath(new URL('../../examples/ml-cost.config.json', import.meta.url));
}
