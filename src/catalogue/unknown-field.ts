// The message for a field a file does not allow: a "did you mean" for a likely typo, else the
// list of fields it may have. Shared by catalogue version files and ml-cost.config.json.

/** "unknown field; did you mean "x"? (allowed: ...)" or "unknown field; remove it (allowed: ...)". */
export function unknownFieldMessage(key: string, allowed: readonly string[]): string {
  const close = allowed.find((field) => editDistance(key, field) <= 2);
  const list = `(allowed: ${allowed.join(', ')})`;
  return close === undefined
    ? `unknown field; remove it ${list}`
    : `unknown field; did you mean "${close}"? ${list}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
