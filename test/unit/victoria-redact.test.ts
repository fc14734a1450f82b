// Secrets stay out of messages, and messages name the cause and the fix.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { describeNetworkError } from '../../src/sources/http.js';
import { parseHeaders } from '../../src/sources/http-headers.js';
import { redactSecrets, redactUrl } from '../../src/sources/redact.js';
import { describeStatus, serverMessage } from '../../src/sources/victoria-errors.js';
import { createVictoriaSource } from '../../src/sources/victoria-metrics.js';

describe('redactUrl', () => {
  it.each([
    ['http://vm:8428', 'http://vm:8428'],
    ['http://alice:s3cret@vm:8428/select/0/prometheus', 'http://***@vm:8428/select/0/prometheus'],
    ['https://token@vmauth.example.com', 'https://***@vmauth.example.com'],
    // The URL parser's userinfo runs to the last @ of the authority, and so does the redaction.
    ['http://a:b@c@vm:8428/x?y=1', 'http://***@vm:8428/x?y=1'],
    ['http://alice:p@ss@word@vm:8428', 'http://***@vm:8428'],
    ['http://alice:p@ss@vm:8428/select/@x', 'http://***@vm:8428/select/@x'],
    ['http:/alice:s3cret@vm:8428', 'http:/***@vm:8428'],
    ['HTTPS://alice:s3cret@vm', 'HTTPS://***@vm'],
    // Not a URL the parser takes (a port of "pa"): everything up to the last @ may be secret.
    ['http://user:pa/ss@vm', 'http://***@vm'],
    ['ftp://alice:s3cret@files', 'ftp://***@files'],
    ['http://vm:8428/?authKey=abc&step=1h', 'http://vm:8428/?authKey=***&step=1h'],
    ['http://vm:8428/?x=1&access_token=abc#f', 'http://vm:8428/?x=1&access_token=***#f'],
    ['http://vm:8428/prometheus/@user', 'http://vm:8428/prometheus/@user'],
    ['not a url', 'not a url'],
  ])('%s -> %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('redactUrl on generated passwords', () => {
  // A small LCG: the same cases on every run, many of them.
  const random = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const CHARS = 'abcXYZ019@:!$&*+,;=-._~%/?#[] ';

  it('never leaves a byte of a password the URL parser would send', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const next = random(seed);
      const length = 1 + Math.floor(next() * 12);
      const raw = Array.from({ length }, () => CHARS[Math.floor(next() * CHARS.length)]).join('');
      const password = `Q${raw}Z`;
      for (const written of [password, encodeURIComponent(password)]) {
        const url = `http://alice:${written}@vm:8428/select/0/prometheus`;
        const redacted = redactUrl(url);
        expect(redacted, url).not.toContain(written);
        expect(redacted, url).not.toContain('alice');
        if (URL.canParse(url)) {
          const parsed = new URL(url);
          if (parsed.password) expect(redacted, url).not.toContain(parsed.password);
        }
      }
    }
  });
});

describe('redactSecrets', () => {
  it('replaces every occurrence, and leaves very short values alone', () => {
    expect(redactSecrets('Bearer abcd1234 and abcd1234 again', ['abcd1234'])).toBe(
      'Bearer *** and *** again',
    );
    expect(redactSecrets('a b c', ['a', ''])).toBe('a b c');
  });
});

describe('parseHeaders', () => {
  it('reads Name: value lines, trimming and lowering names', () => {
    expect(parseHeaders(['X-Scope-OrgID: team-a', 'AccountID:  42 '])).toEqual({
      'x-scope-orgid': 'team-a',
      accountid: '42',
    });
  });

  it.each([['no colon SECRET'], [': SECRET'], ['Bad Name: SECRET'], ['X-Ok: SECRET\nbreak']])(
    'rejects %j without echoing its value',
    (line) => {
      expect(() => parseHeaders([line])).toThrow(UsageError);
      expect(() => parseHeaders([line])).not.toThrow(/SECRET/);
    },
  );
});

describe('describeNetworkError', () => {
  const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });
  const LIMITS = { timeoutMs: 30_000, runDeadlineMs: 600_000 };

  it('names DNS failures and does not retry them', () => {
    expect(describeNetworkError(withCode('ENOTFOUND'), LIMITS)).toEqual({
      cause: 'DNS lookup failed (ENOTFOUND)',
      retryable: false,
      hint: 'check the host name',
    });
  });

  it('names TLS failures with the flags that fix them', () => {
    const failure = describeNetworkError(
      withCode('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'),
      LIMITS,
    );
    expect(failure.cause).toBe('TLS error: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)');
    expect(failure.hint).toContain('--ca-file');
    expect(failure.retryable).toBe(false);
  });

  it('finds the code of the first attempt when both address families were tried', () => {
    const both = Object.assign(new AggregateError([withCode('ECONNREFUSED')]), {});
    expect(describeNetworkError(both, LIMITS).cause).toBe('connection refused');
  });

  it('names a server that does not speak HTTP, and one that does not speak TLS', () => {
    expect(
      describeNetworkError(
        withCode('HPE_INVALID_CONSTANT', 'Parse Error: Expected HTTP/, RTSP/ or ICE/'),
        LIMITS,
      ),
    ).toEqual({
      cause: 'the server did not answer in HTTP (HPE_INVALID_CONSTANT)',
      retryable: false,
      hint: "check the port: VictoriaMetrics' HTTP port is 8428 unless configured otherwise",
    });
    const plainPort = withCode(
      'EPROTO',
      '80A8F0:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:\n../deps/openssl/openssl/ssl/record/ssl3_record.c:354:\n',
    );
    const failure = describeNetworkError(plainPort, LIMITS);
    expect(failure.cause).toBe('the server does not speak TLS on this port (EPROTO)');
    expect(failure.hint).toBe('use an http:// URL, or the port where TLS is served');
  });

  it('keeps other TLS messages on one line', () => {
    const failure = describeNetworkError(withCode('ERR_SSL_X', 'first line\nsecond line'), LIMITS);
    expect(failure.cause).toBe('TLS error: first line second line (ERR_SSL_X)');
  });

  it('names the connect timeout, capped at 10 s', () => {
    expect(describeNetworkError(withCode('CONNECT_TIMEOUT'), LIMITS).cause).toBe(
      'connect timeout (no TCP/TLS connection within 10s)',
    );
  });
});

describe('describeStatus', () => {
  const vmError = (error: string) => JSON.stringify({ status: 'error', errorType: '422', error });

  it.each([
    [
      'the number of matching timeseries exceeds 300000; either narrow down the search',
      '-search.maxUniqueTimeseries',
    ],
    [
      'too many points for the given step=3600000, start=1 and end=2: 40000; cannot exceed -search.maxPointsPerTimeseries=30000',
      '-search.maxPointsPerTimeseries',
    ],
    ['cannot process more than 1 samples per series', ''],
    ['either increase -search.maxSamplesPerSeries', '-search.maxSamplesPerSeries'],
    ['the query timed out; increase -search.maxQueryDuration', '-search.maxQueryDuration'],
  ])('hints at the limit in %j', (error, flag) => {
    const message = describeStatus(
      'VictoriaMetrics at http://vm',
      'tokens (t)',
      422,
      vmError(error),
      1,
    );
    expect(message).toContain(error);
    if (flag) expect(message).toContain(`raise ${flag}`);
  });

  it('flattens multi-line bodies and keeps them short', () => {
    expect(serverMessage('line one\nline two\r\n\tthree')).toBe('line one line two three');
    expect(serverMessage('x'.repeat(1000))).toHaveLength(403);
  });
});

describe('createVictoriaSource options', () => {
  it('describes itself without credentials', () => {
    expect(createVictoriaSource({ url: 'http://u:p4ssword@vm:8428/' }).description).toBe(
      'http://***@vm:8428/',
    );
  });

  it('warns when TLS verification is off', () => {
    expect(createVictoriaSource({ url: 'https://vm:8428', insecure: true }).warnings).toEqual([
      'TLS certificate verification is off for VictoriaMetrics at https://vm:8428',
    ]);
    expect(createVictoriaSource({ url: 'https://vm:8428' }).warnings).toEqual([]);
  });

  it.each([
    [{ url: 'ftp://vm' }, 'use http:// or https://'],
    [{ url: 'vm:8428' }, 'use http:// or https://'],
    [{ url: '::' }, 'invalid source URL'],
    [{ url: 'http://vm', bearerToken: 't', basicAuth: 'u:p' }, 'more than one credential'],
    [{ url: 'http://u:p@vm', basicAuth: 'u:p' }, 'both in the source URL'],
    [{ url: 'http://vm', basicAuth: 'justuser' }, 'user:password'],
    [{ url: 'http://vm', timeoutMs: 0 }, '--timeout must be between 0.1 and 86400 seconds'],
    // Past 2^31 - 1 ms Node's timers fire at once: a huge timeout must not become none.
    [{ url: 'http://vm', timeoutMs: 2 ** 31 }, '--timeout must be between'],
    [{ url: 'http://vm', timeoutMs: 1e300 }, '--timeout must be between'],
    [{ url: 'http://vm', timeoutMs: 1 }, '--timeout must be between'],
    [{ url: 'http://vm', timeoutMs: Number.NaN }, '--timeout must be between'],
    [{ url: 'http://vm', runDeadlineMs: 50 }, '--deadline must be between'],
    [{ url: 'http://vm', runDeadlineMs: 1e12 }, '--deadline must be between'],
    [{ url: 'http://vm', maxPointsPerQuery: 2.5 }, 'max points per query'],
  ])('rejects %j', (options, text) => {
    expect(() => createVictoriaSource(options)).toThrow(UsageError);
    expect(() => createVictoriaSource(options)).toThrow(text);
  });
});
