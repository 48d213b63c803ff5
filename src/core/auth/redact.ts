// Masks secrets in text bound for a log or an error message: the extension's log channel and
// the CLI's --debug output run every line through this. It errs on the side of masking.

const MASK = '***';

const RULES: [RegExp, string][] = [
  // Authorization / Proxy-Authorization headers, as header lines, JSON or JS object dumps.
  [/((?:proxy-)?authorization["']?\s*[:=]\s*["']?)([A-Za-z][\w-]*)\s+[^\s"',}]+/gi, `$1$2 ${MASK}`],
  // JSON fields of auth.json, token responses and helper I/O.
  [/("(?:auth|identitytoken|identity_token|password|secret|token|access_token|refresh_token|registrytoken)"\s*:\s*")(?:[^"\\]|\\.)*"/gi, `$1${MASK}"`],
  // Query strings and form bodies.
  [/(^|[?&\s;,])((?:password|passwd|token|access_token|refresh_token|identitytoken|secret|client_secret)=)[^&\s"',;]*/gi, `$1$2${MASK}`],
  // Credentials inside a URL: scheme://user:password@host.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s/@]+@/gi, `$1${MASK}@`],
  // Anything shaped like a JWT (header.payload.signature, base64url, header starting with {").
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, MASK],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, replacement] of RULES) out = out.replace(re, replacement);
  return out;
}
