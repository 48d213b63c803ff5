// Exit statuses. skopeo's (the default for every verb but sync): 0 success, 2 for input that cannot
// be right and for "not found", 1 for every other failure, 130 when interrupted. The detailed ones
// (sync's default; copy's with --exit-codes=detailed) keep those and split skopeo's 1 so a
// Kubernetes podFailurePolicy or an Argo retryStrategy can tell what to do:
//   1 failed, and a retry would fail the same way     75 retryable: network, timeout, 429, 5xx
//   3 partial: with --keep-going, images failed that   77 credentials or rights: refused, missing,
//     a retry will not fix; the others landed             denied, or a credential store failed
import { failureClassOf, reasonOf, UsageError } from '../core/errors';
import type { ErrorReason } from '../core/errors';

export const EXIT = { success: 0, failed: 1, usage: 2, partial: 3, retryable: 75, auth: 77, cancelled: 130 } as const;

export type ExitCodeStyle = 'skopeo' | 'detailed';

export function parseExitCodeStyle(value: string | undefined, fallback: ExitCodeStyle): ExitCodeStyle {
  if (value === undefined) return fallback;
  if (value === 'skopeo' || value === 'detailed') return value;
  throw new UsageError(`--exit-codes takes skopeo or detailed, not "${value}"`);
}

/** The status for a failure with this reason. */
export function exitStatusForReason(reason: ErrorReason | string | undefined, style: ExitCodeStyle): number {
  if (reason === 'not-found') return EXIT.usage;
  const cls = failureClassOf(reason as ErrorReason | undefined);
  if (cls === 'usage') return EXIT.usage;
  if (cls === 'cancelled') return EXIT.cancelled;
  if (style === 'skopeo') return EXIT.failed;
  if (cls === 'auth') return EXIT.auth;
  if (cls === 'retryable') return EXIT.retryable;
  return EXIT.failed;
}

export function exitStatusFor(err: unknown, style: ExitCodeStyle = 'skopeo'): number {
  return exitStatusForReason(reasonOf(err), style);
}

/**
 * A sync's status from its failures. Without keep-going the run stopped at the first failure, which
 * decides it as it would a copy's; with keep-going: credentials first (nothing will pass until they
 * change), then 75 when every failure may pass on a retry, else 3.
 */
export function syncExitStatus(reasons: readonly string[], keepGoing: boolean, style: ExitCodeStyle): number {
  if (reasons.length === 0) return EXIT.success;
  if (style === 'skopeo') return reasons.some((r) => r === 'cancelled') ? EXIT.cancelled : EXIT.failed;
  const codes = reasons.map((r) => exitStatusForReason(r, style));
  if (codes.includes(EXIT.cancelled)) return EXIT.cancelled;
  if (!keepGoing) return codes[0] as number;
  if (reasons.every((r) => failureClassOf(r as ErrorReason) === 'usage')) return EXIT.usage;
  if (codes.includes(EXIT.auth)) return EXIT.auth;
  if (codes.every((c) => c === EXIT.retryable)) return EXIT.retryable;
  return EXIT.partial;
}
