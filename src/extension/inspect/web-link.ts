// Which label values the Inspect page may offer as links. Labels are written by whoever built the
// image, so only plain web addresses qualify: http and https, no credentials in them, nothing a
// browser would run or hand to another program (javascript:, data:, file:, vscode:, command:).

/** The URL to open for a label value, or undefined when the value is not a plain http(s) address. */
export function webLink(value: string): string | undefined {
  // Spaces make it prose that happens to hold a URL; control and bidi characters would show one
  // address and open another.
  // eslint-disable-next-line no-control-regex
  if (value.length > 2048 || /[\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || !url.hostname) return undefined;
  return url.href;
}
