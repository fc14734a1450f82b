// The tables pricing list, show and diff print: one look for every catalogue listing.

export async function table(
  head: string[],
  rows: string[][],
  numericColumns: number[],
): Promise<string> {
  const cliTable3 = await import('cli-table3');
  // A CommonJS `export =` module: at run time the class is the namespace's default export.
  const Table = (cliTable3 as unknown as { default: typeof cliTable3 }).default;
  const rendered = new Table({
    head,
    colAligns: head.map((_, i) => (numericColumns.includes(i) ? 'right' : 'left')),
    style: { head: [], border: [] },
    // No rule between rows: rate lists are long and read down one column.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) rendered.push(row);
  return rendered.toString();
}

/** At least two decimals, and every decimal the catalogue gave. */
export function rateText(rate: number): string {
  const text = String(rate);
  const decimals = text.includes('.') ? (text.split('.')[1]?.length ?? 0) : 0;
  return decimals >= 2 || text.includes('e') ? text : rate.toFixed(2);
}
