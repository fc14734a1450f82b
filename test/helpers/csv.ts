// Reading ml-cost's CSV in tests: records as objects keyed by the header. The test data has no
// quoted cells, so splitting on commas is enough; a test about quoting checks the text itself.

export function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const names = header?.split(',') ?? [];
  return lines.map((line) =>
    Object.fromEntries(line.split(',').map((cell, i) => [names[i], cell])),
  );
}

/** One column's cells, in record order. */
export function column(text: string, name: string): string[] {
  return parseCsv(text).map((record) => record[name] ?? '');
}
