// Typed errors: every failure the user can see is one of these. Each carries a machine-readable
// `reason` from one union (the CLI picks an exit status and a remedy phrased as its own flags from it,
// the extension an action), the server's own code and message when a server said something, and a
// message that names the problem only. Core messages never advise a CLI flag or a verb, and never
// contain credentials.
import { sanitizeRemoteText } from './auth/redact';

export { sanitizeRemoteText };

/** Why something failed, in words a program can switch on. One list for the whole core. */
export type ErrorReason =
  // What the user typed or configured.
  | 'usage'
  | 'invalid-reference'
  | 'unsupported-transport'
  | 'invalid-digest'
  // Who the user is.
  | 'auth-required'
  | 'auth-refused'
  | 'denied'
  // TLS.
  | 'tls-untrusted'
  | 'tls-hostname'
  | 'tls-expired'
  | 'tls-failed'
  // The connection.
  | 'unreachable'
  | 'timeout'
  | 'connection-lost'
  // What the server answered.
  | 'not-found'
  | 'deletion-disabled'
  | 'unsupported'
  | 'rate-limited'
  | 'server-error'
  | 'bad-response'
  | 'conflict'
  | 'redirect-limit'
  | 'paging-limit'
  // What the bytes are.
  | 'digest-mismatch'
  | 'size-mismatch'
  | 'manifest-invalid'
  | 'manifest-ambiguous'
  | 'too-large'
  | 'layout-invalid'
  // What refers to an image (signatures, attestations, SBOMs) would no longer refer to what a copy writes.
  | 'referrers-invalidated'
  // Signatures and the policy that judges them: a signature that cannot be read or verified, a policy
  // that refuses an image, a signing tool (gpg) that failed.
  | 'signature-invalid'
  | 'policy-rejected'
  | 'signing-failed'
  // Local stores and tools.
  | 'auth-file'
  | 'credential-helper'
  | 'keychain'
  | 'kubernetes'
  // A signing key file that cannot be used: unreadable, not a key, or a wrong passphrase.
  | 'signing-key'
  // No local container engine (podman, Docker) answered, and none could be started.
  | 'engine-unavailable'
  // The user's own choices.
  | 'cancelled'
  | 'confirmation-required'
  | 'not-logged-in'
  | 'no-matching-platform';

export interface RegxErrorOptions {
  cause?: unknown;
  /** The server's own error code: an OCI `errors[].code` (MANIFEST_UNKNOWN, ...) or a Kubernetes Status reason. */
  serverCode?: string;
  /** The server's own message, stripped of control characters and secrets. */
  serverMessage?: string;
}

export class RegxError extends Error {
  readonly reason: ErrorReason;
  readonly serverCode: string | undefined;
  readonly serverMessage: string | undefined;
  constructor(reason: ErrorReason, message: string, options: RegxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.reason = reason;
    this.serverCode = options.serverCode;
    this.serverMessage = options.serverMessage;
  }
}

/** The reason of any error: a RegxError's own, `cancelled` for an abort, else undefined. */
export function reasonOf(err: unknown): ErrorReason | undefined {
  if (err instanceof RegxError) return err.reason;
  if (err instanceof Error && err.name === 'AbortError') return 'cancelled';
  return undefined;
}

/**
 * What a failure calls for, for engines that act on it (a Job's failure policy, a workflow's retries):
 * `usage` (the input cannot be right), `auth` (credentials or rights must change), `retryable` (the
 * network or the registry may do better later: connections, timeouts, 429, 5xx), `cancelled`, or
 * `permanent` (the same run would fail the same way).
 */
export type FailureClass = 'usage' | 'auth' | 'retryable' | 'cancelled' | 'permanent';

export function failureClassOf(reason: ErrorReason | undefined): FailureClass {
  switch (reason) {
    case 'usage':
    case 'invalid-reference':
    case 'unsupported-transport':
      return 'usage';
    case 'auth-required':
    case 'auth-refused':
    case 'denied':
    case 'auth-file':
    case 'credential-helper':
    case 'keychain':
      return 'auth';
    case 'unreachable':
    case 'timeout':
    case 'connection-lost':
    case 'rate-limited':
    case 'server-error':
      return 'retryable';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'permanent';
  }
}

/** A reference string that does not follow the grammar; `message` is Distribution's own wording. */
export class InvalidReferenceError extends RegxError {
  constructor(
    message: string,
    readonly input: string,
  ) {
    super('invalid-reference', message);
  }
}

/** A transport skopeo knows but we do not (sif:, tarball:, ...). */
export class UnsupportedTransportError extends RegxError {
  constructor(readonly transport: string) {
    super(
      'unsupported-transport',
      `transport "${transport}" not supported: use docker://REFERENCE, oci:DIRECTORY[:TAG], dir:DIRECTORY, oci-archive:FILE[:TAG], docker-archive:FILE[:REFERENCE], containers-storage:[STORE]REFERENCE or docker-daemon:REFERENCE`,
    );
  }
}

/** Bad command-line or settings input that is not a reference. */
export class UsageError extends RegxError {
  constructor(message: string) {
    super('usage', message);
  }
}

/** The reason an HTTP failure status stands for, when nothing more precise is known. */
export function reasonForStatus(status: number): ErrorReason {
  if (status === 401) return 'auth-required';
  if (status === 403) return 'denied';
  if (status === 404) return 'not-found';
  if (status === 405 || status === 501) return 'unsupported';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 413) return 'too-large';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server-error';
  return 'bad-response';
}

/** An HTTP answer from a registry that means failure; carries the registry's own error code and message. */
export class RegistryError extends RegxError {
  constructor(
    message: string,
    readonly status: number,
    /** The OCI error code from the body (MANIFEST_UNKNOWN, UNAUTHORIZED, ...), if the registry sent one. */
    registryCode: string | undefined,
    /** The request URL, without credentials or query secrets. */
    readonly url: string,
    options: { reason?: ErrorReason; serverMessage?: string; cause?: unknown } = {},
  ) {
    super(options.reason ?? reasonForStatus(status), message, { ...options, serverCode: registryCode });
  }

  /** The registry's OCI error code (same as serverCode). */
  get registryCode(): string | undefined {
    return this.serverCode;
  }
}

/** The image or repository is not there (exit status 2 in the CLI, as skopeo does). */
export class NotFoundError extends RegxError {
  constructor(
    message: string,
    readonly url?: string,
    options: RegxErrorOptions = {},
  ) {
    super('not-found', message, options);
  }
}

/** The registry wants credentials (`auth-required`) or refused the ones sent (`auth-refused`). */
export class AuthenticationError extends RegxError {
  constructor(
    message: string,
    readonly registry: string,
    reason: 'auth-required' | 'auth-refused' = 'auth-refused',
    options: RegxErrorOptions = {},
  ) {
    super(reason, message, options);
  }
}

/** The registry deletes by digest only and refused to remove one tag alone (reason `unsupported`). */
export class TagDeleteUnsupportedError extends RegistryError {
  constructor(message: string, status: number, registryCode: string | undefined, url: string, serverMessage: string | undefined) {
    super(message, status, registryCode, url, { reason: 'unsupported', serverMessage });
  }
}

/** The TLS handshake failed; `reason` says whether the CA is untrusted, the name wrong, or the dates. */
export class TlsError extends RegxError {
  constructor(
    message: string,
    readonly host: string,
    options: { cause?: unknown; reason?: 'tls-untrusted' | 'tls-hostname' | 'tls-expired' | 'tls-failed' } = {},
  ) {
    super(options.reason ?? 'tls-failed', message, options);
  }
}

/** The connection failed (`unreachable`), broke (`connection-lost`) or went silent (`timeout`) after the retries. */
export class NetworkError extends RegxError {
  constructor(message: string, options: { cause?: unknown; reason?: 'unreachable' | 'timeout' | 'connection-lost' } = {}) {
    super(options.reason ?? 'unreachable', message, options);
  }
}

/** Bytes did not hash to the digest they were fetched by. */
export class DigestMismatchError extends RegxError {
  constructor(
    readonly expected: string,
    readonly actual: string,
    what: string,
  ) {
    super('digest-mismatch', `digest mismatch for ${what}: expected ${expected}, got ${actual}`);
  }
}

/** A digest that is malformed or uses an algorithm we cannot verify (so it is never trusted or used as a file name). */
export class InvalidDigestError extends RegxError {
  constructor(readonly digest: string) {
    super(
      'invalid-digest',
      `invalid or unsupported digest "${sanitizeRemoteText(digest.slice(0, 150))}": expected sha256:<64 hex>, sha384:<96 hex> or sha512:<128 hex>`,
    );
  }
}

/** A blob longer or shorter than its descriptor said. */
export class SizeMismatchError extends RegxError {
  constructor(
    what: string,
    readonly expected: number,
    actual: string,
  ) {
    super('size-mismatch', `size mismatch for ${what}: expected ${expected} bytes, got ${actual}`);
  }
}

/** A manifest (or index, or config) whose body is not what it claims to be, or lacks required fields. */
export class ManifestInvalidError extends RegxError {
  constructor(message: string, reason: 'manifest-invalid' | 'manifest-ambiguous' = 'manifest-invalid') {
    super(reason, message);
  }
}

/** An OCI image layout folder that is missing, malformed, or has no image by the name asked for. */
export class OciLayoutError extends RegxError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super('layout-invalid', message);
  }
}

/** An image archive (`oci-archive:`, `docker-archive:`) or `dir:` folder that is corrupt, truncated or hostile. */
export class ArchiveError extends RegxError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super('layout-invalid', message);
  }
}

/** A manifest larger than we accept (4 MiB, as containers/image). */
export class ManifestTooLargeError extends RegxError {
  constructor(
    readonly size: number,
    readonly limit: number,
    what = 'manifest',
  ) {
    super('too-large', `${what} is ${size} bytes, more than the ${limit}-byte limit`);
  }
}

/** An archive being written (a local engine's export spooled to a temp file) passed its cap. */
export class ArchiveTooLargeError extends RegxError {
  constructor(
    readonly what: string,
    readonly limit: number,
  ) {
    super('too-large', `${what} passed ${limit} bytes, more than the image can hold: stopped, and the partial archive removed`);
  }
}

/** The operation was cancelled by the user (SIGINT, AbortSignal). */
export class CancelledError extends RegxError {
  constructor() {
    super('cancelled', 'cancelled');
  }
}

/** An auth.json / config.json that cannot be read or written; names the file, never its secrets. */
export class AuthFileError extends RegxError {
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super('auth-file', message, options);
  }
}

/** A docker-credential-* helper that is missing, failed, or answered something unreadable. */
export class CredentialHelperError extends RegxError {
  constructor(
    message: string,
    readonly helper: string,
    options?: { cause?: unknown },
  ) {
    super('credential-helper', message, options);
  }
}

/** The OS keychain (Secret Service, macOS Keychain, Windows Credential Manager) is missing or refused. */
export class KeychainError extends RegxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('keychain', message, options);
  }
}

function kubernetesReason(status: number): ErrorReason {
  if (status === 401) return 'auth-refused';
  if (status === 403) return 'denied';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server-error';
  return 'kubernetes';
}

/**
 * A failure answer from a Kubernetes/OpenShift API server, read from its `Status` body. `message` is the
 * server's own wording (e.g. `imagestreams.image.openshift.io "x" is forbidden: User "u" cannot ...`);
 * `serverCode` is the Status `reason` (Forbidden, NotFound, AlreadyExists, Conflict, ...).
 */
export class KubernetesError extends RegxError {
  constructor(
    message: string,
    /** HTTP status (the Status `code`). */
    readonly status: number,
    statusReason: string | undefined,
    /** The request path (never a token). */
    readonly url: string,
    /** The Status `details` (name, group, kind, causes), when the server sent them. */
    readonly details?: Record<string, unknown>,
  ) {
    super(kubernetesReason(status), message, { serverCode: statusReason, serverMessage: message });
  }
}

/**
 * The server's certificate does not chain to a CA we trust. Carries the CA the server presented (PEM and its
 * SHA-256 fingerprint) so the user can choose "trust this CA" (saved with the cluster or registry) or an explicit skip.
 */
export class UntrustedCertificateError extends TlsError {
  constructor(
    message: string,
    host: string,
    /** PEM of the top certificate of the chain the server sent (its CA when the chain includes it). */
    readonly caPem: string | undefined,
    /** SHA-256 fingerprint of that certificate, `AB:CD:...`, to show before trusting it. */
    readonly fingerprint256: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, host, { ...options, reason: 'tls-untrusted' });
  }
}

/**
 * An action that changes more than asked needs an explicit confirmation (what oc asks `--confirm` for):
 * `create` something that does not exist, or `update` something that is set up otherwise.
 */
export class ConfirmationRequiredError extends RegxError {
  constructor(
    message: string,
    readonly change: 'create' | 'update' = 'update',
  ) {
    super('confirmation-required', message);
  }
}
