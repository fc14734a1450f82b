// A view's table as HTML: the same cells, rounding and totals row as the terminal table and
// Markdown, so the page's figures are the other formats' figures.
import type { View } from '../usage-view.js';
import { escapeHtml } from './escape.js';

export interface HtmlTableOptions {
  /** Extra class of a body row, e.g. "marginal". */
  readonly rowClass?: (index: number) => string | undefined;
}

/** A day (2026-07-01) or an hour (2026-07-01 13:00Z) reads badly broken at its hyphens. */
const PERIOD = /^\d{4}-\d{2}(-\d{2})?( \d{2}:\d{2}\S*)?$/;

function cellClass(view: View, index: number, text: string): string {
  const classes: string[] = [];
  const column = view.columns[index];
  if (column?.numeric) classes.push('num');
  if (column?.status && (text === 'PASS' || text === 'FAIL')) classes.push(text.toLowerCase());
  if (text === 'unpriced') classes.push('unpriced');
  if (PERIOD.test(text)) classes.push('period');
  return classes.length > 0 ? ` class="${classes.join(' ')}"` : '';
}

export function htmlTable(view: View, options: HtmlTableOptions = {}): string {
  const row = (cells: readonly string[], tag: 'td' | 'th', extra = '') =>
    `<tr${extra}>${cells.map((text, index) => `<${tag}${cellClass(view, index, text)}>${escapeHtml(text)}</${tag}>`).join('')}</tr>`;
  const body = view.rows.map((cells, index) => {
    const extra = options.rowClass?.(index);
    return row(cells, 'td', extra ? ` class="${extra}"` : '');
  });
  return [
    '<div class="table-wrap"><table>',
    `<thead>${row(
      view.columns.map((column) => column.title),
      'th',
    )}</thead>`,
    `<tbody>\n${body.join('\n')}\n</tbody>`,
    ...(view.totals.length > 0 ? [`<tfoot>${row(view.totals, 'td')}</tfoot>`] : []),
    '</table></div>',
  ].join('\n');
}
