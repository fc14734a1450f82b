// Bundles the compiled CLI (dist/) into a few files so that start-up does not pay for resolving
// and opening a hundred modules: `ml-cost --help` and every report start faster. Lazy
// `import()`s stay lazy: they become separate chunks, loaded only by the command that needs them.
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

const outdir = new URL('../dist/bundle/', import.meta.url).pathname;
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: [new URL('../dist/cli.js', import.meta.url).pathname],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS dependencies (commander, cli-table3) call require(); give the bundle one.
  banner: {
    js: "import { createRequire as __mlCostRequire } from 'node:module'; const require = __mlCostRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
