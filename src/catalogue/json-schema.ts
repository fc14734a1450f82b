// The JSON Schema editors use to check version files, generated from the zod schema so the
// two cannot drift (scripts/schema.mjs writes it, and checks it in CI).
import { toJSONSchema } from 'zod/mini';
import { priceVersionFileSchema } from './schema.js';

/** pricing/schema.json as it must be committed: 2-space JSON and a final newline. */
export function catalogueJsonSchemaText(): string {
  const schema = toJSONSchema(priceVersionFileSchema, { io: 'input', unrepresentable: 'throw' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
