// Where a VictoriaMetrics source is and how to reach it: the URL checked, credentials turned
// into headers (and remembered as secrets to redact), the CA file read and checked.
import { readFile, stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { headerValueProblem, parseHeaders } from './http-headers.js';
import { redactUrl } from './redact.js';
import type { VictoriaSourceOptions } from './victoria-metrics.js';

export interface Connection {
  /** The base URL with credentials removed: API paths are appended to its path. */
  readonly base: URL;
  readonly endpoint: string;
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly secrets: string[];
  /** Where the credential sent comes from, for advice when the server refuses it. */
  readonly credential?: string;
}

export function connect(options: VictoriaSourceOptions): Connection {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new UsageError(
      `invalid source URL ${redactUrl(options.url)}: expected http(s)://host:port`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`invalid source URL ${redactUrl(options.url)}: use http:// or https://`);
  }
  const secrets: string[] = [];
  const headers = parseHeaders(options.headers ?? []);
  secrets.push(...Object.values(headers));

  let basic = options.basicAuth;
  let credential: string | undefined = basic === undefined ? undefined : 'ML_COST_BASIC_AUTH';
  if ('authorization' in headers) credential = 'the Authorization --header';
  if (url.username || url.password) {
    if (basic !== undefined) {
      throw new UsageError(
        'credentials are given both in the source URL and in ML_COST_BASIC_AUTH',
      );
    }
    basic = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    credential = "the source URL's user:password";
    secrets.push(url.username, url.password);
    url.username = '';
    url.password = '';
  }
  const explicit = [
    basic !== undefined,
    options.bearerToken !== undefined,
    'authorization' in headers,
  ];
  if (explicit.filter(Boolean).length > 1) {
    throw new UsageError(
      'more than one credential is set: use a bearer token, basic auth or an Authorization header, not several',
    );
  }
  if (basic !== undefined) {
    if (!basic.includes(':')) {
      throw new UsageError('ML_COST_BASIC_AUTH must have the form user:password');
    }
    const encoded = Buffer.from(basic).toString('base64');
    headers.authorization = `Basic ${encoded}`;
    secrets.push(basic, basic.slice(basic.indexOf(':') + 1), encoded);
  }
  if (options.bearerToken !== undefined) {
    const problem = headerValueProblem(options.bearerToken);
    if (problem) {
      throw new UsageError(`ML_COST_BEARER_TOKEN ${problem}; set it to the token alone`);
    }
    headers.authorization = `Bearer ${options.bearerToken}`;
    credential = 'ML_COST_BEARER_TOKEN';
    secrets.push(options.bearerToken);
  }

  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '');
  const baseUrl = new URL(url);
  // A root path stays "/" whatever is assigned: without the slash, not "//api/v1/...".
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query_range`;
  const base = redactUrl(options.url).replace(/[?#].*$/, '');
  return {
    base: baseUrl,
    endpoint: url.toString(),
    target: `VictoriaMetrics at ${base}`,
    headers,
    secrets,
    ...(credential ? { credential } : {}),
  };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
/** A CA bundle is a few hundred KB at most; a bigger "certificate" is the wrong file. */
const CA_FILE_LIMIT = 16 * 1024 * 1024;

/**
 * The CA file's PEM certificates, each checked: Node would take a file holding none, or a
 * broken one, without a word and then fail every TLS handshake as if the CA were missing.
 */
export async function readCa(path: string): Promise<Buffer> {
  const bad = (why: string, cause?: unknown) =>
    new UsageError(`--ca-file ${path}: ${why}`, cause === undefined ? {} : { cause });
  let bytes: Buffer;
  try {
    // Not a FIFO or a device: reading one could wait for ever.
    const info = await stat(path);
    if (!info.isFile()) throw bad('not a regular file; give the PEM file of the CA certificate');
    if (info.size > CA_FILE_LIMIT) throw bad('too large to be a CA certificate file');
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw bad(`cannot read the CA file (${code})`, error);
  }
  const blocks = bytes.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw bad(
      'not a PEM certificate (no -----BEGIN CERTIFICATE----- block); give the CA certificate in PEM form, e.g. openssl x509 -inform der -in ca.der -out ca.pem',
    );
  }
  const { X509Certificate } = await import('node:crypto');
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw bad(
        `certificate ${index + 1} of ${blocks.length} cannot be read; replace the file`,
        error,
      );
    }
  }
  return bytes;
}
