// Writes pricing/schema.json and pricing/fx/schema.json from the catalogue's zod schemas, or
// with --check fails when a committed file is stale. Imports the compiled module: run
// `npm run build` first.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const check = process.argv.includes('--check');

let schemas;
try {
  schemas = await import('../dist/catalogue/json-schema.js');
} catch (error) {
  process.stderr.write(
    `schema: cannot load dist/catalogue/json-schema.js (${error.code ?? error.message}); run \`npm run build\` first\n`,
  );
  process.exit(2);
}

const targets = [
  ['pricing/schema.json', schemas.catalogueJsonSchemaText(), 'src/catalogue/schema.ts'],
  ['pricing/fx/schema.json', schemas.fxJsonSchemaText(), 'src/catalogue/fx-schema.ts'],
];

let stale = false;
for (const [name, expected, source] of targets) {
  const target = fileURLToPath(new URL(`../${name}`, import.meta.url));
  if (check) {
    const committed = await readFile(target, 'utf8').catch(() => undefined);
    if (committed !== expected) {
      const why = committed === undefined ? 'is missing' : `is out of date with ${source}`;
      process.stderr.write(
        `schema: ${name} ${why}; run \`npm run build && npm run schema\` and commit it\n`,
      );
      stale = true;
      continue;
    }
    process.stdout.write(`schema: ${name} is current\n`);
  } else {
    await writeFile(target, expected);
    process.stdout.write(`schema: wrote ${name}\n`);
  }
}
if (stale) process.exit(1);
