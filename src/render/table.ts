// Terminal tables (cli-table3). Colour only when asked for: the caller decides from the TTY.
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { View } from './usage-view.js';

export function renderTable(view: View, color: boolean): string {
  const chalk = new Chalk({ level: color ? 1 : 0 });
  const table = new Table({
    head: view.columns.map((column) => column.title),
    colAligns: view.columns.map((column) => (column.numeric ? 'right' : 'left')),
    style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] },
  });
  const status = (cell: string) =>
    cell === 'PASS' ? chalk.green(cell) : cell === 'FAIL' ? chalk.red.bold(cell) : cell;
  for (const row of view.rows) {
    table.push(row.map((cell, index) => (view.columns[index]?.status ? status(cell) : cell)));
  }
  if (view.totals.length > 0) table.push(view.totals.map((cell) => chalk.bold(cell)));
  const title =
    view.verdict === undefined
      ? chalk.bold
      : view.verdict === 'pass'
        ? chalk.green.bold
        : chalk.red.bold;
  return [
    title(view.title),
    ...view.context.map((line) => chalk.dim(line)),
    keepOuterRules(table.toString(), view.totals.length > 0),
    ...view.footnotes,
  ].join('\n');
}

/**
 * cli-table3 draws a rule between every pair of rows; a daily report would be half rules.
 * Keep the rule under the header and the one above the totals row, drop the rest.
 */
export function keepOuterRules(text: string, hasTotals: boolean): string {
  const lines = text.split('\n');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes precede the rule
  const isRule = (line: string) => /^(?:\u001b\[[0-9;]*m)*├/.test(line);
  const rules = lines.flatMap((line, index) => (isRule(line) ? [index] : []));
  const keep = new Set([rules[0], hasTotals ? rules[rules.length - 1] : rules[0]]);
  return lines.filter((line, index) => !isRule(line) || keep.has(index)).join('\n');
}
