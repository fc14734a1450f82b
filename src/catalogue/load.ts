// Reads a catalogue directory: one JSON file per version, schema.json beside them for editors.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Catalogue, FxRate } from '../core/types.js';
import { CatalogueError } from '../errors.js';
import { fileProblem } from '../file-errors.js';
import { type CheckedFxRate, checkFxFile, checkFxRules, sortFxRates } from './fx-validate.js';
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
/** Exchange-rate versions live in this subdirectory of the catalogue, optional. */
export const FX_DIR_NAME = 'fx';

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
  const fx = await loadFxRates(join(dir, FX_DIR_NAME), problems);
  if (problems.length > 0) throw new CatalogueError(problems);
  const versions = sortVersions(checked);
  const first = versions[0];
  if (!first) throw new CatalogueError(noVersionsMessage(dir));
  const currencies = new Set(versions.map((v) => v.currency));
  return {
    versions,
    fx,
    currency: currencies.size === 1 ? first.currency : null,
    hash: catalogueHash(versions, fx),
    origin: dir,
  };
}

/** The exchange-rate files of fx/, checked; none when the directory is not there. */
async function loadFxRates(dir: string, problems: string[]): Promise<FxRate[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    problems.push(
      code === 'ENOTDIR'
        ? `${dir}: not a directory; exchange rates go in a directory ${FX_DIR_NAME}/ of *.json files`
        : `${dir}: cannot read exchange-rate directory (${fileProblem(error)})`,
    );
    return [];
  }
  const checked: CheckedFxRate[] = [];
  for (const name of names
    .filter((n) => n.toLowerCase().endsWith('.json') && n !== SCHEMA_FILE_NAME)
    .sort()) {
    const file = join(dir, name);
    const read = await readText(file, 'an exchange rate');
    if (!read.ok) {
      problems.push(read.problem);
      continue;
    }
    const parsed = parseJsonText(read.text);
    if (!parsed.ok) {
      problems.push(`${file}: ${parsed.problem}`);
      continue;
    }
    const result = checkFxFile(file, parsed.value, stripBom(read.text));
    if (result.ok) checked.push(result.checked);
    else problems.push(...result.problems);
  }
  problems.push(...checkFxRules(checked));
  return sortFxRates(checked);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
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
  const read = await readText(file, 'a catalogue version');
  if (!read.ok) return read;
  const parsed = parseJsonText(read.text);
  return parsed.ok ? parsed : { ok: false, problem: `${file}: ${parsed.problem}` };
}

async function readText(
  file: string,
  what: string,
): Promise<{ ok: true; text: string } | { ok: false; problem: string }> {
  try {
    // A FIFO or device named *.json would be read for ever: only regular files are read.
    const info = await stat(file);
    if (!info.isFile()) {
      return {
        ok: false,
        problem: `${file}: not a regular file; ${what} is a JSON file (remove or rename it)`,
      };
    }
    return { ok: true, text: await readFile(file, 'utf8') };
  } catch (error) {
    return { ok: false, problem: `${file}: cannot read (${fileProblem(error)})` };
  }
}
