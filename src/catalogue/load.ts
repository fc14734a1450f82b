// Reads a catalogue directory: one JSON file per version, schema.json beside them for editors.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Catalogue } from '../core/types.js';
import { CatalogueError } from '../errors.js';
import { catalogueHash } from './hash.js';
import {
  type CheckedVersion,
  checkCatalogueRules,
  checkVersionFile,
  sortVersions,
} from './validate.js';

// Re-exported so callers that load the catalogue find its default place in the same module.
export { defaultCatalogueDir } from './location.js';

/** The generated JSON Schema sits in the catalogue directory but is not a version. */
export const SCHEMA_FILE_NAME = 'schema.json';

/**
 * Loads and validates every version file in `dir`. Throws one CatalogueError listing every
 * problem found, one line each, the first naming a file and a field.
 */
export async function loadCatalogue(dir: string): Promise<Catalogue> {
  const names = await listVersionFiles(dir);
  const problems: string[] = [];
  const checked: CheckedVersion[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const parsed = await readJson(file);
    if (!parsed.ok) {
      problems.push(parsed.problem);
      continue;
    }
    const result = checkVersionFile(file, parsed.value);
    if (result.ok) checked.push(result.checked);
    else problems.push(...result.problems);
  }
  problems.push(...checkCatalogueRules(checked));
  if (problems.length > 0) throw new CatalogueError(problems.join('\n'));
  const versions = sortVersions(checked);
  const first = versions[0];
  if (!first) throw new CatalogueError(noVersionsMessage(dir));
  return { versions, currency: first.currency, hash: catalogueHash(versions), origin: dir };
}

async function listVersionFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new CatalogueError(directoryProblem(dir, error), { cause: error });
  }
  const versionFiles = names
    .filter((name) => name.toLowerCase().endsWith('.json') && name !== SCHEMA_FILE_NAME)
    .sort();
  if (versionFiles.length === 0) throw new CatalogueError(noVersionsMessage(dir));
  return versionFiles;
}

function noVersionsMessage(dir: string): string {
  return `${dir}: no catalogue version files (*.json besides ${SCHEMA_FILE_NAME}); add one such as 2026-07.json`;
}

function directoryProblem(dir: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return `${dir}: catalogue directory not found; pass --catalogue DIR with a directory of version files`;
  }
  if (code === 'ENOTDIR') {
    return `${dir}: not a directory; --catalogue takes the directory that holds the version files`;
  }
  return `${dir}: cannot read catalogue directory (${code ?? (error as Error).message})`;
}

type JsonRead = { ok: true; value: unknown } | { ok: false; problem: string };

async function readJson(file: string): Promise<JsonRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      problem: `${file}: cannot read file (${code ?? (error as Error).message})`,
    };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') {
    return { ok: false, problem: `${file}: file is empty; it must hold one JSON object` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: `${file}: ${jsonSyntaxProblem(text, error as Error)}` };
  }
}

/** Turns V8's "at position N" into a line and column an editor can jump to. */
export function jsonSyntaxProblem(text: string, error: Error): string {
  const message = error.message.replace(/\s*in JSON at position \d+.*$/s, '');
  const position = /at position (\d+)/.exec(error.message)?.[1];
  if (position === undefined) return `not valid JSON: ${message}`;
  const offset = Number(position);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const early = offset >= text.length ? ' (the file ends before the JSON does)' : '';
  return `not valid JSON at line ${line}, column ${column}: ${message}${early}`;
}
