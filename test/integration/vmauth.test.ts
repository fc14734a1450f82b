// The VictoriaMetrics source through a real vmauth: bearer token, basic auth, a routed path
// prefix, and what the user reads when credentials are missing or wrong.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer, VMAUTH_BINARY } from '../../scripts/victoria-process.mjs';
import { SourceError } from '../../src/errors.js';
import type { UsageQuery } from '../../src/sources/types.js';
import {
  createVictoriaSource,
  type VictoriaSourceOptions,
} from '../../src/sources/victoria-metrics.js';
import { hourEdges } from '../helpers/edges.js';
import { tempDir } from '../helpers/temp.js';
import { startVictoria, type Victoria } from '../helpers/victoria.js';

const T0 = Date.UTC(2026, 2, 1);
const HOUR = 3_600_000;
const TOKEN = 'tok-SECRET-1234';
const PASSWORD = 'pw-SECRET-5678';

const query: UsageQuery = {
  edges: hourEdges(T0, 3),
  by: [],
  filters: [],
  metrics: {
    gpu_seconds: 'ml_gpu_seconds_total',
    tokens: 'ml_inference_tokens_total',
    inferences: 'ml_inference_duration_milliseconds_count',
  },
  gpuTypeLabel: 'gpu_type',
};

let vm: Victoria;
let vmauth: ServerProcess;
let dir: string;

beforeAll(async () => {
  vm = await startVictoria();
  const timestamps = [0, 1, 2, 3].map((hour) => T0 + hour * HOUR);
  await vm.import([
    { metric: { __name__: 'ml_inference_tokens_total' }, values: [0, 7, 14, 21], timestamps },
  ]);
  dir = await tempDir('ml-cost-vmauth-');
  const config = join(dir, 'auth.yml');
  // The basic-auth user may only use /prometheus/api/v1/..., so its requests work only if
  // the source keeps the path prefix of its URL.
  await writeFile(
    config,
    [
      'users:',
      `- bearer_token: "${TOKEN}"`,
      `  url_prefix: "${vm.url}"`,
      '- username: "alice"',
      `  password: "${PASSWORD}"`,
      '  url_map:',
      '  - src_paths: ["/prometheus/api/v1/query_range"]',
      `    url_prefix: "${vm.url}"`,
      '',
    ].join('\n'),
  );
  vmauth = await startServer(VMAUTH_BINARY, [`-auth.config=${config}`]);
});

afterAll(async () => {
  await vmauth?.stop();
  await vm?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function tokens(options: VictoriaSourceOptions): Promise<number[]> {
  const values: number[] = [];
  await createVictoriaSource(options).fetch(query, (series) => {
    if (series.metric === 'tokens') values.push(...series.values);
  });
  return values;
}

async function failure(options: VictoriaSourceOptions): Promise<string> {
  const error = await createVictoriaSource({ retryDelayMs: 1, ...options })
    .fetch(query, () => {})
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(SourceError);
  const message = (error as Error).message;
  expect(message).not.toMatch(/SECRET/);
  return message;
}

describe('through vmauth', () => {
  it('reads with a bearer token', async () => {
    expect(await tokens({ url: vmauth.url, bearerToken: TOKEN })).toEqual([7, 7, 7]);
  });

  it('reads with basic auth under a routed path prefix', async () => {
    const url = `${vmauth.url}/prometheus`;
    expect(await tokens({ url, basicAuth: `alice:${PASSWORD}` })).toEqual([7, 7, 7]);
    const inUrl = url.replace('http://', `http://alice:${PASSWORD}@`);
    expect(await tokens({ url: inUrl })).toEqual([7, 7, 7]);
  });

  it('without the prefix, names the missing route and the URL forms', async () => {
    const message = await failure({ url: vmauth.url, basicAuth: `alice:${PASSWORD}` });
    expect(message).toContain('answered 400 Bad Request');
    expect(message).toContain('missing route for "/api/v1/query_range"');
    expect(message).toContain('the source URL must be the base');
  });

  it('without credentials, points at the variables to set', async () => {
    const message = await failure({ url: vmauth.url });
    expect(message).toMatch(
      /^VictoriaMetrics at http:\/\/127\.0\.0\.1:\d+ answered 401 Unauthorized to the [\w-]+ \(ml_\w+\) query: missing `Authorization` request header; set ML_COST_BEARER_TOKEN, or ML_COST_BASIC_AUTH as user:password/,
    );
  });

  it('with a wrong token, redacts the token vmauth echoes and says the token was refused', async () => {
    const message = await failure({ url: vmauth.url, bearerToken: 'wrong-SECRET-token' });
    expect(message).toContain('400 Bad Request');
    expect(message).toContain('cannot find the provided auth token "Bearer ***"');
    // It is set: advice to set it would send the user looking in the wrong place.
    expect(message).toContain('the credential from ML_COST_BEARER_TOKEN was refused');
    expect(message).not.toContain('set ML_COST_BEARER_TOKEN');
  });

  it('with a wrong password, redacts the encoded credentials vmauth echoes', async () => {
    const message = await failure({
      url: `${vmauth.url}/prometheus`,
      basicAuth: 'alice:wrong-SECRET',
    });
    expect(message).toContain('the credential from ML_COST_BASIC_AUTH was refused');
  });
});
