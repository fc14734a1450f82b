// The gate's output formats: a terminal table, Markdown for pull requests and step
// summaries, and JSON for programs.
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { GateReport, GateView } from './gate-view.js';
import { GATE_COLUMNS } from './gate-view.js';
import { escapeMarkdown } from './markdown.js';
import { catalogueJson, JSON_SCHEMA_VERSION, windowJson } from './usage-json.js';

const NUMERIC = new Set<string>(['measured', 'limit', 'headroom']);

export function renderGateTable(view: GateView, color: boolean): string {
  const chalk = new Chalk({ level: color ? 1 : 0 });
  const table = new Table({
    head: [...GATE_COLUMNS],
    colAligns: GATE_COLUMNS.map((column) => (NUMERIC.has(column) ? 'right' : 'left')),
    style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] },
  });
  for (const row of view.rows) {
    const status = row.passed ? chalk.green('PASS') : chalk.red.bold('FAIL');
    table.push([row.check, row.scope, status, row.measured, row.limit, row.headroom]);
  }
  const title = view.passed ? chalk.green.bold(view.title) : chalk.red.bold(view.title);
  return [
    title,
    ...view.context.map((line) => chalk.dim(line)),
    table.toString(),
    ...view.footnotes.map((line) => chalk.yellow(line)),
  ].join('\n');
}

export function renderGateMarkdown(view: GateView): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const mark = view.passed ? '✅' : '❌';
  return [
    `### ${mark} ${view.title}`,
    '',
    ...view.context.map((context) => `- ${escapeMarkdown(context)}`),
    '',
    line(GATE_COLUMNS.map(escapeMarkdown)),
    `|${GATE_COLUMNS.map((column) => (NUMERIC.has(column) ? ' ---: ' : ' --- ')).join('|')}|`,
    ...view.rows.map((row) =>
      line([
        escapeMarkdown(row.check),
        escapeMarkdown(row.scope),
        row.passed ? 'PASS' : '**FAIL**',
        escapeMarkdown(row.measured),
        escapeMarkdown(row.limit),
        escapeMarkdown(row.headroom),
      ]),
    ),
    '',
    ...view.footnotes.map((note) => `> ${escapeMarkdown(note)}`),
  ]
    .join('\n')
    .trimEnd();
}

/** Infinity (tokens at zero cost) has no JSON number: it is written as null with unbounded. */
function jsonNumber(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : value;
}

export function renderGateJson(report: GateReport): string {
  const { result, usage } = report;
  const document = {
    schema_version: JSON_SCHEMA_VERSION,
    kind: 'gate',
    passed: result.passed,
    window: windowJson(usage),
    source: usage.source,
    currency: usage.catalogue.currency,
    catalogue: catalogueJson(usage),
    checks: result.results.map((r) => ({
      check: r.check.metric,
      basis: r.check.metric === 'cost' ? r.check.basis : 'actual',
      ...(r.check.metric === 'cost' && r.check.basis === 'forecast'
        ? { forecast: report.forecastBasis.get(r.check.useCase) ?? null }
        : {}),
      use_case: r.check.useCase ?? null,
      status: r.status,
      measured: jsonNumber(r.measured),
      limit: r.check.limit,
      headroom: jsonNumber(r.headroom),
      ...(r.measured !== null && !Number.isFinite(r.measured) ? { unbounded: true } : {}),
      unmeasured: r.unmeasured ?? null,
    })),
    notes: usage.notes,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
