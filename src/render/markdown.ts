// Markdown tables for pull-request comments and wikis.
import type { View } from './usage-view.js';

// A word joiner: invisible, and it stops an @ from starting a mention.
const WORD_JOINER = '\u2060';

/**
 * Cell text is data: characters Markdown would read as syntax are escaped, and an `@name`
 * (a use case called "@security-team") must not notify anyone when the summary is posted to a
 * pull request. A backslash does not stop GitHub's mentions, which are found in the rendered
 * text: a word joiner after the @ does.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\|*_`[\]<>]/g, '\\$&')
    .replace(/[\r\n]+/g, ' ')
    .replace(/@(?=[\p{L}\p{N}_-])/gu, `@${WORD_JOINER}`);
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
