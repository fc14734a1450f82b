// A rendered result as it is written: one string, or pieces of text made one after another,
// turned into UTF-8 chunks of about a megabyte. A report of millions of rows is then never one
// string (V8 refuses strings past 512 MB) nor one buffer: its rows are written as they are
// rendered, and each chunk is garbage once written. Pure.

/** A command's result: small ones as one string, large ones as pieces in output order. */
export type Rendered = string | Iterable<string>;

/** About this many bytes a chunk: large enough that writes cost nothing beside rendering. */
export const CHUNK_BYTES = 1024 * 1024;

/** UTF-8 needs at most 3 bytes per UTF-16 unit. */
const MAX_BYTES_PER_UNIT = 3;

/**
 * The result's bytes in chunks of about `size`, ending in a newline (one is added when the
 * text does not end with one). Every chunk is a buffer of its own, safe to hold while written.
 */
export function* utf8Chunks(rendered: Rendered, size = CHUNK_BYTES): Generator<Buffer> {
  const pieces = typeof rendered === 'string' ? [rendered] : rendered;
  let chunk = Buffer.allocUnsafe(size);
  let length = 0;
  let last = '';
  for (const piece of pieces) {
    if (piece.length === 0) continue;
    last = piece;
    if (length + piece.length * MAX_BYTES_PER_UNIT > size) {
      if (length > 0) {
        yield chunk.subarray(0, length);
        chunk = Buffer.allocUnsafe(size);
        length = 0;
      }
      // A piece larger than a chunk goes as it is.
      if (piece.length * MAX_BYTES_PER_UNIT > size) {
        yield Buffer.from(piece, 'utf8');
        continue;
      }
    }
    length += chunk.write(piece, length, 'utf8');
  }
  if (!last.endsWith('\n')) length += chunk.write('\n', length, 'utf8');
  if (length > 0) yield chunk.subarray(0, length);
}

/** The whole text of a result, for callers that need it at once (tests, small documents). */
export function renderedText(rendered: Rendered): string {
  return typeof rendered === 'string' ? rendered : [...rendered].join('');
}
