// The gate's JSON for programs; its table and Markdown are the shared renderers' (gate-view.ts).
import type { GateReport } from './gate-view.js';
import { catalogueJson, JSON_SCHEMA_VERSION, windowJson } from './usage-json.js';

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
    notes: usage.notes.map((note) => note.text),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
