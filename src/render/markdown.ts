// Markdown tables for pull-request comments and wikis.
import type { View } from './usage-view.js';

export function renderMarkdown(view: View): string {
  const escapeCell = (cell: string) => cell.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [
    `### ${view.title}`,
    '',
    ...view.context.map((context) => `- ${context}`),
    '',
    line(view.columns.map((column) => column.title)),
    `|${view.columns.map((column) => (column.numeric ? ' ---: ' : ' --- ')).join('|')}|`,
    ...view.rows.map(line),
    line(view.totals.map((cell) => (cell === '' ? '' : `**${cell}**`))),
    '',
    ...view.footnotes.map((note) => `> ${note}`),
  ]
    .join('\n')
    .trimEnd();
}
