// The HTTP edge of the VictoriaMetrics source: Node's own http/https with a small keep-alive
// pool, connect/headers/body deadlines and one for the whole run, form POSTs with bounded
// retries, error bodies read only as far as a message needs, and network failures turned into
// one-line SourceErrors.
//
// Not undici: it parses HTTP with a WebAssembly module that every run compiles, which cost about
// 150 ms and 55 MB of RSS per report (measured with `npm run bench`), more than the rest of a
// 1,000-group report. A CLI that sends a few requests per run gains nothing from it.
import * as http from 'node:http';
import type { Readable } from 'node:stream';
import { SourceError } from '../errors.js';
import { redactSecrets } from './redact.js';
import { oneLine } from './victoria-errors.js';

export interface HttpClientOptions {
  /** Per request: the answer's headers must arrive within it, and then its whole body. */
  readonly timeoutMs: number;
  /** The whole run, retries and waits included: no request outlives it. */
  readonly runDeadlineMs: number;
  /** When the run began, on performance.now()'s clock; default: when the client is made. */
  readonly runStartedAt?: number;
  /** Extra attempts after the first, for 5xx answers and dropped or refused connections. */
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly ca?: Buffer;
  readonly rejectUnauthorized: boolean;
  readonly connections: number;
  /** Names the server in messages, credentials already removed: "VictoriaMetrics at http://...". */
  readonly target: string;
  /** Strings that must never appear in a message (tokens, passwords, header values). */
  readonly secrets: readonly string[];
}

export interface HttpAnswer {
  readonly status: number;
  /**
   * The start of the body of an answer other than 200, as much as a message can use; a 200's
   * body is left in `stream`.
   */
  readonly body: string;
  /** Attempts it took, retries included. */
  readonly attempts: number;
  /** A 200's body as it arrives: read it with readBody, once. */
  readonly stream?: http.IncomingMessage;
}

export interface HttpClient {
  post(url: string, form: URLSearchParams, signal: AbortSignal): Promise<HttpAnswer>;
  /**
   * Hands a 200 answer's body to onChunk as it arrives. A network failure midway is a
   * SourceError and is not retried: part of the answer has been used already.
   */
  readBody(
    answer: HttpAnswer,
    onChunk: (chunk: Buffer) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** Requests sent so far, retries included. */
  readonly requests: number;
  close(): Promise<void>;
}

/** The ways a request can run out of time; `code` is what describeNetworkError reads. */
type TimeoutCode = 'CONNECT_TIMEOUT' | 'HEADERS_TIMEOUT' | 'BODY_TIMEOUT' | 'RUN_DEADLINE';

class HttpTimeoutError extends Error {
  constructor(readonly code: TimeoutCode) {
    super(code.toLowerCase().replace('_', ' '));
    this.name = 'HttpTimeoutError';
  }
}

/** What describeNetworkError needs to word a failure: the limits in force, the CA given. */
export interface Limits {
  readonly timeoutMs: number;
  readonly runDeadlineMs: number;
  readonly ca?: Buffer;
}

// Connecting is quick or broken; the query itself may legitimately take most of timeoutMs.
const CONNECT_TIMEOUT_CAP_MS = 10_000;
const RETRY_DELAY_CAP_MS = 4_000;
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);
/**
 * The most of an error body worth reading: its message is cut to a few hundred characters,
 * after an echo of our own query that can run to a few KB. The rest is never read, so a
 * server sending hundreds of MB costs no memory.
 */
export const ERROR_BODY_LIMIT = 64 * 1024;

export async function createHttpClient(options: HttpClientOptions): Promise<HttpClient> {
  const connectTimeoutMs = Math.min(options.timeoutMs, CONNECT_TIMEOUT_CAP_MS);
  const runEndsAt = (options.runStartedAt ?? performance.now()) + options.runDeadlineMs;
  /** The phase's own limit, or what is left of the run when that comes first. */
  const within = (code: TimeoutCode, ms: number): { code: TimeoutCode; ms: number } => {
    const left = Math.max(0, Math.ceil(runEndsAt - performance.now()));
    return left < ms ? { code: 'RUN_DEADLINE', ms: left } : { code, ms };
  };
  const plain = { request: http.request, agent: new http.Agent(poolOptions(options)) };
  // TLS is loaded only for an https URL: most servers sit on a private network, and loading
  // it costs every plain-HTTP run a few milliseconds.
  let secure: Promise<typeof plain> | undefined;
  const transportFor = (url: URL) => {
    if (url.protocol !== 'https:') return plain;
    secure ??= import('node:https').then((https) => ({
      request: https.request,
      agent: new https.Agent({
        ...poolOptions(options),
        rejectUnauthorized: options.rejectUnauthorized,
        ...(options.ca ? { ca: options.ca } : {}),
      }),
    }));
    return secure;
  };
  const headers = {
    ...options.headers,
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  let requests = 0;

  async function attempt(url: URL, body: string, signal: AbortSignal): Promise<HttpAnswer> {
    requests++;
    const transport = await transportFor(url);
    const connectEvent = url.protocol === 'https:' ? 'secureConnect' : 'connect';
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const expire = (phase: TimeoutCode, phaseMs: number) => {
        clearTimeout(timer);
        const { code, ms } = within(phase, phaseMs);
        timer = setTimeout(() => request.destroy(new HttpTimeoutError(code)), ms);
      };
      const request = transport.request(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        agent: transport.agent,
        signal,
      });
      request.once('socket', (socket) => {
        // A pooled socket is connected already; a new one gets the shorter connect timeout.
        if (!socket.connecting) return expire('HEADERS_TIMEOUT', options.timeoutMs);
        expire('CONNECT_TIMEOUT', connectTimeoutMs);
        socket.once(connectEvent, () => expire('HEADERS_TIMEOUT', options.timeoutMs));
      });
      request.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.once('response', (response) => {
        clearTimeout(timer);
        const status = response.statusCode ?? 0;
        // A 200 can be hundreds of MB: its reader takes it in as it streams, never as one string.
        if (status === 200) return resolve({ status, body: '', attempts: 0, stream: response });
        const stop = bodyDeadline(response);
        readStart(response, ERROR_BODY_LIMIT)
          .then((text) => resolve({ status, body: text, attempts: 0 }), reject)
          .finally(stop);
      });
      request.end(body);
    });
  }

  /**
   * The body deadline: the whole body within timeoutMs from when it is read on, so a server
   * trickling a few bytes at a time cannot hold a run. An answer waiting its turn (the next
   * one is requested while this one is read) is not late, though its socket is idle. Returns
   * the function that lifts the deadline.
   */
  function bodyDeadline(response: http.IncomingMessage): () => void {
    const { code, ms } = within('BODY_TIMEOUT', options.timeoutMs);
    const timer = setTimeout(() => response.destroy(new HttpTimeoutError(code)), ms);
    return () => clearTimeout(timer);
  }

  /** Waits before attempt n + 1; false, without waiting, when the run has no time left for it. */
  async function pause(n: number, signal: AbortSignal): Promise<boolean> {
    if (n > options.retries) return false;
    const delay = backoffDelay(n, options.retryDelayMs);
    if (runEndsAt - performance.now() < delay) return false;
    const { setTimeout: sleep } = await import('node:timers/promises');
    await sleep(delay, undefined, { signal });
    return true;
  }

  function networkError(error: unknown, attempts: number): SourceError {
    const failure = describeNetworkError(error, options);
    const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    const hint = failure.hint ? `; ${failure.hint}` : '';
    return new SourceError(
      redactSecrets(`${options.target}: ${failure.cause}${tries}${hint}`, options.secrets),
      { cause: error },
    );
  }

  return {
    get requests() {
      return requests;
    },
    async post(url, form, signal) {
      const target = new URL(url);
      const body = form.toString();
      for (let n = 1; ; n++) {
        let answer: HttpAnswer;
        try {
          answer = { ...(await attempt(target, body, signal)), attempts: n };
        } catch (error) {
          if (signal.aborted) throw error;
          const failure = describeNetworkError(error, options);
          if (failure.retryable && (await pause(n, signal))) continue;
          throw networkError(error, n);
        }
        if (RETRYABLE_STATUS.has(answer.status) && (await pause(n, signal))) continue;
        return answer;
      }
    },
    async readBody(answer, onChunk, signal) {
      const stream = answer.stream;
      if (!stream) return;
      const stop = stream.socket ? bodyDeadline(stream) : () => {};
      const chunks = stream[Symbol.asyncIterator]();
      try {
        for (;;) {
          let next: IteratorResult<Buffer>;
          try {
            next = await chunks.next();
          } catch (error) {
            if (signal.aborted) throw error;
            throw networkError(error, 1);
          }
          if (next.done) return;
          onChunk(next.value);
        }
      } finally {
        stop();
        // Frees the connection when the reader gave up early.
        if (!stream.readableEnded) stream.destroy();
      }
    },
    async close() {
      plain.agent.destroy();
      (await secure)?.agent.destroy();
    },
  };
}

/** A small keep-alive pool: one socket per request in flight. */
function poolOptions(options: HttpClientOptions): http.AgentOptions {
  return { keepAlive: true, maxSockets: options.connections };
}

/** The first `limit` bytes of the body as text; the stream is destroyed rather than drained. */
async function readStart(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length >= limit) {
      stream.destroy();
      break;
    }
  }
  return Buffer.concat(chunks, length).subarray(0, limit).toString('utf8');
}

/** Exponential backoff with jitter, so parallel clients do not retry in lockstep. */
function backoffDelay(attempt: number, baseMs: number): number {
  const ceiling = Math.min(RETRY_DELAY_CAP_MS, baseMs * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

interface NetworkFailure {
  readonly cause: string;
  readonly retryable: boolean;
  readonly hint?: string;
}

const TLS_CODE = /CERT|SSL|TLS|EPROTO|ERR_OSSL|UNABLE_TO_VERIFY/;
const TLS_HINT = 'pass --ca-file for a private CA, or --insecure to skip verification';
const TLS_HINT_WITH_CA =
  "check that --ca-file holds the CA that signed the server's certificate, or pass --insecure to skip verification";

export function describeNetworkError(error: unknown, limits: Limits): NetworkFailure {
  const { timeoutMs } = limits;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const seconds = `${timeoutMs / 1000}s`;
  switch (code) {
    case 'ECONNREFUSED':
      return {
        cause: 'connection refused',
        retryable: true,
        hint: 'is VictoriaMetrics running, and are the host and port right?',
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return {
        cause: `DNS lookup failed (${code})`,
        retryable: false,
        hint: 'check the host name',
      };
    case 'CONNECT_TIMEOUT':
      return {
        cause: `connect timeout (no TCP/TLS connection within ${Math.min(timeoutMs, CONNECT_TIMEOUT_CAP_MS) / 1000}s)`,
        retryable: false,
        hint: 'check the host, port and firewall',
      };
    case 'HEADERS_TIMEOUT':
      return {
        cause: `headers timeout (no answer within ${seconds})`,
        retryable: false,
        hint: 'raise --timeout, or narrow the window or filters',
      };
    case 'BODY_TIMEOUT':
      return {
        cause: `body timeout (the response was not complete within ${seconds})`,
        retryable: false,
        hint: 'raise --timeout, or narrow the window or filters',
      };
    case 'RUN_DEADLINE':
      return {
        cause: `run deadline (the requests of this run took more than ${limits.runDeadlineMs / 1000}s in all)`,
        retryable: false,
        hint: 'raise --deadline, or narrow the window or filters',
      };
    case 'ECONNRESET':
    case 'EPIPE':
      return { cause: 'connection closed before the response was complete', retryable: true };
  }
  if (code?.startsWith('HPE_')) {
    // Node's HTTP parser gave up: whatever listens there does not speak HTTP.
    return {
      cause: `the server did not answer in HTTP (${code})`,
      retryable: false,
      hint: "check the port: VictoriaMetrics' HTTP port is 8428 unless configured otherwise",
    };
  }
  if (/wrong version number/i.test(message)) {
    return {
      cause: `the server does not speak TLS on this port (${code ?? 'TLS error'})`,
      retryable: false,
      hint: 'use an http:// URL, or the port where TLS is served',
    };
  }
  if (code && TLS_CODE.test(code)) {
    return {
      cause: `TLS error: ${oneLine(message)} (${code})`,
      retryable: false,
      hint: limits.ca ? TLS_HINT_WITH_CA : TLS_HINT,
    };
  }
  return { cause: code ? `${oneLine(message)} (${code})` : oneLine(message), retryable: false };
}

/** Node puts the code on the error, on its cause, or on the first of several (happy eyeballs). */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof record.code === 'string') return record.code;
  if (Array.isArray(record.errors) && record.errors.length > 0) return errorCode(record.errors[0]);
  if (record.cause !== undefined && record.cause !== error) return errorCode(record.cause);
  return undefined;
}

/**
 * A small answer's whole body as text, for the requests whose answers are bounded (doctor's,
 * the sample-interval detection): tooLarge() is thrown as soon as more than `limit` bytes came.
 */
export async function readWholeBody(
  client: HttpClient,
  answer: HttpAnswer,
  limit: number,
  tooLarge: () => Error,
  signal: AbortSignal,
): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  const keep = (chunk: Buffer) => {
    length += chunk.length;
    if (length > limit) throw tooLarge();
    chunks.push(chunk);
  };
  await client.readBody(answer, keep, signal);
  return Buffer.concat(chunks).toString('utf8');
}
