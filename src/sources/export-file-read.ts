// Streams the lines of a plain or gzipped file in large chunks. Gzip is recognised by its magic
// bytes, not by the file name, so a renamed or extension-less export still reads.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { UsageError } from '../errors.js';

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Receives buf[start, end) without the newline; lineNumber counts from 1. */
export type OnLine = (buf: Buffer, start: number, end: number, lineNumber: number) => void;

async function isGzipFile(path: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new UsageError(`${path}: cannot read the export file (${describe(error)})`, {
      cause: error,
    });
  }
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } catch (error) {
    throw new UsageError(`${path}: cannot read the export file (${describe(error)})`, {
      cause: error,
    });
  } finally {
    await handle.close();
  }
}

export async function readLines(path: string, onLine: OnLine): Promise<void> {
  const gzip = await isGzipFile(path);
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const stream = gzip ? file.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : file;
  if (gzip) file.on('error', (error) => stream.destroy(error));
  let carry: Buffer[] = [];
  let lineNumber = 0;
  const emit = (buf: Buffer, start: number, end: number) => {
    lineNumber++;
    let stop = end;
    if (stop > start && buf[stop - 1] === CARRIAGE_RETURN) stop--;
    onLine(buf, start, stop, lineNumber);
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let pos = 0;
      let newline = chunk.indexOf(NEWLINE, pos);
      while (newline >= 0) {
        if (carry.length > 0) {
          carry.push(chunk.subarray(pos, newline));
          const line = Buffer.concat(carry);
          carry = [];
          emit(line, 0, line.length);
        } else {
          emit(chunk, pos, newline);
        }
        pos = newline + 1;
        newline = chunk.indexOf(NEWLINE, pos);
      }
      if (pos < chunk.length) carry.push(chunk.subarray(pos));
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const what = gzip ? 'cannot decompress the gzipped export file' : 'cannot read the export file';
    throw new UsageError(`${path}: ${what} (${describe(error)})`, { cause: error });
  } finally {
    stream.destroy();
    file.destroy();
  }
  if (carry.length > 0) {
    const line = Buffer.concat(carry);
    emit(line, 0, line.length);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return 'no such file';
  return error instanceof Error ? error.message : String(error);
}
