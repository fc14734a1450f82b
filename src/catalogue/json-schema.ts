// The JSON Schemas editors use to check version and exchange-rate files, generated from the zod
// schemas so the two cannot drift (scripts/schema.mjs writes them, and checks them in CI).
import { toJSONSchema } from 'zod/mini';
import { fxRateFileSchema } from './fx-schema.js';
import { priceVersionFileSchema } from './schema.js';

/** pricing/schema.json as it must be committed: 2-space JSON and a final newline. */
export function catalogueJsonSchemaText(): string {
  const schema = toJSONSchema(priceVersionFileSchema, { io: 'input', unrepresentable: 'throw' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** pricing/fx/schema.json, the same way. */
export function fxJsonSchemaText(): string {
  const schema = toJSONSchema(fxRateFileSchema, { io: 'input', unrepresentable: 'throw' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
