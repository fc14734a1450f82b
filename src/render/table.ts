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
  for (const row of view.rows) table.push([...row]);
  table.push(view.totals.map((cell) => chalk.bold(cell)));
  return [
    chalk.bold(view.title),
    ...view.context.map((line) => chalk.dim(line)),
    table.toString(),
    ...view.footnotes.map((line) => (line.startsWith('note:') ? chalk.yellow(line) : line)),
  ].join('\n');
}
