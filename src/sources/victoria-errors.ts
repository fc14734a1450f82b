// Turns VictoriaMetrics' error answers into one line that names the cause, keeps the server's
// own words, and says what to change. Pure.

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const SNIPPET_LENGTH = 400;

// VictoriaMetrics prefixes query errors with the whole query and the time range in ms; the
// query is ours and long, the part after it is what the user needs to read.
const QUERY_ECHO =
  /^error when executing query=.*? on the time range \(start=\d+, end=\d+, step=\d+\): /s;

// Its plain-text errors start with the client address and the request URI, ours again.
const REQUEST_ECHO = /^remoteAddr: "[^"]*"; requestURI: \S+; /;

interface LimitHint {
  readonly pattern: RegExp;
  readonly hint: string;
}

// Matched against the messages VictoriaMetrics 1.79 writes when a -search.* limit is hit.
const LIMIT_HINTS: readonly LimitHint[] = [
  {
    pattern: /maxUniqueTimeseries|number of matching timeseries exceeds/i,
    hint: 'raise -search.maxUniqueTimeseries on VictoriaMetrics (vmselect and vmstorage in a cluster), or narrow the query with --filter',
  },
  {
    pattern: /maxPointsPerTimeseries|too many points/i,
    hint: 'raise -search.maxPointsPerTimeseries on VictoriaMetrics to at least the number of points shown',
  },
  {
    pattern: /maxSamplesPerQuery/i,
    hint: 'raise -search.maxSamplesPerQuery on VictoriaMetrics, or shorten the window or narrow it with --filter',
  },
  {
    pattern: /maxSamplesPerSeries/i,
    hint: 'raise -search.maxSamplesPerSeries on VictoriaMetrics, or lower the points per query',
  },
  {
    pattern: /maxQueryDuration|timed? ?out|deadline/i,
    hint: 'raise -search.maxQueryDuration on VictoriaMetrics, or shorten the window or narrow it with --filter',
  },
  {
    pattern: /maxMemoryPerQuery|memory/i,
    hint: 'raise -search.maxMemoryPerQuery on VictoriaMetrics, or narrow the query with --filter',
  },
];

const URL_HINT =
  'the source URL must be the base: http://host:8428 for a single node, http://vmselect:8481/select/<accountID>/prometheus for a cluster';
// vmauth 1.79 answers an unknown token or password with 400, not 401.
const AUTH_REJECTED = /auth token|authorization/i;
const AUTH_HINT =
  'set ML_COST_BEARER_TOKEN, or ML_COST_BASIC_AUTH as user:password, or pass the header vmauth expects with --header';

/** Server text fit for one line: VictoriaMetrics' own `error` field if the body is its JSON. */
export function serverMessage(body: string): string {
  let text = body;
  try {
    const json: unknown = JSON.parse(body);
    if (
      json &&
      typeof json === 'object' &&
      typeof (json as { error?: unknown }).error === 'string'
    ) {
      text = (json as { error: string }).error;
    }
  } catch {
    // plain text, as VictoriaMetrics writes for 400 and 503
  }
  return oneLine(text.replace(QUERY_ECHO, '').replace(REQUEST_ECHO, ''));
}

export function oneLine(text: string): string {
  const flat = text
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > SNIPPET_LENGTH ? `${flat.slice(0, SNIPPET_LENGTH)}...` : flat;
}

function statusName(status: number): string {
  const text = STATUS_TEXT[status];
  return text ? `${status} ${text}` : String(status);
}

/**
 * The message for an HTTP answer that is not a 200. `credential` names where the credential
 * sent came from (ML_COST_BEARER_TOKEN, ...), for advice when the server refuses it.
 */
export function describeStatus(
  target: string,
  what: string,
  status: number,
  body: string,
  attempts: number,
  credential?: string,
): string {
  const message = serverMessage(body) || '(empty body)';
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const head = `${target} answered ${statusName(status)}${tries} to the ${what} query: ${message}`;
  if (status === 422) {
    const limit = LIMIT_HINTS.find((candidate) => candidate.pattern.test(message));
    return limit ? `${head}; ${limit.hint}` : head;
  }
  if (status === 401 || status === 403 || (status === 400 && AUTH_REJECTED.test(message))) {
    const hint = credential
      ? `the credential from ${credential} was refused: check that it is current and meant for this server`
      : AUTH_HINT;
    return `${head}; ${hint}`;
  }
  if (status === 400 || status === 404) return `${head}; ${URL_HINT}`;
  if (status >= 300 && status < 400) return `${head}; use the URL it redirects to`;
  if (status === 503 || status === 502 || status === 504) {
    return `${head}; the server is overloaded or restarting, try again later`;
  }
  return head;
}

/** Whether JSON.parse failed because the text stopped, rather than because it was not JSON. */
export function endsTooSoon(reason: string, length: number): boolean {
  if (/end of JSON input|Unterminated/i.test(reason)) return true;
  const position = /at position (\d+)/.exec(reason)?.[1];
  return position !== undefined && Number(position) >= length;
}
