// Reads usage from VictoriaMetrics (single node, vmselect tenant prefix, or vmauth): the
// query plan's requests per metric, answers mapped onto the report's buckets.
import { readFile } from 'node:fs/promises';
import type { Metric } from '../core/types.js';
import { SourceError, UsageError } from '../errors.js';
import { createHttpClient, type HttpAnswer, type HttpClient, parseHeaders } from './http.js';
import { usageQuery } from './promql.js';
import { DEFAULT_POINTS_PER_QUERY, type PlannedQuery, planQueries } from './query-plan.js';
import { redactSecrets, redactUrl } from './redact.js';
import {
  type FetchInfo,
  labelsFor,
  queriedMetrics,
  type UsageQuery,
  type UsageSource,
} from './types.js';
import { AnswerReader, MalformedAnswer } from './victoria-answer.js';
import { describeStatus } from './victoria-errors.js';

export interface VictoriaSourceOptions {
  /** Base URL: http://host:8428, http://vmselect:8481/select/<accountID>[:<projectID>]/prometheus, or vmauth. */
  readonly url: string;
  /** Per request: connect (capped at 10 s), wait for headers, and longest pause in the body. */
  readonly timeoutMs?: number;
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
const DEFAULT_RETRIES = 3;
export const DEFAULT_CONCURRENCY = 2;
const DEFAULT_RETRY_DELAY_MS = 200;

const METRIC_WORDS: Readonly<Record<Metric, string>> = {
  gpu_seconds: 'GPU-seconds',
  tokens: 'tokens',
  inferences: 'inferences',
};

interface Connection {
  readonly endpoint: string;
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly secrets: string[];
}

export function createVictoriaSource(options: VictoriaSourceOptions): VictoriaSource {
  const connection = connect(options);
  const timeoutMs = Math.ceil(positive(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'timeout (ms)'));
  const retries = nonNegativeInteger(options.retries ?? DEFAULT_RETRIES, 'retries');
  const pointsPerQuery = positiveInteger(
    options.maxPointsPerQuery ?? DEFAULT_POINTS_PER_QUERY,
    'max points per query',
  );
  const concurrency = positiveInteger(options.concurrency ?? DEFAULT_CONCURRENCY, 'concurrency');
  const warnings = options.insecure
    ? [`TLS certificate verification is off for ${connection.target}`]
    : [];

  return {
    description: redactUrl(options.url),
    warnings,
    async fetch(query, onSeries) {
      const jobs = planJobs(query, planQueries(query.edges, pointsPerQuery));
      if (jobs.length === 0) return { requests: 0, emptyMetrics: [], partial: false };
      const ca = options.caFile ? await readCa(options.caFile) : undefined;
      const client = await createHttpClient({
        timeoutMs,
        retries,
        retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
        headers: connection.headers,
        ...(ca ? { ca } : {}),
        rejectUnauthorized: !options.insecure,
        connections: concurrency,
        target: connection.target,
        secrets: connection.secrets,
      });
      const seen = new Set<Metric>();
      const deliver = (job: Job) => (labels: Record<string, string>, values: Float64Array) => {
        seen.add(job.metric);
        onSeries({ metric: job.metric, labels, offset: job.planned.bucket, values });
      };
      let partial = false;
      try {
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
      };
      return info;
    },
  };
}

function connect(options: VictoriaSourceOptions): Connection {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new UsageError(
      `invalid source URL ${redactUrl(options.url)}: expected http(s)://host:port`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`invalid source URL ${redactUrl(options.url)}: use http:// or https://`);
  }
  const secrets: string[] = [];
  const headers = parseHeaders(options.headers ?? []);
  secrets.push(...Object.values(headers));

  let basic = options.basicAuth;
  if (url.username || url.password) {
    if (basic !== undefined) {
      throw new UsageError(
        'credentials are given both in the source URL and in ML_COST_BASIC_AUTH',
      );
    }
    basic = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    secrets.push(url.username, url.password);
    url.username = '';
    url.password = '';
  }
  const explicit = [
    basic !== undefined,
    options.bearerToken !== undefined,
    'authorization' in headers,
  ];
  if (explicit.filter(Boolean).length > 1) {
    throw new UsageError(
      'more than one credential is set: use a bearer token, basic auth or an Authorization header, not several',
    );
  }
  if (basic !== undefined) {
    if (!basic.includes(':')) {
      throw new UsageError('ML_COST_BASIC_AUTH must have the form user:password');
    }
    const encoded = Buffer.from(basic).toString('base64');
    headers.authorization = `Basic ${encoded}`;
    secrets.push(basic, basic.slice(basic.indexOf(':') + 1), encoded);
  }
  if (options.bearerToken !== undefined) {
    if (/[\r\n]/.test(options.bearerToken)) {
      throw new UsageError('ML_COST_BEARER_TOKEN contains a line break');
    }
    headers.authorization = `Bearer ${options.bearerToken}`;
    secrets.push(options.bearerToken);
  }

  url.hash = '';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query_range`;
  const base = redactUrl(options.url).replace(/[?#].*$/, '');
  return { endpoint: url.toString(), target: `VictoriaMetrics at ${base}`, headers, secrets };
}

async function readCa(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`cannot read the CA file ${path} (--ca-file): ${code}`, { cause: error });
  }
}

interface Job {
  readonly metric: Metric;
  readonly metricName: string;
  readonly by: readonly string[];
  readonly query: string;
  readonly planned: PlannedQuery;
}

function planJobs(query: UsageQuery, plan: readonly PlannedQuery[]): Job[] {
  const jobs: Job[] = [];
  for (const metric of queriedMetrics(query)) {
    const by = labelsFor(query, metric);
    const metricName = query.metrics[metric] as string;
    for (const planned of plan) {
      const promql = usageQuery(metricName, by, query.filters, planned.windowMs);
      jobs.push({ metric, metricName, by, query: promql, planned });
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
        describeStatus(connection.target, what(job), answer.status, answer.body, answer.attempts),
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
  return `${METRIC_WORDS[job.metric]} (${job.metricName})`;
}

function seconds(ms: number): string {
  return String(ms / 1000);
}

function redact(message: string, connection: Connection): string {
  return redactSecrets(message, connection.secrets);
}

function partialError(target: string, job: Job): SourceError {
  return new SourceError(
    `${target} marked the ${METRIC_WORDS[job.metric]} (${job.metricName}) answer isPartial: some vmstorage nodes did not answer, so costs would be too low; retry later, or pass --allow-partial to accept incomplete numbers`,
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

function positive(value: number, what: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${what} must be more than 0, got ${value}`);
  }
  return value;
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
