// Writes pricing/schema.json from the catalogue's zod schema, or with --check fails when the
// committed file is stale. Imports the compiled module: run `npm run build` first.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const target = fileURLToPath(new URL('../pricing/schema.json', import.meta.url));
const check = process.argv.includes('--check');

let catalogueJsonSchemaText;
try {
  ({ catalogueJsonSchemaText } = await import('../dist/catalogue/json-schema.js'));
} catch (error) {
  process.stderr.write(
    `schema: cannot load dist/catalogue/json-schema.js (${error.code ?? error.message}); run \`npm run build\` first\n`,
  );
  process.exit(2);
}

const expected = catalogueJsonSchemaText();

if (check) {
  const committed = await readFile(target, 'utf8').catch(() => undefined);
  if (committed !== expected) {
    const why =
      committed === undefined ? 'is missing' : 'is out of date with src/catalogue/schema.ts';
    process.stderr.write(
      `schema: pricing/schema.json ${why}; run \`npm run build && npm run schema\` and commit it\n`,
    );
    process.exit(1);
  }
  process.stdout.write('schema: pricing/schema.json is current\n');
} else {
  await writeFile(target, expected);
  process.stdout.write('schema: wrote pricing/schema.json\n');
}
