// What the VictoriaMetrics source says when the server, the network or a proxy misbehaves:
// one line naming the cause, VictoriaMetrics' own words where it sent some, and no secrets.
import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, SourceError } from '../../src/errors.js';
import type { UsageQuery } from '../../src/sources/types.js';
import {
  createVictoriaSource,
  type VictoriaSourceOptions,
} from '../../src/sources/victoria-metrics.js';
import { hourEdges } from '../helpers/edges.js';
import { type FaultServer, startFaultServer } from '../helpers/fault-server.js';
import { tempDir } from '../helpers/temp.js';
import { freePort, startVictoria, type Victoria } from '../helpers/victoria.js';

const T0 = Date.UTC(2026, 1, 1);
const HOUR = 3_600_000;
const TOKEN = 'tok-SECRET-4711';
const PASSWORD = 'pa55-SECRET-word';
const HEADER_VALUE = 'key-SECRET-0815';

const query: UsageQuery = {
  edges: hourEdges(T0, 6),
  by: ['use_case'],
  filters: [],
  metrics: {
    gpu_seconds: 'ml_gpu_seconds_total',
    tokens: 'ml_inference_tokens_total',
    inferences: 'ml_inference_duration_milliseconds_count',
  },
  gpuTypeLabel: 'gpu_type',
};

let vm: Victoria;
let server: FaultServer;

beforeAll(async () => {
  // A low points limit, so a real 422 is one long query away.
  vm = await startVictoria(['-search.maxPointsPerTimeseries=100']);
  const timestamps = Array.from({ length: 7 }, (_, hour) => T0 + hour * HOUR);
  await vm.import([
    {
      metric: { __name__: 'ml_gpu_seconds_total', use_case: 'chat', gpu_type: 'L4' },
      values: timestamps.map((_, hour) => 100 * hour),
      timestamps,
    },
  ]);
  server = await startFaultServer({ upstream: vm.url });
});

afterAll(async () => {
  await server?.close();
  await vm?.stop();
});

let test = 0;
beforeEach(() => {
  server.scope = `/test-${++test}/`;
});

afterEach(() => {
  server.requests.length = 0;
  server.fallback = { kind: 'proxy' };
});

function source(options: Partial<VictoriaSourceOptions> = {}) {
  return createVictoriaSource({
    url: `${server.url}${server.scope}`,
    retryDelayMs: 1,
    concurrency: 1,
    bearerToken: TOKEN,
    headers: [`X-Api-Key: ${HEADER_VALUE}`],
    ...options,
  });
}

/** Runs a fetch that must fail, and returns its one-line message after the common checks. */
async function failure(options: Partial<VictoriaSourceOptions> = {}): Promise<string> {
  const error = await source(options)
    .fetch(query, () => {})
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );
  expect(error).toBeInstanceOf(SourceError);
  const message = (error as SourceError).message;
  expect((error as SourceError).exitCode).toBe(ExitCode.source);
  expect(message).not.toContain('\n');
  expect(message).not.toMatch(/SECRET/);
  return message;
}

describe('retries', () => {
  it('retries a 503 and counts the extra request', async () => {
    server.queue({ kind: 'reply', status: 503, body: 'queue full' });
    const values: number[] = [];
    const info = await source().fetch(query, (series) => values.push(...series.values));
    expect(values).toEqual([100, 100, 100, 100, 100, 100]);
    expect(info.requests).toBe(4);
    expect(server.requests).toHaveLength(4);
  });

  it('gives up on a 503 after 1 + retries attempts, quoting the server', async () => {
    server.fallback = {
      kind: 'reply',
      status: 503,
      body: "couldn't start executing the request in 10.000 seconds, since -search.maxConcurrentRequests=4 concurrent requests are executed",
    };
    const message = await failure({ retries: 2 });
    expect(message).toContain('VictoriaMetrics at http://127.0.0.1:');
    expect(message).toContain('503 Service Unavailable after 3 attempts');
    expect(message).toContain('-search.maxConcurrentRequests=4');
    expect(message).toContain('try again later');
    expect(server.requests).toHaveLength(3);
  });

  it('retries a dropped connection, then succeeds', async () => {
    server.queue({ kind: 'drop' });
    const info = await source().fetch(query, () => {});
    expect(info.requests).toBe(4);
  });

  it('names a connection dropped on every attempt', async () => {
    server.fallback = { kind: 'drop' };
    const message = await failure();
    expect(message).toContain(
      'connection closed before the response was complete (after 4 attempts)',
    );
  });

  it('names a refused connection', async () => {
    const port = await freePort();
    const message = await failure({ url: `http://127.0.0.1:${port}`, retries: 1 });
    expect(message).toBe(
      `VictoriaMetrics at http://127.0.0.1:${port}: connection refused (after 2 attempts); is VictoriaMetrics running, and are the host and port right?`,
    );
  });
});

describe('error answers', () => {
  it("shows VictoriaMetrics' 422 text without the echoed query, with the limit to raise", async () => {
    server.queue({
      kind: 'reply',
      status: 422,
      type: 'application/json',
      body: JSON.stringify({
        status: 'error',
        errorType: '422',
        error:
          'error when executing query="sum by (use_case, gpu_type) (increase(ml_gpu_seconds_total[1h]))" on the time range (start=1, end=2, step=3600000): cannot execute query: cannot select more than -search.maxSamplesPerQuery=2 samples; possible solutions: to increase the -search.maxSamplesPerQuery',
      }),
    });
    const message = await failure();
    expect(message).toContain(
      '422 Unprocessable Entity to the GPU-seconds (ml_gpu_seconds_total) query: cannot execute query: cannot select more than -search.maxSamplesPerQuery=2 samples',
    );
    expect(message).not.toContain('error when executing query');
    expect(message).toContain('raise -search.maxSamplesPerQuery on VictoriaMetrics');
    expect(server.requests).toHaveLength(1);
  });

  it('passes on a real 422 from VictoriaMetrics with the points hint', async () => {
    const long = { ...query, edges: hourEdges(T0, 100) };
    const error = await createVictoriaSource({ url: vm.url, maxPointsPerQuery: 100 })
      .fetch(long, () => {})
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(
      /answered 422 Unprocessable Entity to the [\w-]+ \(ml_\w+\) query: too many points .*cannot exceed -search\.maxPointsPerTimeseries=100; raise -search\.maxPointsPerTimeseries/,
    );
  });

  it('explains a 400 from a wrong path with the URL forms to use', async () => {
    const error = await createVictoriaSource({ url: `${vm.url}/select/0/prometheus` })
      .fetch(query, () => {})
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(
      /answered 400 Bad Request to the [\w-]+ \(ml_\w+\) query: unsupported path requested: "\/select\/0\/prometheus\/api\/v1\/query_range"; the source URL must be the base/,
    );
  });

  it('points at the credential variables on a 401, and redacts a server echoing them', async () => {
    server.queue({
      kind: 'reply',
      status: 401,
      body: `rejected Authorization: Bearer ${TOKEN}, x-api-key ${HEADER_VALUE}`,
    });
    const message = await failure();
    expect(message).toContain('401 Unauthorized');
    expect(message).toContain('rejected Authorization: Bearer ***, x-api-key ***');
    expect(message).toContain(
      'the credential from ML_COST_BEARER_TOKEN was refused: check that it is current',
    );
  });

  it('redacts basic-auth credentials, from options or from the URL', async () => {
    const basic = Buffer.from(`alice:${PASSWORD}`).toString('base64');
    server.fallback = {
      kind: 'reply',
      status: 403,
      body: `no access for Basic ${basic} (${PASSWORD})`,
    };
    const fromOption = await failure({ bearerToken: undefined, basicAuth: `alice:${PASSWORD}` });
    expect(fromOption).toContain('403 Forbidden');
    const withUserinfo = `${server.url}${server.scope}`.replace(
      'http://',
      `http://alice:${PASSWORD}@`,
    );
    const fromUrl = await failure({ bearerToken: undefined, url: withUserinfo });
    expect(fromUrl).toContain('VictoriaMetrics at http://***@127.0.0.1:');
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Basic ${basic}`);
  });
});

describe('unusable answers', () => {
  it('names a body that is not JSON', async () => {
    server.queue({ kind: 'reply', status: 200, body: '<html>maintenance</html>' });
    const message = await failure();
    expect(message).toMatch(
      /sent an unusable answer to the GPU-seconds .* not JSON .*<html>maintenance/,
    );
  });

  it('names a truncated body', async () => {
    server.queue({ kind: 'proxy', rewrite: (body) => body.slice(0, body.length / 2) });
    expect(await failure()).toContain('truncated JSON (Unexpected end of JSON input');
  });

  it('names a status other than success', async () => {
    server.queue({
      kind: 'reply',
      status: 200,
      body: JSON.stringify({ status: 'error', error: 'storage unavailable' }),
    });
    expect(await failure()).toContain('status "error": storage unavailable');
  });

  it('refuses points off the hour grid, as from a cache that rounds start and end', async () => {
    const shifted = JSON.stringify({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [{ metric: {}, values: [[(T0 + 1800_000) / 1000, '1']] }],
      },
    });
    server.queue({ kind: 'reply', status: 200, body: shifted });
    expect(await failure()).toContain(
      'a point at 2026-02-01T00:30:00.000Z is not on the requested step',
    );
  });

  it('refuses a partial answer unless allowed', async () => {
    const partial = (body: string) => JSON.stringify({ ...JSON.parse(body), isPartial: true });
    server.fallback = { kind: 'proxy', rewrite: partial };
    const message = await failure();
    expect(message).toContain('isPartial');
    expect(message).toContain('--allow-partial');

    const values: number[] = [];
    const info = await source({ allowPartial: true }).fetch(query, (series) =>
      values.push(...series.values),
    );
    expect(info.partial).toBe(true);
    expect(values).toEqual([100, 100, 100, 100, 100, 100]);
  });
});

describe('timeouts', () => {
  it('names a server that never answers', async () => {
    server.fallback = { kind: 'hang' };
    const message = await failure({ timeoutMs: 300 });
    expect(message).toContain('headers timeout (no answer within 0.3s)');
    expect(message).toContain('raise --timeout');
    expect(server.requests).toHaveLength(1);
  });

  it('names a body that stalls', async () => {
    server.fallback = { kind: 'stall-body' };
    const message = await failure({ timeoutMs: 300 });
    expect(message).toContain('body timeout (the response was not complete within 0.3s)');
  });
});

describe('the request', () => {
  it('is a form POST under the URL path prefix, with credentials and extra headers', async () => {
    server.fallback = {
      kind: 'reply',
      status: 200,
      body: '{"status":"success","data":{"resultType":"matrix","result":[]}}',
    };
    await source({ url: `${server.url}${server.scope}select/0:1/prometheus/` }).fetch(
      query,
      () => {},
    );
    expect(server.requests).toHaveLength(3);
    const first = server.requests[0];
    expect(first?.method).toBe('POST');
    expect(first?.path).toBe(`${server.scope}select/0:1/prometheus/api/v1/query_range`);
    expect(first?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(first?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(first?.headers['x-api-key']).toBe(HEADER_VALUE);
    expect(Object.fromEntries(new URLSearchParams(first?.body))).toEqual({
      query: 'sum by (use_case, gpu_type) (increase(ml_gpu_seconds_total[1h]))',
      // Six hourly buckets, with a day of points before and after them to look around.
      start: String((T0 + HOUR - 24 * HOUR) / 1000),
      end: String((T0 + 6 * HOUR + 24 * HOUR) / 1000),
      step: '3600s',
      nocache: '1',
    });
  });
});

describe('TLS', () => {
  let dir: string;
  let tls: FaultServer;

  beforeAll(async () => {
    dir = await tempDir('ml-cost-tls-');
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    tls = await startFaultServer({
      upstream: vm.url,
      tls: { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') },
    });
  });

  afterAll(async () => {
    await tls?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('names an untrusted certificate and the flags that fix it', async () => {
    const message = await failure({ url: tls.url });
    expect(message).toMatch(
      /^VictoriaMetrics at https:\/\/127\.0\.0\.1:\d+: TLS error: .*self[- ]signed/,
    );
    expect(message).toContain('pass --ca-file for a private CA, or --insecure');
  });

  it('trusts the certificate given as the CA file', async () => {
    const values: number[] = [];
    const source = createVictoriaSource({ url: tls.url, caFile: join(dir, 'cert.pem') });
    await source.fetch(query, (series) => values.push(...series.values));
    expect(values).toEqual([100, 100, 100, 100, 100, 100]);
    expect(source.warnings).toEqual([]);
  });

  it('skips verification with insecure, and says so', async () => {
    const source = createVictoriaSource({ url: tls.url, insecure: true });
    const info = await source.fetch(query, () => {});
    expect(info.emptyMetrics).toEqual(['tokens', 'inferences']);
    expect(source.warnings).toEqual([
      `TLS certificate verification is off for VictoriaMetrics at ${tls.url}`,
    ]);
  });

  it('reports a CA file it cannot read as a usage error', async () => {
    const error = await createVictoriaSource({ url: tls.url, caFile: join(dir, 'missing.pem') })
      .fetch(query, () => {})
      .catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('UsageError');
    expect((error as Error).message).toMatch(
      /^--ca-file \S+missing\.pem: cannot read the CA file \(ENOENT\)$/,
    );
  });
});
