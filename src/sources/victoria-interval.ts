// Finds a gauge's or presence's sample interval on VictoriaMetrics: per series, its samples
// in the window (count, first and last timestamps; promql.ts sampleStatsQuery, one pass over
// the data), reduced here as sample-interval.ts says. A second request, over the window
// widened by a day, only when no series has enough samples in the window itself.
import { measureOf } from '../core/measures.js';
import type { Metric } from '../core/types.js';
import { SourceError } from '../errors.js';
import { type HttpClient, readWholeBody } from './http.js';
import { sampleStatsQuery } from './promql.js';
import { redactSecrets } from './redact.js';
import {
  intervalFrom,
  MIN_SAMPLES,
  type SampleInterval,
  type SampleSpan,
  samplesOf,
  smallestAverage,
  WIDE_LOOK_BACK_MS,
} from './sample-interval.js';
import { namesText, type StoredNames } from './types.js';
import type { Connection } from './victoria-connect.js';
import { describeStatus } from './victoria-errors.js';

export interface IntervalRequest {
  readonly metric: Metric;
  readonly names: StoredNames;
  readonly fromMs: number;
  readonly toMs: number;
}

export interface IntervalDeps {
  readonly client: HttpClient;
  readonly connection: Connection;
  readonly allowPartial: boolean;
  readonly signal: AbortSignal;
  readonly log?: (line: string) => void;
}

/** Three points per series: about 100 bytes plus its labels. Past this, configure it instead. */
const ANSWER_LIMIT = 256 << 20;

/** The interval of a measure's series over [fromMs, toMs), or null when it has no sample there. */
export async function detectInterval(
  request: IntervalRequest,
  deps: IntervalDeps,
): Promise<SampleInterval | null> {
  const windowMs = request.toMs - request.fromMs;
  const spans = await spansOf(request, windowMs, deps);
  const samples = samplesOf(spans);
  const window = smallestAverage(spans, MIN_SAMPLES);
  if (samples === 0 || window !== undefined) {
    return intervalFrom({ ...(window === undefined ? {} : { window }), samples });
  }
  const wide = smallestAverage(await spansOf(request, windowMs + WIDE_LOOK_BACK_MS, deps), 2);
  return intervalFrom({ ...(wide === undefined ? {} : { wide }), samples });
}

interface Answer {
  status?: unknown;
  isPartial?: unknown;
  data?: { result?: { metric?: Record<string, unknown>; values?: unknown[][] }[] };
}

/** Each series' samples in the `rangeMs` before the window's end. */
async function spansOf(
  request: IntervalRequest,
  rangeMs: number,
  deps: IntervalDeps,
): Promise<SampleSpan[]> {
  const { client, connection } = deps;
  const query = sampleStatsQuery(request.names, rangeMs);
  const at = String(request.toMs / 1000);
  // One point at the window's end: the lookbehind in the query says what it reads.
  const form = new URLSearchParams({ query, start: at, end: at, step: '60s', nocache: '1' });
  const what = `${measureOf(request.metric).words} (${namesText(request.names)}) sample interval`;
  const redact = (text: string) => redactSecrets(text, connection.secrets);
  const started = Date.now();
  const answer = await client.post(connection.endpoint, form, deps.signal);
  deps.log?.(
    redact(
      `POST ${connection.target} query_range start=${at} end=${at} step=60s: ${answer.status} in ${Date.now() - started} ms (headers; ${answer.attempts} attempt${answer.attempts === 1 ? '' : 's'}) ${query}`,
    ),
  );
  if (answer.status !== 200) {
    throw new SourceError(
      redact(
        describeStatus(
          connection.target,
          what,
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
      new SourceError(
        `${connection.target} sent more than ${ANSWER_LIMIT >> 20} MB to the ${what} query: too many series to find it; set metrics.${request.metric}.scrape_interval in ml-cost.config.json`,
      ),
    deps.signal,
  );
  const unusable = (why: string) =>
    new SourceError(`${connection.target} sent an unusable answer to the ${what} query: ${why}`);
  let json: Answer;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw unusable(`not JSON (${(error as Error).message})`);
  }
  const result = json.data?.result;
  if (json.status !== 'success' || !Array.isArray(result)) throw unusable('no result');
  if (json.isPartial === true && !deps.allowPartial) {
    throw new SourceError(
      `${connection.target} marked the ${what} answer isPartial: some vmstorage nodes did not answer; retry later, or pass --allow-partial`,
    );
  }
  // A series is its labels but the `rollup` one the server added.
  const bySeries = new Map<string, { count?: number; firstS?: number; lastS?: number }>();
  for (const { metric, values } of result) {
    const value = Number(values?.at(-1)?.[1]);
    const { rollup, ...labels } = metric ?? {};
    if (!(value >= 0 && value < Number.POSITIVE_INFINITY)) throw unusable('a value is not finite');
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    const span = bySeries.get(key) ?? {};
    if (rollup === 'count_over_time') span.count = value;
    else if (rollup === 'tfirst_over_time') span.firstS = value;
    else if (rollup === 'tlast_over_time') span.lastS = value;
    else throw unusable(`unexpected rollup ${JSON.stringify(rollup)}`);
    bySeries.set(key, span);
  }
  const spans: SampleSpan[] = [];
  for (const { count, firstS, lastS } of bySeries.values()) {
    if (count === undefined || firstS === undefined || lastS === undefined) {
      throw unusable('a series lacks its count, first or last sample');
    }
    spans.push({ count, firstS, lastS });
  }
  return spans;
}
