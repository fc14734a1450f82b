import { describe, expect, it } from 'vitest';
import { compareExportFiles, parseCsv } from '../../src/export/kept-file.js';

const MEASURES = { usage: ['gpu_hours', 'inferences'], cost: 'cost_eur', hash: 'catalogue_hash' };
const HEADER = 'use_case,gpu_hours,inferences,cost_eur,catalogue_hash\n';
const file = (...rows: string[]) => HEADER + rows.map((row) => `${row}\n`).join('');

describe('parseCsv', () => {
  it('reads quoted cells with commas, quotes and line breaks', () => {
    expect(parseCsv('a,b\n"x, y","say ""hi""\nthere"\n')).toEqual({
      header: ['a', 'b'],
      records: [['x, y', 'say "hi"\nthere']],
    });
  });
});

describe('compareExportFiles', () => {
  it('finds identical files the same', () => {
    const text = file('chat,1,10,2,h1');
    expect(compareExportFiles(text, text, MEASURES)).toEqual({ kind: 'same', changes: [] });
  });

  it('replaces a file with less usage under the same prices', () => {
    expect(compareExportFiles(file(), file('chat,1,10,2,h1'), MEASURES)).toEqual({
      kind: 'more-usage',
      changes: ['rows 0 → 1', 'gpu_hours 0 → 1', 'inferences 0 → 10', 'cost_eur 0 → 2'],
    });
    expect(compareExportFiles(file('chat,1,0,2,h1'), file('chat,1,1234.5,2,h1'), MEASURES)).toEqual(
      { kind: 'more-usage', changes: ['inferences 0 → 1,234.5'] },
    );
  });

  it('keeps a file when a measure would shrink, even if another grows', () => {
    const verdict = compareExportFiles(file('chat,2,10,4,h1'), file('chat,1,20,2,h1'), MEASURES);
    expect(verdict.kind).toBe('differs');
    expect(verdict.changes).toEqual(['gpu_hours 2 → 1', 'inferences 10 → 20', 'cost_eur 4 → 2']);
  });

  it('keeps a file priced by another catalogue, even with more usage', () => {
    const verdict = compareExportFiles(file('chat,1,10,2,h1'), file('chat,2,10,4,h2'), MEASURES);
    expect(verdict).toEqual({
      kind: 'differs',
      changes: ['gpu_hours 1 → 2', 'cost_eur 2 → 4', 'catalogue_hash h1 → h2'],
    });
  });

  it('keeps a file with other columns, or whose rows differ with the same sums', () => {
    expect(compareExportFiles('a\n1\n', file('chat,1,10,2,h1'), MEASURES)).toEqual({
      kind: 'differs',
      changes: ['the columns differ'],
    });
    expect(compareExportFiles(file('chat,1,10,2,h1'), file('search,1,10,2,h1'), MEASURES)).toEqual({
      kind: 'differs',
      changes: ['the rows differ'],
    });
  });
});
