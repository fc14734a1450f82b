// The HTTP client's timeouts on its own, against a local server: a body that stalls while it
// is read fails; an answer that waits its turn unread, longer than the timeout, does not.
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import { createHttpClient, type HttpClient } from '../../src/sources/http.js';

const TIMEOUT_MS = 200;
const BODY = '{"status":"success","data":{"resultType":"matrix","result":[]}}';

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
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

function client(): Promise<HttpClient> {
  return createHttpClient({
    timeoutMs: TIMEOUT_MS,
    retries: 0,
    retryDelayMs: 1,
    headers: {},
    rejectUnauthorized: true,
    connections: 2,
    target: 'VictoriaMetrics at test',
    secrets: [],
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

  it('fails a body that stalls while it is read', async () => {
    const http = await client();
    try {
      const error = await read(http, '/stall', 0).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as Error).message).toContain('body timeout (the response stalled for 0.2s)');
    } finally {
      await http.close();
    }
  });
});
