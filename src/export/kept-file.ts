// What an export run does with a file it wrote before: keep it, or replace it because this
// run read more usage, and in words what differs. Pure: both files come in as text.

/** The columns of one export schema that say how much usage and money a file holds. */
export interface ExportMeasures {
  /** Usage columns (GPU-hours, inferences, tokens): more of them means more data was read. */
  readonly usage: readonly string[];
  /** The cost column: reported when it differs, never a reason to replace. */
  readonly cost: string;
  /** The catalogue hash column: a file priced by other prices is never replaced silently. */
  readonly hash: string;
}

export interface KeptFileVerdict {
  /**
   * 'same': identical bytes. 'more-usage': the kept file holds less usage under the same
   * prices and columns (written while data was still missing), so this run replaces it.
   * 'differs': anything else; the kept file stays, and `changes` says how it differs.
   */
  readonly kind: 'same' | 'more-usage' | 'differs';
  /** E.g. ["rows 4 → 6", "inferences 0 → 2,400"]: what this run would change. */
  readonly changes: readonly string[];
}

export function compareExportFiles(
  kept: string,
  fresh: string,
  measures: ExportMeasures,
): KeptFileVerdict {
  if (kept === fresh) return { kind: 'same', changes: [] };
  const before = parseCsv(kept);
  const after = parseCsv(fresh);
  if (before.header.join(',') !== after.header.join(',')) {
    return { kind: 'differs', changes: ['the columns differ'] };
  }
  const changes: string[] = [];
  if (before.records.length !== after.records.length) {
    changes.push(`rows ${before.records.length} → ${after.records.length}`);
  }
  let less = false;
  let more = false;
  for (const name of [...measures.usage, measures.cost]) {
    const old = columnSum(before, name);
    const now = columnSum(after, name);
    if (old === now) continue;
    changes.push(`${name} ${amount(old)} → ${amount(now)}`);
    if (!measures.usage.includes(name)) continue;
    if (now < old) less = true;
    else more = true;
  }
  const oldHashes = distinct(before, measures.hash);
  const newHashes = distinct(after, measures.hash);
  // A file without rows names no prices: its usage can only grow.
  const samePrices = oldHashes === '' || oldHashes === newHashes;
  if (!samePrices) changes.push(`${measures.hash} ${oldHashes} → ${newHashes}`);
  if (changes.length === 0) changes.push('the rows differ');
  return { kind: more && !less && samePrices ? 'more-usage' : 'differs', changes };
}

interface Csv {
  readonly header: readonly string[];
  readonly records: readonly (readonly string[])[];
}

/** RFC 4180 as ml-cost writes it: quoted cells may hold commas, quotes and line breaks. */
export function parseCsv(text: string): Csv {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  const [header = [], ...records] = rows;
  return { header, records };
}

function columnSum(csv: Csv, name: string): number {
  const index = csv.header.indexOf(name);
  if (index < 0) return 0;
  return csv.records.reduce((sum, record) => sum + (Number(record[index]) || 0), 0);
}

function distinct(csv: Csv, name: string): string {
  const index = csv.header.indexOf(name);
  return [...new Set(csv.records.map((record) => record[index] ?? ''))].sort().join(';');
}

/** Sums of 6-decimal cells, shown as people read them: 1,234.5 rather than 1234.500000001. */
function amount(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
