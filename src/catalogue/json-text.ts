// A JSON file's text parsed as ml-cost reports it: a leading byte-order mark ignored, an empty
// file and a syntax error named with a line and column. Shared by catalogue versions and the
// config file.

export type JsonText = { ok: true; value: unknown } | { ok: false; problem: string };

export function parseJsonText(raw: string): JsonText {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.trim() === '')
    return { ok: false, problem: 'file is empty; it must hold one JSON object' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: jsonSyntaxProblem(text, error as Error) };
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
