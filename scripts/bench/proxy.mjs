// A counting proxy in front of VictoriaMetrics, a replayer that sends the recorded requests
// straight to it, and a server that plays the recorded answers back at once: the first says how
// many requests a report makes, the second how long VictoriaMetrics itself takes to answer them
// (bodies drained, not parsed), the third how long ml-cost takes when answers cost nothing.
import http from 'node:http';

/** Forwards every request to target and records method, path and body. */
export async function startCountingProxy(target) {
  const recorded = [];
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const request = { method: req.method, path: req.url, headers: pick(req.headers), body };
      recorded.push(request);
      const upstream = http.request(
        `${target}${req.url}`,
        { method: req.method, headers: { ...req.headers, host: new URL(target).host }, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          const parts = [];
          answer.on('data', (chunk) => parts.push(chunk));
          answer.on('end', () => {
            request.answer = { status: answer.statusCode, body: Buffer.concat(parts) };
          });
          answer.pipe(res);
        },
      );
      upstream.on('error', (error) => res.destroy(error));
      upstream.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    recorded,
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Answers each recorded request with its recorded answer, immediately. */
export async function startCannedServer(recorded) {
  const answers = new Map(recorded.map((r) => [`${r.path}\n${r.body}`, r.answer]));
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const answer = answers.get(`${req.url}\n${Buffer.concat(chunks)}`);
      if (!answer) {
        res.writeHead(404).end('not recorded');
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function pick(headers) {
  const kept = {};
  for (const name of ['content-type', 'accept']) if (headers[name]) kept[name] = headers[name];
  return kept;
}

/**
 * Sends the recorded requests to target with `concurrency` in flight, as ml-cost does, and
 * reads every body to its end. Returns the wall time in ms and the bytes received.
 */
export async function replay(target, requests, concurrency) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const started = process.hrtime.bigint();
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++];
      const received = await send(target, request, agent);
      bytes += received;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  agent.destroy();
  return { ms, bytes };
}

function send(target, request, agent) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${target}${request.path}`,
      {
        method: request.method,
        headers: { ...request.headers, 'content-length': request.body.length },
        agent,
      },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk) => {
          bytes += chunk.length;
        });
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(bytes)
            : reject(new Error(`replay: HTTP ${res.statusCode} for ${request.path}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}
