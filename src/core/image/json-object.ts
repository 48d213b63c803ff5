/**
 * Bytes that must hold one JSON object (a manifest, an index, a schema 1 payload). Each caller words the
 * refusal in its own terms, so the problem is handed to its `fail`, which must throw.
 */
export function parseJsonObject(bytes: Buffer | string, fail: (problem: 'not JSON' | 'not a JSON object') => never): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch {
    fail('not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) fail('not a JSON object');
  return parsed as Record<string, unknown>;
}
