// A JSON file's text parsed as ml-cost reports it: a leading byte-order mark ignored, an empty
// file, a syntax error and a repeated key named with a line and column. Shared by catalogue
// versions and the config file.

export type JsonText = { ok: true; value: unknown } | { ok: false; problem: string };

export function parseJsonText(raw: string): JsonText {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.trim() === '')
    return { ok: false, problem: 'file is empty; it must hold one JSON object' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: jsonSyntaxProblem(text, error as Error) };
  }
  const repeated = repeatedKey(text);
  if (repeated) {
    return {
      ok: false,
      problem: `key ${JSON.stringify(repeated.key)} appears twice in one object (${lineAndColumn(text, repeated.offset)}): JSON would keep only the last value without a word; remove one`,
    };
  }
  return { ok: true, value };
}

/**
 * The first key that an object of the (valid) JSON text repeats. JSON.parse keeps the last of
 * two equal keys silently: a GPU type priced twice would be priced by whichever came last.
 */
function repeatedKey(text: string): { key: string; offset: number } | null {
  // One entry per open container: the keys of an object so far, or null for an array.
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const keys = open.at(-1);
      if (expectKey && keys) {
        // Decoded, so that "L4" and "\u004c4" are the same key, as they are to JSON.parse.
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return { key, offset: i };
        keys.add(key);
      }
      expectKey = false;
      i = end;
    } else if (char === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (char === '[') {
      open.push(null);
    } else if (char === '}' || char === ']') {
      open.pop();
    } else if (char === ',') {
      expectKey = open.at(-1) != null;
    }
  }
  return null;
}

/**
 * The line of each key of the top-level object of a (valid) JSON text, so that a problem with
 * a field can name the line an editor jumps to.
 */
export function topLevelKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let depth = 0;
  let expectKey = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\n') {
      line++;
    } else if (char === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (expectKey && depth === 1) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (!lines.has(key)) lines.set(key, line);
      }
      expectKey = false;
      i = end;
    } else if (char === '{' || char === '[') {
      depth++;
      expectKey = char === '{';
    } else if (char === '}' || char === ']') {
      depth--;
    } else if (char === ',') {
      expectKey = depth === 1;
    }
  }
  return lines;
}

/** Turns V8's "at position N" into a line and column an editor can jump to. */
function jsonSyntaxProblem(text: string, error: Error): string {
  const message = error.message.replace(/\s*in JSON at position \d+.*$/s, '');
  const position = /at position (\d+)/.exec(error.message)?.[1];
  if (position === undefined) return `not valid JSON: ${message}`;
  const offset = Number(position);
  const early = offset >= text.length ? ' (the file ends before the JSON does)' : '';
  return `not valid JSON at ${lineAndColumn(text, offset)}: ${message}${early}`;
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
}
