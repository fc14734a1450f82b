// Writes a result file so that readers never see half of it: a temporary file beside the
// target, flushed to disk, then renamed over it. On any failure, or an interrupt, the temporary
// file is removed and an existing target is left untouched. Devices and FIFOs are written in
// place, never replaced.
import { randomBytes } from 'node:crypto';
import { constants, rmSync, type Stats } from 'node:fs';
import { access, lstat, open, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

const pendingTemporaries = new Set<string>();
let interruptHandlersInstalled = false;

/**
 * Where and how a result goes. A regular file (or a symlink to one) is replaced by rename,
 * the link kept; a terminal, /dev/null or a FIFO (also as /dev/stdout) is written in place,
 * as a shell redirection would: renaming over it would replace the device with a file.
 */
type Target =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'in-place'; readonly path: string }
  | { readonly kind: 'stream'; readonly stream: NodeJS.WriteStream };

/** What is written: the whole text or bytes, or chunks of bytes made as they are written. */
export type OutputData = string | Uint8Array | Iterable<Uint8Array>;

/**
 * A failure of whatever makes the chunks (a renderer), told apart from a failure to write
 * them: it is rethrown as it is, with its own exit code, after the temporary file is removed.
 */
class ProducerFailure {
  constructor(readonly error: unknown) {}
}

/** The chunks, with a failure to make the next one wrapped as a ProducerFailure. */
function* produced(data: Iterable<Uint8Array>): Generator<Uint8Array> {
  const chunks = data[Symbol.iterator]();
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = chunks.next();
    } catch (error) {
      throw new ProducerFailure(error);
    }
    if (next.done) return;
    yield next.value;
  }
}

/** Writes the data through `write`, chunk by chunk for chunks. */
async function writeData(
  data: OutputData,
  write: (bytes: string | Uint8Array) => Promise<unknown>,
): Promise<void> {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    await write(data);
    return;
  }
  for (const chunk of produced(data)) await write(chunk);
}

export async function writeFileAtomic(path: string, data: OutputData): Promise<void> {
  const target = await outputTarget(path);
  if (target.kind === 'stream') return writeToStream(path, target.stream, data);
  if (target.kind === 'in-place') return writeInPlace(path, target.path, data);
  const directory = dirname(target.path);
  const temporary = join(
    directory,
    `.${basename(target.path)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  installInterruptHandlers();
  pendingTemporaries.add(temporary);
  try {
    // A file written over keeps its permissions: a private cost file must not turn readable.
    const keptMode = (await stat(target.path).catch(() => null))?.mode;
    const handle = await open(temporary, 'wx', 0o644);
    try {
      if (keptMode !== undefined) await handle.chmod(keptMode & 0o7777);
      // Chunk by chunk: the temporary file grows as the result is rendered.
      await writeData(data, (bytes) => handle.writeFile(bytes));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target.path);
  } catch (error) {
    await rm(temporary, { force: true });
    if (error instanceof ProducerFailure) throw error.error;
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
 * read-only directory, a directory where the file should go, or a special file that is
 * neither a terminal-like device nor a FIFO.
 */
export async function assertWritableTarget(path: string): Promise<void> {
  await outputTarget(path);
}

async function outputTarget(path: string): Promise<Target> {
  const target = resolve(path);
  // Our own standard output may be a socket (a parent process's pipe), which cannot be opened
  // by name: it is written as what it is.
  const own = OWN_STREAM.exec(target)
    ?.slice(1)
    .find((fd) => fd !== undefined);
  if (own === 'stdout' || own === '1') return { kind: 'stream', stream: process.stdout };
  if (own === 'stderr' || own === '2') return { kind: 'stream', stream: process.stderr };
  const link = await lstat(target).catch(() => null);
  // Follows symlinks: /dev/stdout is one, to whatever the shell gave as standard output.
  const existing = await stat(target).catch(() => null);
  if (link?.isSymbolicLink() && !existing) {
    throw new UsageError(
      `--output ${path}: is a symbolic link to a file that does not exist; remove the link or give another name`,
    );
  }
  if (existing?.isDirectory()) {
    throw new UsageError(`--output ${path}: is a directory; give a file name`);
  }
  if (existing && (!existing.isFile() || isProcessAlias(target))) {
    if (existing.isCharacterDevice() || existing.isFIFO() || existing.isFile()) {
      return { kind: 'in-place', path: target };
    }
    throw new UsageError(
      `--output ${path}: is ${specialKind(existing)}, not a file ml-cost can write; give a file name`,
    );
  }
  // A symlink to a regular file: the file it names is replaced, the link stays.
  const real = link?.isSymbolicLink() ? await realpath(target) : target;
  await assertWritableDirectory(dirname(real), `--output ${path}`);
  return { kind: 'file', path: real };
}

const STREAM_ALIAS = /^\/(?:dev\/(?:stdout|stderr|fd\/\d+)|proc\/(?:self|\d+)\/fd\/\d+)$/;
const OWN_STREAM = /^\/(?:dev\/(stdout|stderr)|dev\/fd\/([12])|proc\/self\/fd\/([12]))$/;

/** /dev/stdout, /dev/fd/N, /proc/self/fd/N: names of an open stream, even one onto a file. */
function isProcessAlias(target: string): boolean {
  return STREAM_ALIAS.test(target);
}

function specialKind(info: Stats): string {
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'a special file';
}

/**
 * Writes onto a device or FIFO as `>>` would: no temporary beside it, no truncation (a
 * /dev/stdout that the shell opened onto a file for appending keeps what it held), no file
 * created. Not atomic, and cannot be: the reader takes bytes as they come.
 */
async function writeInPlace(path: string, target: string, data: OutputData) {
  try {
    const handle = await open(target, constants.O_WRONLY | constants.O_APPEND);
    try {
      await writeData(data, (bytes) => handle.writeFile(bytes));
    } finally {
      await handle.close();
    }
  } catch (error) {
    throwUnlessReaderLeft(path, error);
  }
}

async function writeToStream(path: string, stream: NodeJS.WriteStream, data: OutputData) {
  try {
    await writeData(
      data,
      (bytes) =>
        new Promise<void>((done, fail) =>
          stream.write(bytes, (error) => (error ? fail(error) : done())),
        ),
    );
  } catch (error) {
    throwUnlessReaderLeft(path, error);
  }
}

/** A reader that went away (EPIPE) made its choice, as with `| head` (see cli.ts): not a failure. */
function throwUnlessReaderLeft(path: string, error: unknown): void {
  if (error instanceof ProducerFailure) throw error.error;
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return;
  throw new UsageError(`--output ${path}: cannot write (${describe(error)})`, { cause: error });
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

/**
 * On SIGINT, SIGTERM or SIGHUP (a closed terminal or SSH session), remove temporaries
 * synchronously before exiting with the signal's code.
 */
function installInterruptHandlers(): void {
  if (interruptHandlersInstalled) return;
  interruptHandlersInstalled = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
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
