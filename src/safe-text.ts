// Text that came from data (label values, file lines, server messages) must not drive the
// terminal: control characters, escape sequences among them, are made visible instead.
// Light on purpose: the CLI's error boundary uses it on the start-up path.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

const visible = (char: string): string =>
  char === '\t' ? ' ' : `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** "evil\x1b[31m" stays readable as text and cannot colour or move anything. */
export function safeText(text: string): string {
  return text.replace(CONTROL, visible);
}
