// Writes a result file so that readers never see half of it: a temporary file beside the
// target, flushed to disk, then renamed over it. On any failure, or an interrupt, the temporary
// file is removed and an existing target is left untouched.
import { randomBytes } from 'node:crypto';
import { constants, rmSync } from 'node:fs';
import { access, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

const pendingTemporaries = new Set<string>();
let interruptHandlersInstalled = false;

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const target = resolve(path);
  const directory = dirname(target);
  await assertWritableTarget(path);
  const temporary = join(directory, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  installInterruptHandlers();
  pendingTemporaries.add(temporary);
  try {
    // A file written over keeps its permissions: a private cost file must not turn readable.
    const keptMode = (await stat(target).catch(() => null))?.mode;
    const handle = await open(temporary, 'wx', 0o644);
    try {
      if (keptMode !== undefined) await handle.chmod(keptMode & 0o7777);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new UsageError(
      `--output ${path}: cannot write (${describe(error)}); nothing was written`,
      {
        cause: error,
      },
    );
  } finally {
    pendingTemporaries.delete(temporary);
  }
}

/**
 * Fails early, before any work, when a result could not be written to `path`: a missing or
 * read-only directory, or a directory where the file should go.
 */
export async function assertWritableTarget(path: string): Promise<void> {
  const target = resolve(path);
  await assertWritableDirectory(dirname(target), `--output ${path}`);
  const existing = await stat(target).catch(() => null);
  if (existing?.isDirectory()) {
    throw new UsageError(`--output ${path}: is a directory; give a file name`);
  }
}

/** Fails early when files cannot be written into `directory`; `what` names it for the user. */
export async function assertWritableDirectory(directory: string, what: string): Promise<void> {
  try {
    const info = await stat(directory);
    if (!info.isDirectory()) throw new Error('not a directory');
  } catch {
    throw new UsageError(`${what}: directory ${directory} does not exist`);
  }
  try {
    await access(directory, constants.W_OK);
  } catch {
    throw new UsageError(`${what}: directory ${directory} is not writable`);
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on device';
  if (code === 'EISDIR') return 'it is a directory';
  return error instanceof Error ? error.message : String(error);
}

/** On SIGINT/SIGTERM, remove temporaries synchronously before exiting with the signal's code. */
function installInterruptHandlers(): void {
  if (interruptHandlersInstalled) return;
  interruptHandlersInstalled = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      removeTemporariesSync();
      process.exit(code);
    });
  }
}

function removeTemporariesSync(): void {
  // Only synchronous removal is sure to run before the process exits.
  for (const temporary of pendingTemporaries) rmSync(temporary, { force: true });
}
