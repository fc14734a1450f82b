import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderTable } from '../../src/render/table.js';
import type { View } from '../../src/render/usage-view.js';

const view: View = {
  verdict: 'fail',
  title: 'ml-cost gate: FAILED (1 of 2 checks)',
  context: [],
  columns: [
    { title: 'check', numeric: false },
    { title: 'status', numeric: false, status: true },
  ],
  rows: [
    ['budget', 'FAIL'],
    ['FAIL', 'PASS'],
  ],
  totals: [],
  footnotes: [],
};

describe('a verdict view in the shared renderers', () => {
  it('colours the title and only the status column', () => {
    const text = renderTable(view, true);
    expect(text.split('\n')[0]).toBe(
      '\u001b[31m\u001b[1mml-cost gate: FAILED (1 of 2 checks)\u001b[22m\u001b[39m',
    );
    expect(text).toContain('\u001b[32mPASS\u001b[39m');
    // A FAIL in another column is data, left uncoloured (cli-table3 may or may not colour the
    // borders, depending on the environment, so only the cells are looked at).
    const dataRow = text.split('\n').find((line) => line.includes('PASS')) ?? '';
    expect(dataRow).toContain(' FAIL ');
    expect(dataRow).not.toContain('\u001b[31m');
    expect(text).toContain('\u001b[31m\u001b[1mFAIL\u001b[22m\u001b[39m');
  });

  it('marks the Markdown title and bolds FAIL in the status column only', () => {
    const text = renderMarkdown(view);
    expect(text.split('\n')[0]).toBe('### ❌ ml-cost gate: FAILED (1 of 2 checks)');
    expect(text).toContain('| budget | **FAIL** |');
    expect(text).toContain('| FAIL | PASS |');
  });
});
