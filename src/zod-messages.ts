// zod/mini carries no messages of its own (every issue reads "Invalid input"), while config
// errors show zod's English defaults such as "Too small: expected number to be >=0". Installing
// only the English locale keeps those messages and leaves the other locales out of the bundle.
// Imported for its effect by every module that defines a schema.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
