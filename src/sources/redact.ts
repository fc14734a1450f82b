// Keeps credentials out of everything ml-cost prints: URLs in headers and errors, and any text
// a server sends back.

// The scheme as the URL parser reads it: `http:/host` and `http:\\host` are URLs too.
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:[/\\]*/;
// Query parameters that carry credentials by convention, e.g. VictoriaMetrics' authKey.
const SECRET_PARAM = /([?&][^=&#]*(?:key|token|secret|pass|auth|sig|credential)[^=&#]*=)[^&#]*/gi;
// Shorter values would turn redaction into mangling ordinary words of a message.
const MIN_SECRET_LENGTH = 4;

/**
 * The URL with `user:password@` and credential-like query parameters replaced by `***`.
 * Userinfo is what the URL parser takes for it: everything up to the last `@` before the path,
 * so a password holding `@` is hidden whole. A string the parser refuses is cut at its last
 * `@` anywhere: where it meant its authority to end cannot be known.
 */
export function redactUrl(url: string): string {
  const scheme = SCHEME.exec(url)?.[0];
  let out = url;
  if (scheme) {
    const rest = url.slice(scheme.length);
    const authorityEnd = rest.search(/[/?#\\]/);
    const authority = URL.canParse(url) && authorityEnd >= 0 ? rest.slice(0, authorityEnd) : rest;
    const at = authority.lastIndexOf('@');
    if (at >= 0) out = `${scheme}***@${rest.slice(at + 1)}`;
  }
  return out.replace(SECRET_PARAM, '$1***');
}

/** The text with every occurrence of each secret replaced by `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join('***');
  }
  return out;
}
