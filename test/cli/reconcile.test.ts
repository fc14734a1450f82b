// Tables through the real binary: the money columns as printed add up to the totals row as
// printed, to the cent (the unrounded figures add up; each cell rounded alone would not).
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const env = { ML_COST_NOW: '2026-09-20T10:00:00Z', NO_COLOR: '1' };

/** Rows of a Markdown table as cells; the totals row is the one whose first cell is bold. */
function markdownRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .slice(1)
    .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| |\*|≥ | \|$/g, '').trim()));
}

/** A money cell in cents; a dash (no figure, left out of the total) counts nothing. */
function cents(cell: string | undefined): number {
  if (cell === '–') return 0;
  return Math.round(Number((cell ?? '').replace(/,/g, '')) * 100);
}

async function columnSums(args: string[], columns: number[]): Promise<[number, number][]> {
  const result = await runCli([...args, '--source', 'example', '--format', 'markdown'], { env });
  expect(result.code).toBe(0);
  const rows = markdownRows(result.stdout);
  const totals = rows.find((row) => row[0] === 'total');
  const body = rows.filter((row) => row !== totals);
  expect(body.length).toBeGreaterThan(2);
  return columns.map((column) => [
    body.reduce((sum, row) => sum + cents(row[column]), 0),
    cents(totals?.[column]),
  ]);
}

describe('printed tables reconcile to the cent', () => {
  it('forecast: to date, run-rate and trend', async () => {
    const sums = await columnSums(
      ['forecast', '--month', '2026-09', '--by', 'use_case'],
      [1, 2, 3],
    );
    for (const [rows, total] of sums) expect(rows).toBe(total);
  });

  it('rank: cost and margin', async () => {
    const sums = await columnSums(['rank', '--period', '2026-09'], [1, 6]);
    for (const [rows, total] of sums) expect(rows).toBe(total);
  });
});
