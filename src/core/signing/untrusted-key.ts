// A signature made by a key the verifier was not given: not proof of tampering, only of a signer the
// policy does not know. Verifiers throw this instead of a plain `signature-invalid` so a viewer can
// tell "not trusted" from "broken" (both reject the image all the same).
import { RegxError } from '../errors';

export class UntrustedKeyError extends RegxError {
  constructor(
    message: string,
    /** The signing key's id or fingerprint, when the signature names it (GPG does, sigstore does not). */
    readonly keyId?: string,
  ) {
    super('signature-invalid', message);
  }
}
