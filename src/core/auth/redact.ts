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
  // A bare scheme and credential, as a server may echo an Authorization value back in an error message.
  [/\b(Bearer|Basic)\s+(?!\*\*\*)[A-Za-z0-9._~+/=-]{6,}/g, `$1 ${MASK}`],
  // Signed storage URLs (S3, Azure, GCS) carry their credential in the query.
  [/([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|sig|signature|X-Goog-Signature)=)[^&\s"']*/gi, `$1${MASK}`],
  // Anything shaped like a JWT (header.payload.signature, base64url, header starting with {").
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, MASK],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, replacement] of RULES) out = out.replace(re, replacement);
  return out;
}

// Control characters other than tab and newline: ESC sequences could move a terminal's cursor, change its
// title or hide text, a bare CR overwrites what was printed before it, and bidi overrides reorder it.
// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text that came from a server (error messages, echoed headers, names in a listing), made safe to print or
 * log: control characters removed, secrets masked, and at most `maxLength` characters kept.
 */
export function sanitizeRemoteText(text: string, maxLength = 1000): string {
  const out = redact(text.replace(controlChars, ''));
  return out.length > maxLength ? `${out.slice(0, maxLength)}...` : out;
}
