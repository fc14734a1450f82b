// Reads usage from VictoriaMetrics (single node, vmselect tenant prefix, or vmauth): the
// query plan's requests per metric, answers mapped onto the report's buckets.
import { measureOf } from '../core/measures.js';
import type { Metric } from '../core/types.js';
import { SourceError, UsageError } from '../errors.js';
import { createHttpClient, type HttpAnswer, type HttpClient } from './http.js';
import { usageQuery } from './promql.js';
import {
  DEFAULT_POINTS_PER_QUERY,
  lookAroundOf,
  type PlannedQuery,
  planQueries,
} from './query-plan.js';
import { redactSecrets, redactUrl } from './redact.js';
import { IntervalMemo, type SampleInterval } from './sample-interval.js';
import {
  type FetchInfo,
  intervalKey,
  labelsFor,
  namesText,
  queriedMetrics,
  readingOf,
  type StoredNames,
  samplingInfo,
  samplingOf,
  scaled,
  type UsageQuery,
  type UsageSource,
  usageFactor,
} from './types.js';
import { AnswerReader, MalformedAnswer } from './victoria-answer.js';
import { type Connection, connect, readCa } from './victoria-connect.js';
import { describeStatus } from './victoria-errors.js';

export interface VictoriaSourceOptions {
  /** Base URL: http://host:8428, http://vmselect:8481/select/<accountID>[:<projectID>]/prometheus, or vmauth. */
  readonly url: string;
  /** Per request: connect (capped at 10 s), wait for headers, then read the whole body. */
  readonly timeoutMs?: number;
  /** The whole run against VictoriaMetrics, from when the source is made; default 20 timeouts. */
  readonly runDeadlineMs?: number;
  /** Extra attempts after a 5xx answer or a refused or dropped connection. */
  readonly retries?: number;
  /** First retry delay; later ones double, with jitter, up to 4 s. */
  readonly retryDelayMs?: number;
  readonly bearerToken?: string;
  /** "user:password". */
  readonly basicAuth?: string;
  /** Extra headers as "Name: value" lines, e.g. from repeated --header. */
  readonly headers?: readonly string[];
  /** PEM file with the CA that signed the server certificate. */
  readonly caFile?: string;
  /** Skip TLS certificate verification; adds a warning. */
  readonly insecure?: boolean;
  /** Accept answers VictoriaMetrics marks isPartial (cluster with unavailable vmstorage nodes). */
  readonly allowPartial?: boolean;
  /** Buckets one request delivers at most; each also asks for points around them to look back and ahead. */
  readonly maxPointsPerQuery?: number;
  /** Requests in flight at once. */
  readonly concurrency?: number;
  /** Told of each request (--verbose): target, query, window, status, time. Never credentials. */
  readonly log?: (line: string) => void;
}

export interface VictoriaSource extends UsageSource {
  /** Things the caller should print to stderr before fetching, e.g. TLS verification is off. */
  readonly warnings: readonly string[];
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Enough for the slowest reports at the default timeout: a year is 27 requests. */
const DEFAULT_DEADLINE_TIMEOUTS = 20;
// Below a tenth of a second no real server answers; above a day a run is stuck, not slow
// (and Node's timers overflow at about 24.8 days).
const MIN_LIMIT_MS = 100;
const MAX_LIMIT_MS = 86_400_000;
const DEFAULT_RETRIES = 3;
export const DEFAULT_CONCURRENCY = 2;
const DEFAULT_RETRY_DELAY_MS = 200;

export function createVictoriaSource(options: VictoriaSourceOptions): VictoriaSource {
  const runStartedAt = performance.now();
  const connection = connect(options);
  const timeoutMs = limitMs(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, '--timeout');
  const runDeadlineMs = limitMs(
    options.runDeadlineMs ?? Math.min(MAX_LIMIT_MS, timeoutMs * DEFAULT_DEADLINE_TIMEOUTS),
    '--deadline',
  );
  const retries = nonNegativeInteger(options.retries ?? DEFAULT_RETRIES, 'retries');
  const pointsPerQuery = positiveInteger(
    options.maxPointsPerQuery ?? DEFAULT_POINTS_PER_QUERY,
    'max points per query',
  );
  const concurrency = positiveInteger(options.concurrency ?? DEFAULT_CONCURRENCY, 'concurrency');
  const warnings = options.insecure
    ? [`TLS certificate verification is off for ${connection.target}`]
    : [];
  const intervals = new IntervalMemo();

  const openClient = async (): Promise<HttpClient> => {
    const ca = options.caFile ? await readCa(options.caFile) : undefined;
    return createHttpClient({
      timeoutMs,
      runDeadlineMs,
      runStartedAt,
      retries,
      retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
      headers: connection.headers,
      ...(ca ? { ca } : {}),
      rejectUnauthorized: !options.insecure,
      connections: concurrency,
      target: connection.target,
      secrets: connection.secrets,
    });
  };

  return {
    description: redactUrl(options.url),
    warnings,
    async inspect(probe) {
      const { inspectVictoria } = await import('./victoria-inspect.js');
      const client = await openClient();
      try {
        return await inspectVictoria(probe, {
          client,
          connection,
          concurrency,
          ...(options.log ? { log: options.log } : {}),
        });
      } finally {
        await client.close();
      }
    },
    async fetch(query, onSeries) {
      if (query.edges.length < 2 || queriedMetrics(query).length === 0) {
        return { requests: 0, emptyMetrics: [], partial: false };
      }
      const client = await openClient();
      const seen = new Set<Metric>();
      const deliver = (job: Job) => (labels: Record<string, string>, values: Float64Array) => {
        seen.add(job.metric);
        const own = scaled(values, job.factor);
        onSeries({ metric: job.metric, labels, offset: job.planned.bucket, values: own });
      };
      let partial = false;
      let sampling = new Map<Metric, SampleInterval | null>();
      try {
        sampling = await samplingOf(query, (metric) =>
          intervals.get(intervalKey(query, metric), async () => {
            const { detectInterval } = await import('./victoria-interval.js');
            return detectInterval(
              {
                metric,
                names: query.metrics[metric] as StoredNames,
                fromMs: query.edges[0] as number,
                toMs: query.edges.at(-1) as number,
              },
              {
                client,
                connection,
                allowPartial: options.allowPartial === true,
                signal: new AbortController().signal,
                ...(options.log ? { log: options.log } : {}),
              },
            );
          }),
        );
        const jobs = planJobs(query, pointsPerQuery, sampling);
        await runInOrder(
          jobs,
          concurrency,
          (job, signal) => sendJob(client, connection, job, signal, options.log),
          async (job, answer, signal) => {
            const read = await readJob(client, connection, job, answer, signal, deliver(job));
            if (read.isPartial) {
              if (!options.allowPartial) throw partialError(connection.target, job);
              partial = true;
            }
          },
          (answer) => answer.stream?.destroy(),
        );
      } finally {
        await client.close();
      }
      const info: FetchInfo = {
        requests: client.requests,
        emptyMetrics: queriedMetrics(query).filter((metric) => !seen.has(metric)),
        partial,
        ...(sampling.size > 0 ? { sampling: samplingInfo(sampling) } : {}),
      };
      return info;
    },
  };
}

interface Job {
  readonly metric: Metric;
  readonly metricName: StoredNames;
  readonly by: readonly string[];
  readonly query: string;
  readonly planned: PlannedQuery;
  /** What each bucket's sum is multiplied by: the scale, and a gauge's sample interval. */
  readonly factor: number;
}

/** Every request, per metric; a gauge or presence without a sample in the window has none. */
function planJobs(
  query: UsageQuery,
  pointsPerQuery: number,
  sampling: ReadonlyMap<Metric, SampleInterval | null>,
): Job[] {
  const plans = new Map<number, PlannedQuery[]>();
  const jobs: Job[] = [];
  for (const metric of queriedMetrics(query)) {
    const interval = sampling.get(metric);
    if (interval === null) continue;
    const by = labelsFor(query, metric);
    const reading = readingOf(query, metric);
    const factor = usageFactor(reading, interval);
    const metricName = query.metrics[metric] as StoredNames;
    const lookAround = lookAroundOf(reading.kind);
    let plan = plans.get(lookAround);
    if (!plan) {
      plan = planQueries(query.edges, pointsPerQuery, lookAround);
      plans.set(lookAround, plan);
    }
    for (const planned of plan) {
      const promql = usageQuery(metricName, by, query.filters, planned.windowMs, reading.kind);
      jobs.push({ metric, metricName, by, query: promql, planned, factor });
    }
  }
  return jobs;
}

async function sendJob(
  client: HttpClient,
  connection: Connection,
  job: Job,
  signal: AbortSignal,
  log?: (line: string) => void,
): Promise<HttpAnswer> {
  const { planned } = job;
  const form = new URLSearchParams({
    query: job.query,
    start: seconds(planned.startMs),
    end: seconds(planned.endMs),
    step: `${seconds(planned.stepMs)}s`,
    // Without it, ranges of 50+ points are rounded to whole steps and recent points cached.
    nocache: '1',
  });
  const started = Date.now();
  const answer = await client.post(connection.endpoint, form, signal);
  log?.(
    redact(
      `POST ${connection.target} query_range start=${form.get('start')} end=${form.get('end')} step=${form.get('step')}: ${answer.status} in ${Date.now() - started} ms (headers; ${answer.attempts} attempt${answer.attempts === 1 ? '' : 's'}) ${job.query}`,
      connection,
    ),
  );
  if (answer.status !== 200) {
    throw new SourceError(
      redact(
        describeStatus(
          connection.target,
          what(job),
          answer.status,
          answer.body,
          answer.attempts,
          connection.credential,
        ),
        connection,
      ),
    );
  }
  return answer;
}

/**
 * Streams a 200 answer into onSeries in batches of series as they arrive: a large answer is
 * never held whole, neither as text nor as parsed JSON.
 */
async function readJob(
  client: HttpClient,
  connection: Connection,
  job: Job,
  answer: HttpAnswer,
  signal: AbortSignal,
  onSeries: (labels: Record<string, string>, values: Float64Array) => void,
): Promise<{ isPartial: boolean }> {
  const { startMs, stepMs, skip, count } = job.planned;
  const reader = new AnswerReader({ startMs, stepMs, skip, count, by: job.by }, onSeries);
  await client.readBody(answer, (chunk) => reader.write(chunk), signal);
  try {
    return reader.end();
  } catch (error) {
    if (!(error instanceof MalformedAnswer)) throw error;
    throw new SourceError(
      redact(
        `${connection.target} sent an unusable answer to the ${what(job)} query: ${error.message}`,
        connection,
      ),
    );
  }
}

function what(job: Job): string {
  return `${measureOf(job.metric).words} (${namesText(job.metricName)})`;
}

function seconds(ms: number): string {
  return String(ms / 1000);
}

function redact(message: string, connection: Connection): string {
  return redactSecrets(message, connection.secrets);
}

function partialError(target: string, job: Job): SourceError {
  return new SourceError(
    `${target} marked the ${measureOf(job.metric).words} (${namesText(job.metricName)}) answer isPartial: some vmstorage nodes did not answer, so costs would be too low; retry later, or pass --allow-partial to accept incomplete numbers`,
  );
}

/**
 * Runs jobs with at most `limit` in flight and hands answers over in job order, so output
 * built from them does not depend on which request came back first. An answer is read
 * only when its turn comes (the server meanwhile works on the next query, and TCP holds its
 * bytes back), so nothing waits in memory. The first failure cancels the rest, discards
 * answers not read, and is the one reported.
 */
async function runInOrder<J, A>(
  jobs: readonly J[],
  limit: number,
  run: (job: J, signal: AbortSignal) => Promise<A>,
  deliver: (job: J, answer: A, signal: AbortSignal) => Promise<void>,
  discard: (answer: A) => void,
): Promise<void> {
  const controller = new AbortController();
  let failure: unknown;
  const fail = (error: unknown) => {
    if (failure === undefined) failure = error;
    controller.abort();
  };
  const pending: Promise<A>[] = [];
  const start = () => {
    const job = jobs[pending.length] as J;
    const promise = run(job, controller.signal);
    promise.catch(fail);
    pending.push(promise);
  };
  while (pending.length < Math.min(limit, jobs.length)) start();
  try {
    for (let index = 0; index < jobs.length; index++) {
      const answer = await (pending[index] as Promise<A>);
      if (pending.length < jobs.length) start();
      await deliver(jobs[index] as J, answer, controller.signal);
    }
  } catch (error) {
    fail(error);
    for (const promise of pending) promise.then(discard, () => {});
    throw failure;
  }
}

/** A time limit in ms, refused outside what a run and Node's timers can honour. */
function limitMs(value: number, flag: string): number {
  if (!(value >= MIN_LIMIT_MS && value <= MAX_LIMIT_MS)) {
    throw new UsageError(
      `${flag} must be between ${MIN_LIMIT_MS / 1000} and ${MAX_LIMIT_MS / 1000} seconds (a day), got ${value / 1000}`,
    );
  }
  return Math.ceil(value);
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`${what} must be a positive whole number, got ${value}`);
  }
  return value;
}

function nonNegativeInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new UsageError(`${what} must be a whole number of 0 or more, got ${value}`);
  }
  return value;
}
