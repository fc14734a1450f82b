// Reading ml-cost's CSV in tests: records as objects keyed by the header. An RFC 4180 reader
// written here, not taken from src/, so quoting is checked rather than assumed.

/** Every line of a CSV as its cells: quoted cells may hold the delimiter, quotes and line breaks. */
export function parseCsvLines(text: string, delimiter = ','): string[][] {
  const lines: string[][] = [];
  let line: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"' && cell === '') {
      quoted = true;
    } else if (char === delimiter) {
      line.push(cell);
      cell = '';
    } else if (char === '\n') {
      line.push(cell);
      lines.push(line);
      line = [];
      cell = '';
    } else {
      cell += char;
    }
  }
  if (cell !== '' || line.length > 0) lines.push([...line, cell]);
  return lines;
}

export function parseCsv(text: string, delimiter = ','): Record<string, string>[] {
  const [names = [], ...lines] = parseCsvLines(text, delimiter);
  return lines.map((cells) => Object.fromEntries(cells.map((cell, i) => [names[i], cell])));
}

/** One column's cells, in record order. */
export function column(text: string, name: string): string[] {
  return parseCsv(text).map((record) => record[name] ?? '');
}
