// A loopback HTTP(S) server that misbehaves on purpose, in front of a real VictoriaMetrics where
// the fault needs a real answer (retry then success, a truncated or partial answer).
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type Fault =
  | {
      readonly kind: 'reply';
      readonly status: number;
      readonly body: string;
      readonly type?: string;
    }
  /** Forward to the upstream VictoriaMetrics, optionally rewriting its answer. */
  | { readonly kind: 'proxy'; readonly rewrite?: (body: string) => string }
  /** Never answer. */
  | { readonly kind: 'hang' }
  /** Send headers and the start of a body, then stall. */
  | { readonly kind: 'stall-body' }
  /** Destroy the socket without answering. */
  | { readonly kind: 'drop' }
  /** Send headers, then a byte every 20 ms for ever: never a long pause, never the end. */
  | { readonly kind: 'trickle' }
  /**
   * Answer `status` with a body of `bytes` bytes, written as fast as the client takes it;
   * `sent` is told how many the server got to write before the connection closed.
   */
  | {
      readonly kind: 'flood';
      readonly status: number;
      readonly bytes: number;
      readonly sent: (bytes: number) => void;
    };

export interface FaultServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Faults for the next requests, in order; when they run out, `fallback` answers. */
  queue(...faults: Fault[]): void;
  fallback: Fault;
  /**
   * The path prefix of the requests that count: only they are recorded and take queued
   * faults. A test that sends under its own prefix cannot be disturbed by a request an earlier
   * test left on the wire (a query already sent when its answer turned out unusable).
   */
  scope: string;
  close(): Promise<void>;
}

export interface FaultServerOptions {
  readonly upstream?: string;
  readonly tls?: { readonly key: string; readonly cert: string };
}

export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const pending: { readonly scope: string; readonly fault: Fault }[] = [];
  const requests: RecordedRequest[] = [];
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const path = req.url ?? '';
    const inScope = path.startsWith(server.scope);
    if (inScope) requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    const queued = inScope ? pending.findIndex((entry) => entry.scope === server.scope) : -1;
    const fault =
      queued >= 0 ? (pending.splice(queued, 1)[0]?.fault ?? server.fallback) : server.fallback;
    await act(fault, req, res, body, options.upstream);
  };
  const http = options.tls ? createHttpsServer(options.tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const server: FaultServer = {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    queue: (...faults) => pending.push(...faults.map((fault) => ({ scope: server.scope, fault }))),
    scope: '',
    fallback: { kind: 'proxy' },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
  return server;
}

async function act(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  upstream: string | undefined,
): Promise<void> {
  switch (fault.kind) {
    case 'reply':
      res.writeHead(fault.status, { 'content-type': fault.type ?? 'text/plain' });
      res.end(fault.body);
      return;
    case 'proxy': {
      if (!upstream) throw new Error('proxy fault without an upstream');
      const path = (req.url ?? '/').replace(/^.*(\/api\/v1\/)/, '$1');
      const answer = await fetch(`${upstream}${path}`, {
        method: req.method ?? 'GET',
        headers: { 'content-type': req.headers['content-type'] ?? 'text/plain' },
        ...(req.method === 'POST' ? { body } : {}),
      });
      const text = await answer.text();
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(fault.rewrite ? fault.rewrite(text) : text);
      return;
    }
    case 'hang':
      return;
    case 'stall-body':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"success","data":{"resultType":"matrix","result":[');
      return;
    case 'drop':
      req.socket.destroy();
      return;
    case 'trickle': {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'flood': {
      res.writeHead(fault.status, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      res.on('close', () => fault.sent(sent));
      const pump = () => {
        while (sent < fault.bytes && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return;
    }
  }
}
