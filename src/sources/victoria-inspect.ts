// Answers doctor's probe from VictoriaMetrics with a fixed number of small requests, whatever
// the number of series: aggregate instant queries grouped by __name__ (checked on 1.79.5:
// rollup functions drop the name unless keep_metric_names is given), /api/v1/labels per stored
// name found, /api/v1/status/tsdb for label cardinality on one day, and the server's flags.

import {
  cardinalityDay,
  DEFAULT_MAX_UNIQUE_TIMESERIES,
  FUTURE_HORIZON_MS,
  type GpuUsage,
  type InspectProbe,
  type LabelCardinality,
  type NameStats,
  type Observations,
  type ProbeGroup,
  STALE_AFTER_MS,
  withLookAlikes,
} from '../core/inspection.js';
import { SourceError } from '../errors.js';
import { type HttpClient, readWholeBody } from './http.js';
import { checkLabelName, selector } from './promql.js';
import { redactSecrets } from './redact.js';
import type { Connection } from './victoria-connect.js';
import { describeStatus, oneLine } from './victoria-errors.js';

export interface InspectDeps {
  readonly client: HttpClient;
  readonly connection: Connection;
  readonly concurrency: number;
  readonly log?: (line: string) => void;
}

/** The most of one answer doctor reads: its answers are aggregates, a few KB. */
const ANSWER_LIMIT = 32 * 1024 * 1024;
const OVER_LIMIT = /number of matching timeseries exceeds|maxUniqueTimeseries/i;

type Vector = { metric: Record<string, string>; value: [number, string] }[];

class OverLimit extends Error {}

export async function inspectVictoria(
  probe: InspectProbe,
  deps: InspectDeps,
): Promise<Observations> {
  const call = caller(deps);
  const window = `${Math.max(1, Math.round((probe.toMs - probe.fromMs) / 1000))}s`;
  const at = seconds(probe.toMs - 1);
  const range = { start: seconds(probe.fromMs), end: at };
  const instant = (query: string, time = at) =>
    call('/api/v1/query', { query, time, nocache: '1' });
  const vector = async (query: string, time?: string) =>
    (await instant(query, time)) as { result: Vector };

  const allNames = (await call('/api/v1/label/__name__/values', range)) as string[];
  const groups = withLookAlikes(probe, allNames);
  const names: Record<string, NameStats> = {};
  const overLimit: string[] = [];
  await pool(groups, deps.concurrency, async (group) => {
    const found = await groupStats(group).catch((error: unknown) => {
      if (error instanceof OverLimit) {
        overLimit.push(group.key);
        return {};
      }
      throw error;
    });
    Object.assign(names, found);
  });

  async function groupStats(group: ProbeGroup): Promise<Record<string, NameStats>> {
    const s = selector(group.names, []);
    const byName = async (query: string, time?: string, rollup?: string) => {
      const values = new Map<string, number>();
      for (const { metric, value } of (await vector(query, time)).result) {
        if (rollup !== undefined && metric.rollup !== rollup) continue;
        values.set(metric.__name__ ?? '', Number(value[1]));
      }
      return values;
    };
    const series = await byName(
      `count by (__name__) (count_over_time(${s}[${window}]) keep_metric_names)`,
    );
    if (series.size === 0) return {};
    const [intervals, gaps, resets, stale, future] = await Promise.all([
      byName(
        `quantile by (__name__, rollup) (0.5, rollup_scrape_interval(${s}[${window}]) keep_metric_names)`,
        undefined,
        'avg',
      ),
      byName(
        `max by (__name__, rollup) (rollup_scrape_interval(${s}[${window}]) keep_metric_names)`,
        undefined,
        'max',
      ),
      byName(`sum by (__name__) (resets(${s}[${window}]) keep_metric_names)`),
      byName(
        `count by (__name__) (tlast_over_time(${s}[${window}]) keep_metric_names < ${seconds(probe.toMs - STALE_AFTER_MS)})`,
      ),
      byName(
        `count by (__name__) (count_over_time(${s}[${FUTURE_HORIZON_MS / 1000}s]) keep_metric_names)`,
        seconds(probe.nowMs + FUTURE_HORIZON_MS),
      ),
    ]);
    const stats: Record<string, NameStats> = {};
    for (const [name, count] of series) {
      const labels = (await call('/api/v1/labels', {
        'match[]': selector(name, []),
        ...range,
      })) as string[];
      stats[name] = {
        series: count,
        labels: labels.filter((label) => label !== '__name__').sort(),
        intervalS: intervals.get(name) ?? null,
        maxGapS: gaps.get(name) ?? null,
        resets: resets.get(name) ?? 0,
        stale: stale.get(name) ?? 0,
        future: future.get(name) ?? 0,
      };
    }
    return stats;
  }

  const day = cardinalityDay(probe);
  const cardinality: Observations['cardinality'] = {};
  const tsdbGroups = groups.filter((group) => probe.cardinalityGroups.includes(group.key));
  await pool(tsdbGroups, deps.concurrency, async (group) => {
    if (!group.names.some((name) => names[name])) return;
    const status = (await call('/api/v1/status/tsdb', {
      'match[]': selector(group.names, []),
      date: day,
      topN: String(probe.topLabels),
    })) as { labelValueCountByLabelName?: { name: string; value: number }[] };
    const labels: LabelCardinality[] = (status.labelValueCountByLabelName ?? [])
      .filter((entry) => entry.name !== '__name__')
      .map((entry) => ({ label: entry.name, values: entry.value }));
    (cardinality as Record<string, unknown>)[group.key] = { day, labels };
  });

  const gpuUsage: GpuUsage[] = [];
  const { gpu } = probe;
  if (gpu.names.some((name) => names[name])) {
    const by = [checkLabelName(gpu.gpuTypeLabel), checkLabelName(gpu.useCaseLabel)];
    const mig = gpu.migProfileLabel;
    if (mig !== undefined && !by.includes(mig)) by.push(checkLabelName(mig));
    // As report buckets it: the increase over (from, to], from the last sample at or before from.
    const answer = await vector(
      `sum by (${by.join(', ')}) (increase(${selector(gpu.names, [])}[${window}]) keep_metric_names)`,
      seconds(probe.toMs),
    );
    for (const { metric, value } of answer.result) {
      gpuUsage.push({
        gpuType: metric[gpu.gpuTypeLabel] ?? '',
        migProfile: mig === undefined ? '' : (metric[mig] ?? ''),
        useCase: metric[gpu.useCaseLabel] ?? '',
        seconds: Number(value[1]),
      });
    }
  }

  let useCases: string[] = [];
  if (probe.useCases.names.some((name) => names[name])) {
    const label = checkLabelName(probe.useCases.label);
    const answer = await vector(
      `count by (${label}) (count_over_time(${selector(probe.useCases.names, [])}[${window}]) keep_metric_names)`,
    );
    useCases = answer.result
      .map(({ metric }) => metric[label] ?? '')
      .filter((value) => value !== '');
  }

  const maxUniqueTimeseries = await readMaxUniqueTimeseries(deps);
  return {
    names,
    overLimit,
    cardinality,
    gpuUsage,
    useCases: useCases.sort(),
    allNames,
    maxUniqueTimeseries,
    requests: deps.client.requests,
  };
}

/** POSTs a form to an API path under the base URL and returns `data` of a success answer. */
function caller(deps: InspectDeps) {
  const { client, connection } = deps;
  const redact = (text: string) => redactSecrets(text, connection.secrets);
  return async (path: string, fields: Record<string, string>): Promise<unknown> => {
    const url = new URL(connection.base);
    url.pathname = `${url.pathname}${path}`;
    const form = new URLSearchParams(fields);
    const signal = new AbortController().signal;
    const started = Date.now();
    const answer = await client.post(url.toString(), form, signal);
    deps.log?.(
      redact(
        `POST ${connection.target} ${path}: ${answer.status} in ${Date.now() - started} ms ${fields.query ?? fields['match[]'] ?? ''}`,
      ),
    );
    if (answer.status !== 200) {
      if (answer.status === 422 && OVER_LIMIT.test(answer.body)) throw new OverLimit(answer.body);
      throw new SourceError(
        redact(
          describeStatus(
            connection.target,
            `doctor's ${path}`,
            answer.status,
            answer.body,
            answer.attempts,
            connection.credential,
          ),
        ),
      );
    }
    const body = await readWholeBody(
      client,
      answer,
      ANSWER_LIMIT,
      () =>
        new SourceError(`${connection.target} sent more than ${ANSWER_LIMIT >> 20} MB to ${path}`),
      signal,
    );
    let json: { status?: unknown; data?: unknown; error?: unknown };
    try {
      json = JSON.parse(body);
    } catch (error) {
      throw new SourceError(
        `${connection.target} sent an unusable answer to ${path}: not JSON (${(error as Error).message})`,
      );
    }
    if (json.status !== 'success') {
      const why = typeof json.error === 'string' ? `: ${oneLine(json.error)}` : '';
      throw new SourceError(
        redact(
          `${connection.target} answered ${path} with status ${JSON.stringify(json.status)}${why}`,
        ),
      );
    }
    const data = json.data as { resultType?: string } | undefined;
    if (path === '/api/v1/query' && data?.resultType !== 'vector') {
      throw new SourceError(
        `${connection.target} sent an unusable answer to ${path}: expected a vector`,
      );
    }
    return data;
  };
}

/**
 * The limit the server runs with, from the `flag{...}` lines of its /metrics page (single node
 * and vmselect publish them); the 1.79.5 default when the page is not reachable (vmauth).
 */
async function readMaxUniqueTimeseries(
  deps: InspectDeps,
): Promise<Observations['maxUniqueTimeseries']> {
  const url = new URL('/metrics', deps.connection.base);
  try {
    const answer = await deps.client.post(
      url.toString(),
      new URLSearchParams(),
      new AbortController().signal,
    );
    if (answer.status !== 200) return { value: DEFAULT_MAX_UNIQUE_TIMESERIES, known: false };
    let text = '';
    await deps.client.readBody(
      answer,
      (chunk) => {
        if (text.length < ANSWER_LIMIT) text += chunk.toString('latin1');
      },
      new AbortController().signal,
    );
    const match = /flag\{name="search\.maxUniqueTimeseries", value="(\d+)"/.exec(text);
    return match
      ? { value: Number(match[1]), known: true }
      : { value: DEFAULT_MAX_UNIQUE_TIMESERIES, known: false };
  } catch {
    return { value: DEFAULT_MAX_UNIQUE_TIMESERIES, known: false };
  }
}

function seconds(ms: number): string {
  return String(ms / 1000);
}

/** Runs work on every item with at most `limit` in flight; the first failure is thrown. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
