// Where the catalogue shipped with ml-cost lives. Kept free of heavy imports: the CLI reads it
// to show the --catalogue default in --help.
import { fileURLToPath } from 'node:url';

/**
 * The package's own pricing/ directory. Resolved from this module (dist/catalogue/ when built,
 * src/catalogue/ under the test runner), so it works from any working directory.
 */
export function defaultCatalogueDir(): string {
  return fileURLToPath(new URL('../../pricing', import.meta.url));
}
