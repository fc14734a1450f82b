// Finds a gauge's or presence's sample interval on VictoriaMetrics: one small query per stored
// name over the window (promql.ts intervalQuery), the evidence combined as sample-interval.ts
// says. Answers are a few points, read whole.
import { measureOf } from '../core/measures.js';
import type { Metric } from '../core/types.js';
import { SourceError } from '../errors.js';
import type { HttpClient } from './http.js';
import { intervalQuery } from './promql.js';
import { redactSecrets } from './redact.js';
import {
  combineEvidence,
  type IntervalEvidence,
  intervalFrom,
  MIN_SAMPLES,
  type SampleInterval,
  WIDE_LOOK_BACK_MS,
} from './sample-interval.js';
import { namesText, type StoredNames, storedNames } from './types.js';
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

/** A detection answer is three points; anything near this is not one. */
const ANSWER_LIMIT = 1 << 20;

/** The interval of a measure's series over [fromMs, toMs), or null when it has no sample there. */
export async function detectInterval(
  request: IntervalRequest,
  deps: IntervalDeps,
): Promise<SampleInterval | null> {
  const parts: IntervalEvidence[] = [];
  for (const name of new Set(storedNames(request.names))) {
    parts.push(await evidenceOf(request, oneName(request.names, name), deps));
  }
  return intervalFrom(combineEvidence(parts));
}

/** One of the stored names, with the measure's own label matches. */
function oneName(names: StoredNames, name: string): StoredNames {
  return typeof names === 'object' && 'match' in names ? { names: name, match: names.match } : name;
}

async function evidenceOf(
  request: IntervalRequest,
  names: StoredNames,
  deps: IntervalDeps,
): Promise<IntervalEvidence> {
  const { client, connection } = deps;
  const windowMs = request.toMs - request.fromMs;
  const query = intervalQuery(names, windowMs, WIDE_LOOK_BACK_MS, MIN_SAMPLES);
  const at = String(request.toMs / 1000);
  // One point at the window's end: the lookbehinds in the query say what it reads.
  const form = new URLSearchParams({ query, start: at, end: at, step: '60s', nocache: '1' });
  const what = `${measureOf(request.metric).words} (${namesText(names)}) sample interval`;
  const started = Date.now();
  const answer = await client.post(connection.endpoint, form, deps.signal);
  deps.log?.(
    redactSecrets(
      `POST ${connection.target} query_range start=${at} end=${at} step=60s: ${answer.status} in ${Date.now() - started} ms (headers; ${answer.attempts} attempt${answer.attempts === 1 ? '' : 's'}) ${query}`,
      connection.secrets,
    ),
  );
  if (answer.status !== 200) {
    throw new SourceError(
      redactSecrets(
        describeStatus(
          connection.target,
          what,
          answer.status,
          answer.body,
          answer.attempts,
          connection.credential,
        ),
        connection.secrets,
      ),
    );
  }
  const chunks: Buffer[] = [];
  let length = 0;
  await client.readBody(
    answer,
    (chunk) => {
      length += chunk.length;
      if (length > ANSWER_LIMIT) {
        throw new SourceError(`${connection.target} sent more than 1 MB to the ${what} query`);
      }
      chunks.push(chunk);
    },
    deps.signal,
  );
  const unusable = (why: string) =>
    new SourceError(`${connection.target} sent an unusable answer to the ${what} query: ${why}`);
  let json: {
    status?: unknown;
    isPartial?: unknown;
    data?: { result?: { metric?: { tier?: unknown }; values?: unknown[][] }[] };
  };
  try {
    json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw unusable(`not JSON (${(error as Error).message})`);
  }
  if (json.status !== 'success' || !Array.isArray(json.data?.result)) {
    throw unusable('no result');
  }
  if (json.isPartial === true && !deps.allowPartial) {
    throw new SourceError(
      `${connection.target} marked the ${what} answer isPartial: some vmstorage nodes did not answer; retry later, or pass --allow-partial`,
    );
  }
  const tiers: Record<string, number> = {};
  for (const series of json.data.result) {
    const tier = series.metric?.tier;
    const value = Number(series.values?.at(-1)?.[1]);
    if (typeof tier !== 'string' || !(value >= 0 && value < Number.POSITIVE_INFINITY)) {
      throw unusable('a result is not a tier with a finite value');
    }
    tiers[tier] = value;
  }
  return {
    ...(tiers.window === undefined ? {} : { window: tiers.window }),
    ...(tiers.wide === undefined ? {} : { wide: tiers.wide }),
    samples: tiers.samples ?? 0,
  };
}
