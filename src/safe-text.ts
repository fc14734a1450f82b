// Text that came from data (label values, file lines, server messages) must not drive the
// terminal: control characters, escape sequences among them, are made visible instead.
// Light on purpose: the CLI's error boundary uses it on the start-up path.

// Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder what is shown:
// a name could read as another.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const visible = (char: string): string => {
  if (char === '\t') return ' ';
  const code = char.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** "evil\x1b[31m" stays readable as text and cannot colour or move anything. */
export function safeText(text: string): string {
  return text.replace(CONTROL, visible);
}
