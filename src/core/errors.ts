// Typed errors: every failure the user can see is one of these, with a stable `code`
// (so the CLI can pick an exit status and the extension an action) and a message that
// names the problem and what to do. Messages never contain credentials.

export class RegxError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A reference string that does not follow the grammar; `message` is Distribution's own wording. */
export class InvalidReferenceError extends RegxError {
  constructor(message: string, readonly input: string) {
    super('INVALID_REFERENCE', message);
  }
}

/** A transport skopeo knows but we do not (containers-storage:, docker-daemon:, ...). */
export class UnsupportedTransportError extends RegxError {
  constructor(readonly transport: string) {
    super('UNSUPPORTED_TRANSPORT', `transport "${transport}" not supported: use docker://REFERENCE or oci:DIRECTORY[:TAG]`);
  }
}

/** Bad command-line or settings input that is not a reference. */
export class UsageError extends RegxError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** An HTTP answer from a registry that means failure; carries the registry's own error code and message. */
export class RegistryError extends RegxError {
  constructor(
    message: string,
    readonly status: number,
    /** The OCI error code from the body (MANIFEST_UNKNOWN, UNAUTHORIZED, ...), if the registry sent one. */
    readonly registryCode: string | undefined,
    /** The request URL, without credentials or query secrets. */
    readonly url: string,
  ) {
    super(registryCode ?? `HTTP_${status}`, message);
  }
}

/** The image or repository is not there (exit status 2 in the CLI, as skopeo does). */
export class NotFoundError extends RegxError {
  constructor(message: string, readonly url?: string) {
    super('NOT_FOUND', message);
  }
}

/** Login failed or credentials were refused. */
export class AuthenticationError extends RegxError {
  constructor(message: string, readonly registry: string) {
    super('UNAUTHORIZED', message);
  }
}

/** The TLS handshake failed: the message says whether to add a CA file or to skip verification. */
export class TlsError extends RegxError {
  constructor(message: string, readonly host: string, options?: { cause?: unknown }) {
    super('TLS', message, options);
  }
}

/** The connection failed or timed out after the retries. */
export class NetworkError extends RegxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NETWORK', message, options);
  }
}

/** Bytes did not hash to the digest they were fetched by. */
export class DigestMismatchError extends RegxError {
  constructor(readonly expected: string, readonly actual: string, what: string) {
    super('DIGEST_MISMATCH', `digest mismatch for ${what}: expected ${expected}, got ${actual}`);
  }
}

/** A digest that is malformed or uses an algorithm we cannot verify (so it is never trusted or used as a file name). */
export class InvalidDigestError extends RegxError {
  constructor(readonly digest: string) {
    super('INVALID_DIGEST', `invalid or unsupported digest "${digest.slice(0, 150)}": expected sha256:<64 hex> or sha512:<128 hex>`);
  }
}

/** A blob longer or shorter than its descriptor said. */
export class SizeMismatchError extends RegxError {
  constructor(what: string, readonly expected: number, actual: string) {
    super('SIZE_MISMATCH', `size mismatch for ${what}: expected ${expected} bytes, got ${actual}`);
  }
}

/** An OCI image layout folder that is missing, malformed, or has no image by the name asked for. */
export class OciLayoutError extends RegxError {
  constructor(message: string, readonly path: string) {
    super('OCI_LAYOUT', message);
  }
}

/** A manifest larger than we accept (4 MiB, as containers/image). */
export class ManifestTooLargeError extends RegxError {
  constructor(readonly size: number, readonly limit: number) {
    super('MANIFEST_TOO_LARGE', `manifest is ${size} bytes, more than the ${limit}-byte limit`);
  }
}

/** The operation was cancelled by the user (SIGINT, AbortSignal). */
export class CancelledError extends RegxError {
  constructor() {
    super('CANCELLED', 'cancelled');
  }
}

/** An auth.json / config.json that cannot be read or written; names the file, never its secrets. */
export class AuthFileError extends RegxError {
  constructor(message: string, readonly path: string, options?: { cause?: unknown }) {
    super('AUTH_FILE', message, options);
  }
}

/** A docker-credential-* helper that is missing, failed, or answered something unreadable. */
export class CredentialHelperError extends RegxError {
  constructor(message: string, readonly helper: string, options?: { cause?: unknown }) {
    super('CREDENTIAL_HELPER', message, options);
  }
}

/** The OS keychain (Secret Service, macOS Keychain, Windows Credential Manager) is missing or refused. */
export class KeychainError extends RegxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KEYCHAIN', message, options);
  }
}

/**
 * A failure answer from a Kubernetes/OpenShift API server, read from its `Status` body. `message` is the
 * server's own wording (e.g. `imagestreams.image.openshift.io "x" is forbidden: User "u" cannot ...`).
 */
export class KubernetesError extends RegxError {
  constructor(
    message: string,
    /** HTTP status (the Status `code`). */
    readonly status: number,
    /** The Status `reason`: Forbidden, NotFound, AlreadyExists, Conflict, Unauthorized, Invalid, ... */
    readonly reason: string | undefined,
    /** The request path (never a token). */
    readonly url: string,
    /** The Status `details` (name, group, kind, causes), when the server sent them. */
    readonly details?: Record<string, unknown>,
  ) {
    super(status === 401 ? 'UNAUTHORIZED' : status === 404 ? 'NOT_FOUND' : `KUBERNETES_${(reason ?? String(status)).toUpperCase()}`, message);
  }
}

/**
 * The server's certificate does not chain to a CA we trust. Carries the CA the server presented (PEM and its
 * SHA-256 fingerprint) so the user can choose "trust this CA" (saved with the cluster) or an explicit skip.
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
    super(message, host, options);
  }
}

/** An action that changes more than asked needs an explicit confirmation (oc's `--confirm`). */
export class ConfirmationRequiredError extends RegxError {
  constructor(message: string) {
    super('CONFIRMATION_REQUIRED', message);
  }
}
