// Doctor's report as a terminal table, Markdown or JSON: the measures, label cardinality,
// then every finding with its fix. Text from the data is escaped in each format.
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { Observations } from '../core/inspection.js';
import { isMetric, measureOf } from '../core/measures.js';
import type { Catalogue, Window } from '../core/types.js';
import { type DoctorReport, duration, type Finding } from '../doctor/diagnose.js';
import type { Naming } from '../doctor/match.js';
import { isoInZone, safeText } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { keepOuterRules } from './table.js';
import { JSON_SCHEMA_VERSION } from './usage-json.js';

export interface DoctorView {
  readonly report: DoctorReport;
  readonly observations: Observations;
  readonly window: Window;
  readonly source: string;
  readonly current: Naming;
  readonly catalogue: Catalogue;
}

interface Grid {
  readonly title: string;
  readonly columns: readonly string[];
  readonly numeric: readonly boolean[];
  readonly rows: readonly (readonly string[])[];
}

const words = (group: string) =>
  isMetric(group) ? measureOf(group).words : 'stored names that look like measures';

export function renderDoctor(
  view: DoctorView,
  format: string,
  options: { color: boolean },
): string {
  if (format === 'json') return renderJson(view);
  const lines = contextLines(view);
  const grids = [measureGrid(view), ...cardinalityGrids(view)];
  return format === 'markdown'
    ? markdown(view, lines, grids)
    : table(view, lines, grids, options.color);
}

function contextLines(view: DoctorView): string[] {
  const { report, window, observations } = view;
  const problems = report.findings.filter((f) => f.severity === 'problem').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  const limit = observations.maxUniqueTimeseries;
  return [
    `source: ${view.source}`,
    `window: ${isoInZone(window.fromMs, window.tz)} to ${isoInZone(window.toMs, window.tz)} (${window.label})`,
    `naming: ${view.current.name}; labels ${view.current.labels.useCase}, ${view.current.labels.modelName}, ${view.current.labels.gpuType}`,
    ...(report.closest ? [`closest preset to what is stored: ${report.closest.naming.name}`] : []),
    ...(limit
      ? [
          `-search.maxUniqueTimeseries: ${limit.value}${limit.known ? '' : ' (1.79.5 default; not read from the server)'}`,
        ]
      : []),
    `catalogue: ${view.catalogue.origin} (${view.catalogue.hash})`,
    `requests: ${observations.requests}`,
    `verdict: ${report.healthy ? 'healthy' : `${problems} problem${problems === 1 ? '' : 's'}`}${warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`,
  ];
}

function measureGrid(view: DoctorView): Grid {
  const columns = [
    'measure',
    'stored names',
    'series',
    'labels seen',
    'missing labels',
    'interval',
    'max gap',
    'resets/day',
    'stale',
    'future',
  ];
  return {
    title: 'Metrics',
    columns,
    numeric: columns.map((_, i) => i === 2 || i >= 7),
    rows: view.report.measures.map((m) => [
      words(m.metric),
      m.names
        .map((name) => (m.found.some((f) => f.name === name) ? name : `${name} (none)`))
        .join(', '),
      String(m.series),
      m.labels.join(', ') || '–',
      m.missingLabels.join(', ') || '–',
      m.intervalS === null ? '–' : duration(m.intervalS),
      m.maxGapS === null ? '–' : duration(m.maxGapS),
      String(Math.round(m.resetsPerDay * 100) / 100),
      String(m.stale),
      String(m.future),
    ]),
  };
}

function cardinalityGrids(view: DoctorView): Grid[] {
  return view.report.cardinality.map((entry) => ({
    title: `Label values of ${words(entry.group)} on ${entry.day}`,
    columns: ['label', 'values', 'flag'],
    numeric: [false, true, false],
    rows: entry.labels.map((label) => [
      label.label,
      String(label.values),
      label.flagged ? 'TOO MANY' : '',
    ]),
  }));
}

function findingText(finding: Finding): { head: string; fix: string } {
  return { head: `${finding.subject}: ${finding.text}`, fix: finding.fix };
}

function table(view: DoctorView, lines: string[], grids: Grid[], color: boolean): string {
  const chalk = new Chalk({ level: color ? 1 : 0 });
  const out = [chalk.bold('ml-cost doctor'), ...lines.map((line) => chalk.dim(safeText(line)))];
  for (const grid of grids) {
    if (grid.rows.length === 0) continue;
    const t = new Table({
      head: [...grid.columns],
      colAligns: grid.numeric.map((n) => (n ? 'right' : 'left')),
      style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] },
    });
    for (const row of grid.rows) t.push(row.map((cell) => safeText(cell)));
    out.push('', chalk.bold(grid.title), keepOuterRules(t.toString(), false));
  }
  out.push('', chalk.bold('Findings'));
  if (view.report.findings.length === 0)
    out.push('none: ml-cost will read this source as configured');
  const mark = {
    problem: chalk.red.bold('PROBLEM'),
    warning: chalk.yellow('WARNING'),
    info: chalk.dim('INFO'),
  };
  for (const finding of view.report.findings) {
    const { head, fix } = findingText(finding);
    out.push(`${mark[finding.severity]} ${safeText(head)}`);
    if (fix) out.push(`  fix: ${safeText(fix)}`);
  }
  return `${out.join('\n')}\n`;
}

function markdown(view: DoctorView, lines: string[], grids: Grid[]): string {
  const row = (cells: readonly string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  const out = [
    `### ${view.report.healthy ? '✅' : '❌'} ml-cost doctor`,
    '',
    ...lines.map((line) => `- ${escapeMarkdown(line)}`),
  ];
  for (const grid of grids) {
    if (grid.rows.length === 0) continue;
    out.push('', `#### ${escapeMarkdown(grid.title)}`, '', row(grid.columns));
    out.push(`| ${grid.numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`);
    for (const cells of grid.rows) out.push(row(cells));
  }
  out.push('', '#### Findings', '');
  if (view.report.findings.length === 0)
    out.push('None: ml-cost will read this source as configured.');
  for (const finding of view.report.findings) {
    const { head, fix } = findingText(finding);
    out.push(
      `- **${finding.severity.toUpperCase()}** ${escapeMarkdown(head)}${fix ? ` — fix: ${escapeMarkdown(fix)}` : ''}`,
    );
  }
  return `${out.join('\n')}\n`;
}

function renderJson(view: DoctorView): string {
  const { report, observations, window } = view;
  const document = {
    schema_version: JSON_SCHEMA_VERSION,
    kind: 'doctor',
    healthy: report.healthy,
    window: {
      from: isoInZone(window.fromMs, window.tz),
      to: isoInZone(window.toMs, window.tz),
      tz: window.tz,
      label: window.label,
    },
    source: view.source,
    naming: { name: view.current.name, metrics: view.current.metrics, labels: view.current.labels },
    closest_preset: report.closest?.naming.name ?? null,
    max_unique_timeseries: observations.maxUniqueTimeseries
      ? {
          value: observations.maxUniqueTimeseries.value,
          read_from_server: observations.maxUniqueTimeseries.known,
        }
      : null,
    requests: observations.requests,
    measures: report.measures.map((m) => ({
      measure: m.metric,
      names: m.names,
      found: m.found,
      series: m.series,
      labels: m.labels,
      missing_labels: m.missingLabels,
      interval_seconds: m.intervalS,
      max_gap_seconds: m.maxGapS,
      resets_per_day: m.resetsPerDay,
      stale_series: m.stale,
      future_series: m.future,
    })),
    cardinality: report.cardinality.map((c) => ({
      group: c.group,
      day: c.day,
      labels: c.labels.map((l) => ({ label: l.label, values: l.values, flagged: l.flagged })),
    })),
    gpu_types: report.gpuTypes.map((g) => ({ gpu_type: g.gpuType, unpriced_in: g.unpricedIn })),
    use_cases: observations.useCases,
    findings: report.findings,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
