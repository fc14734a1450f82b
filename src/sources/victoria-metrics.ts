// Reads usage from VictoriaMetrics (single node, vmselect tenant prefix, or vmauth): the
// query plan's requests per metric, answers mapped onto the report's buckets.
import { readFile, stat } from 'node:fs/promises';
import { measureOf } from '../core/measures.js';
import type { Metric } from '../core/types.js';
import { SourceError, UsageError } from '../errors.js';
import {
  createHttpClient,
  type HttpAnswer,
  type HttpClient,
  headerValueProblem,
  parseHeaders,
} from './http.js';
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

interface Connection {
  readonly endpoint: string;
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly secrets: string[];
  /** Where the credential sent comes from, for advice when the server refuses it. */
  readonly credential?: string;
}

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

  return {
    description: redactUrl(options.url),
    warnings,
    async fetch(query, onSeries) {
      const jobs = planJobs(query, planQueries(query.edges, pointsPerQuery));
      if (jobs.length === 0) return { requests: 0, emptyMetrics: [], partial: false };
      const ca = options.caFile ? await readCa(options.caFile) : undefined;
      const client = await createHttpClient({
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
  let credential: string | undefined = basic === undefined ? undefined : 'ML_COST_BASIC_AUTH';
  if ('authorization' in headers) credential = 'the Authorization --header';
  if (url.username || url.password) {
    if (basic !== undefined) {
      throw new UsageError(
        'credentials are given both in the source URL and in ML_COST_BASIC_AUTH',
      );
    }
    basic = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    credential = "the source URL's user:password";
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
    const problem = headerValueProblem(options.bearerToken);
    if (problem) {
      throw new UsageError(`ML_COST_BEARER_TOKEN ${problem}; set it to the token alone`);
    }
    headers.authorization = `Bearer ${options.bearerToken}`;
    credential = 'ML_COST_BEARER_TOKEN';
    secrets.push(options.bearerToken);
  }

  url.hash = '';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query_range`;
  const base = redactUrl(options.url).replace(/[?#].*$/, '');
  return {
    endpoint: url.toString(),
    target: `VictoriaMetrics at ${base}`,
    headers,
    secrets,
    ...(credential ? { credential } : {}),
  };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
/** A CA bundle is a few hundred KB at most; a bigger "certificate" is the wrong file. */
const CA_FILE_LIMIT = 16 * 1024 * 1024;

/**
 * The CA file's PEM certificates, each checked: Node would take a file holding none, or a
 * broken one, without a word and then fail every TLS handshake as if the CA were missing.
 */
async function readCa(path: string): Promise<Buffer> {
  const bad = (why: string, cause?: unknown) =>
    new UsageError(`--ca-file ${path}: ${why}`, cause === undefined ? {} : { cause });
  let bytes: Buffer;
  try {
    // Not a FIFO or a device: reading one could wait for ever.
    const info = await stat(path);
    if (!info.isFile()) throw bad('not a regular file; give the PEM file of the CA certificate');
    if (info.size > CA_FILE_LIMIT) throw bad('too large to be a CA certificate file');
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw bad(`cannot read the CA file (${code})`, error);
  }
  const blocks = bytes.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw bad(
      'not a PEM certificate (no -----BEGIN CERTIFICATE----- block); give the CA certificate in PEM form, e.g. openssl x509 -inform der -in ca.der -out ca.pem',
    );
  }
  const { X509Certificate } = await import('node:crypto');
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw bad(
        `certificate ${index + 1} of ${blocks.length} cannot be read; replace the file`,
        error,
      );
    }
  }
  return bytes;
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
  return `${measureOf(job.metric).words} (${job.metricName})`;
}

function seconds(ms: number): string {
  return String(ms / 1000);
}

function redact(message: string, connection: Connection): string {
  return redactSecrets(message, connection.secrets);
}

function partialError(target: string, job: Job): SourceError {
  return new SourceError(
    `${target} marked the ${measureOf(job.metric).words} (${job.metricName}) answer isPartial: some vmstorage nodes did not answer, so costs would be too low; retry later, or pass --allow-partial to accept incomplete numbers`,
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
