// Keeps credentials out of the log: known secrets are replaced wherever they appear, and the
// usual carriers of a credential (Authorization headers, user:pass@ in URLs, JSON fields named
// like a secret, token query parameters) are masked even when the secret is not known to us.

const mask = '***';

const carriers: [RegExp, string][] = [
  [/((?:proxy-)?authorization"?\s*[:=]\s*"?)(basic|bearer)\s+[^\s",]+/gi, `$1$2 ${mask}`],
  [/(\/\/)[^/@\s:]+:[^/@\s]+@/g, `$1${mask}@`],
  [/("(?:password|passwd|secret|token|access_token|refresh_token|identitytoken|registrytoken|auth)"\s*:\s*")[^"]*(")/gi, `$1${mask}$2`],
  [/([?&](?:password|token|access_token|refresh_token|secret)=)[^&\s]+/gi, `$1${mask}`],
];

export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  // Longest first, so a secret containing another is masked whole.
  for (const secret of [...secrets].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(mask);
  }
  for (const [pattern, replacement] of carriers) out = out.replace(pattern, replacement);
  return out;
}
