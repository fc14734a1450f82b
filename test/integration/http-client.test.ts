// The HTTP client's limits on its own, against a local server: a body that stalls or trickles
// while it is read fails; an answer that waits its turn unread, longer than the timeout, does
// not; the run's deadline bounds every request; an error body is read only as far as needed.
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import {
  createHttpClient,
  ERROR_BODY_LIMIT,
  type HttpClient,
  type HttpClientOptions,
} from '../../src/sources/http.js';
import { startFaultServer } from '../helpers/fault-server.js';

const TIMEOUT_MS = 200;
const BODY = '{"status":"success","data":{"resultType":"matrix","result":[]}}';

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.includes('slow')) {
        setTimeout(() => res.writeHead(200).end(BODY), TIMEOUT_MS / 2);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.includes('trickle')) {
        // A byte every 20 ms: never a pause as long as the timeout, and never the end.
        const timer = setInterval(() => res.write(' '), 20);
        res.on('close', () => clearInterval(timer));
        return;
      }
      if (req.url?.includes('stall')) {
        res.write(BODY.slice(0, 10)); // and never the rest
        return;
      }
      res.end(BODY);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(overrides: Partial<HttpClientOptions> = {}): Promise<HttpClient> {
  return createHttpClient({
    timeoutMs: TIMEOUT_MS,
    runDeadlineMs: 60_000,
    retries: 0,
    retryDelayMs: 1,
    headers: {},
    rejectUnauthorized: true,
    connections: 2,
    target: 'VictoriaMetrics at test',
    secrets: [],
    ...overrides,
  });
}

async function read(http: HttpClient, path: string, waitBeforeReading: number): Promise<string> {
  const signal = new AbortController().signal;
  const answer = await http.post(`${url}${path}`, new URLSearchParams({ query: 'x' }), signal);
  await new Promise((resolve) => setTimeout(resolve, waitBeforeReading));
  const chunks: Buffer[] = [];
  await http.readBody(answer, (chunk) => chunks.push(chunk), signal);
  return Buffer.concat(chunks).toString('utf8');
}

describe('the connect timeout', () => {
  it('names a TLS handshake that never completes', async () => {
    // Accepts the TCP connection and reads the TLS client hello, but never answers it.
    const silent = createTcpServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const http = await client();
    try {
      const signal = new AbortController().signal;
      const error = await http
        .post(`https://127.0.0.1:${port}/api/v1/query_range`, new URLSearchParams(), signal)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as Error).message).toContain(
        'connect timeout (no TCP/TLS connection within 0.2s)',
      );
    } finally {
      await http.close();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('the body timeout', () => {
  it('does not count while an answer waits its turn unread', async () => {
    const http = await client();
    try {
      expect(await read(http, '/api/v1/query_range', 3 * TIMEOUT_MS)).toBe(BODY);
    } finally {
      await http.close();
    }
  });

  it.each([
    ['stalls', '/stall'],
    ['trickles in without ever pausing for the timeout', '/trickle'],
  ])('fails a body that %s while it is read', async (_name, path) => {
    const http = await client();
    try {
      const error = await read(http, path, 0).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as Error).message).toContain(
        'body timeout (the response was not complete within 0.2s); raise --timeout',
      );
    } finally {
      await http.close();
    }
  });
});

describe('the run deadline', () => {
  it('fails the request that would outlive it, naming --deadline', async () => {
    // Each answer is quick (half the timeout); eight in a row are not, for a deadline of two.
    const http = await client({ timeoutMs: 10_000, runDeadlineMs: TIMEOUT_MS });
    try {
      const error = await (async () => {
        for (let n = 0; n < 8; n++) await read(http, '/slow', 0);
      })().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as Error).message).toBe(
        'VictoriaMetrics at test: run deadline (the requests of this run took more than 0.2s in all); raise --deadline, or narrow the window or filters',
      );
    } finally {
      await http.close();
    }
  });

  it('gives up retrying when no time is left for another attempt', async () => {
    let attempts = 0;
    const busy = createServer((req, res) => {
      attempts++;
      req.resume();
      res.writeHead(503).end('queue full');
    });
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    // Backoff from 1 s: the first retry alone would outlive the deadline.
    const http = await client({ retries: 5, retryDelayMs: 1_000, runDeadlineMs: 400 });
    try {
      const answer = await http.post(
        `http://127.0.0.1:${port}/`,
        new URLSearchParams(),
        new AbortController().signal,
      );
      expect(answer.status).toBe(503);
      expect(answer.body).toBe('queue full');
      expect(attempts).toBe(1);
    } finally {
      await http.close();
      busy.closeAllConnections();
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});

describe('an error body', () => {
  it('is read only as far as a message needs, however much the server sends', async () => {
    const flooding = await startFaultServer();
    const sent = new Promise<number>((resolve) => {
      flooding.fallback = { kind: 'flood', status: 500, bytes: 300 * 1024 * 1024, sent: resolve };
    });
    const http = await client({ timeoutMs: 30_000 });
    try {
      const answer = await http.post(
        `${flooding.url}/`,
        new URLSearchParams(),
        new AbortController().signal,
      );
      expect(answer.status).toBe(500);
      expect(answer.body.length).toBe(ERROR_BODY_LIMIT);
      // What the socket buffers held when the client hung up, not the 300 MB offered.
      expect(await sent).toBeLessThan(32 * 1024 * 1024);
    } finally {
      await http.close();
      await flooding.close();
    }
  });
});
