// Extra request headers from --header and a bearer token: parsed and checked before any
// request, so a bad one is a usage error that never echoes the value (it may be a secret).
import { UsageError } from '../errors.js';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// What an HTTP/1.1 header value can carry (Node refuses the rest): tab, visible ASCII and
// space, and bytes 0x80-0xff. Control characters and anything past Latin-1 cannot be sent.
const HEADER_VALUE_OFFENCE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Why a header value cannot be sent, without showing it (it may be a secret): its first
 * character HTTP cannot carry, by position. Undefined when it can be sent.
 */
export function headerValueProblem(value: string): string | undefined {
  const offence = HEADER_VALUE_OFFENCE.exec(value);
  if (!offence) return undefined;
  const code = offence[0].codePointAt(0) ?? 0;
  const what =
    code === 0x0a || code === 0x0d
      ? 'a line break'
      : code < 0x20 || code === 0x7f
        ? `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`
        : `a character past Latin-1 (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  return `holds ${what} at character ${offence.index + 1}, which an HTTP header cannot carry`;
}

/** `Name: value` lines (from repeated --header) as a header record. Values never reach a message. */
export function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    const value = colon > 0 ? line.slice(colon + 1).trim() : '';
    if (!HEADER_NAME.test(name)) {
      throw new UsageError(
        `invalid --header: expected 'Name: value', got a header without a valid name`,
      );
    }
    const problem = headerValueProblem(value);
    if (problem) throw new UsageError(`invalid --header ${name}: the value ${problem}`);
    headers[name.toLowerCase()] = value;
  }
  return headers;
}
