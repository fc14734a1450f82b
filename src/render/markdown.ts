// Markdown tables for pull-request comments and wikis.
import type { View } from './usage-view.js';

/** Cell text is data: characters Markdown would read as syntax are escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\|*_`[\]<>]/g, '\\$&').replace(/[\r\n]+/g, ' ');
}

export function renderMarkdown(view: View): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const cell = (text: string, index: number) =>
    view.columns[index]?.status && text === 'FAIL' ? '**FAIL**' : escapeMarkdown(text);
  const mark = view.verdict === undefined ? '' : view.verdict === 'pass' ? '✅ ' : '❌ ';
  return [
    `### ${mark}${escapeMarkdown(view.title)}`,
    '',
    ...view.context.map((context) => `- ${escapeMarkdown(context)}`),
    '',
    line(view.columns.map((column) => escapeMarkdown(column.title))),
    `|${view.columns.map((column) => (column.numeric ? ' ---: ' : ' --- ')).join('|')}|`,
    ...view.rows.map((row) => line(row.map(cell))),
    ...(view.totals.length > 0
      ? [line(view.totals.map((cell) => (cell === '' ? '' : `**${escapeMarkdown(cell)}**`)))]
      : []),
    '',
    ...view.footnotes.map((note) => `> ${escapeMarkdown(note)}`),
  ]
    .join('\n')
    .trimEnd();
}
