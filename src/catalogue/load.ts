// Reads a catalogue directory: one JSON file per version, schema.json beside them for editors.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Catalogue } from '../core/types.js';
import { CatalogueError } from '../errors.js';
import { fileProblem } from '../file-errors.js';
import { catalogueHash } from './hash.js';
import { type JsonText, parseJsonText } from './json-text.js';
import {
  type CheckedVersion,
  checkCatalogueRules,
  checkVersionFile,
  sortVersions,
} from './validate.js';

// Re-exported so callers that load the catalogue find its default place in the same module.
export { defaultCatalogueDir } from './location.js';

/** The generated JSON Schema sits in the catalogue directory but is not a version. */
const SCHEMA_FILE_NAME = 'schema.json';

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
  if (problems.length > 0) throw new CatalogueError(problems);
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
  return `${dir}: cannot read catalogue directory (${fileProblem(error)})`;
}

async function readJson(file: string): Promise<JsonText> {
  let text: string;
  try {
    // A FIFO or device named *.json would be read for ever: only regular files are versions.
    const info = await stat(file);
    if (!info.isFile()) {
      return {
        ok: false,
        problem: `${file}: not a regular file; a catalogue version is a JSON file (remove or rename it)`,
      };
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { ok: false, problem: `${file}: cannot read (${fileProblem(error)})` };
  }
  const parsed = parseJsonText(text);
  return parsed.ok ? parsed : { ok: false, problem: `${file}: ${parsed.problem}` };
}
