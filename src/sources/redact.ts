// Keeps credentials out of everything ml-cost prints: URLs in headers and errors, and any text
// a server sends back.

const USERINFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#@]*@/;
// Query parameters that carry credentials by convention, e.g. VictoriaMetrics' authKey.
const SECRET_PARAM = /([?&][^=&#]*(?:key|token|secret|pass|auth|sig|credential)[^=&#]*=)[^&#]*/gi;
// Shorter values would turn redaction into mangling ordinary words of a message.
const MIN_SECRET_LENGTH = 4;

/** The URL with `user:password@` and credential-like query parameters replaced by `***`. */
export function redactUrl(url: string): string {
  return url.replace(USERINFO, '$1***@').replace(SECRET_PARAM, '$1***');
}

/** The text with every occurrence of each secret replaced by `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join('***');
  }
  return out;
}
