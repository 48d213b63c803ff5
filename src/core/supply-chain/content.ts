// What a referrer's content says, read from its bytes: the format and package count of an SBOM (SPDX
// or CycloneDX, bare or wrapped in an in-toto statement, itself bare or in a DSSE envelope or a sigstore
// bundle), the builder, source repository and commit of SLSA provenance, and who signed a signature
// (a certificate's subject or a key's id). Pure functions over parsed JSON; every string that reaches a
// caller is sanitised, since all of it comes from a registry.
import { X509Certificate } from 'node:crypto';
import { sanitizeRemoteText } from '../errors';

export interface SbomSummary {
  format: 'SPDX' | 'CycloneDX';
  /** The spec version the document names ("2.3", "1.5"). */
  version: string | undefined;
  /** The document's own name, or the component it describes. */
  name: string | undefined;
  /** Packages (SPDX) or components, nested ones included (CycloneDX); undefined when not counted. */
  packages: number | undefined;
}

export interface ProvenanceSummary {
  predicateType: string;
  builderId: string | undefined;
  sourceRepository: string | undefined;
  commit: string | undefined;
}

export type SignatureScheme = 'cosign' | 'notation' | 'simple-signing' | 'sigstore-bundle';

export interface SignatureSummary {
  scheme: SignatureScheme;
  /** Who a certificate names (an e-mail, a URI, a subject). */
  signer: string | undefined;
  /** A key's id or a certificate's fingerprint, when the signature names one. */
  keyId: string | undefined;
}

/** An in-toto statement's predicate type and predicate. */
export interface InTotoStatement {
  predicateType: string;
  predicate: unknown;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max = 300): string | undefined => (typeof v === 'string' && v.trim() ? sanitizeRemoteText(v.trim(), max) : undefined);
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), v);

export function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** CycloneDX components nest; counted to a bound so a hostile document cannot make this walk forever. */
function countComponents(list: unknown, depth = 0): number {
  if (!Array.isArray(list) || depth > 32) return 0;
  let n = 0;
  for (const c of list) n += 1 + (isObject(c) ? countComponents(c.components, depth + 1) : 0);
  return n;
}

/** The summary of an SPDX or CycloneDX JSON document, or undefined when it is neither. */
export function summariseSbom(doc: unknown): SbomSummary | undefined {
  if (!isObject(doc)) return undefined;
  if (typeof doc.spdxVersion === 'string') {
    return {
      format: 'SPDX',
      version: str(doc.spdxVersion.replace(/^SPDX-/, ''), 20),
      name: str(doc.name),
      packages: Array.isArray(doc.packages) ? doc.packages.length : 0,
    };
  }
  if (doc.bomFormat === 'CycloneDX') {
    return {
      format: 'CycloneDX',
      version: str(doc.specVersion, 20),
      name: str(at(doc, 'metadata', 'component', 'name')),
      packages: countComponents(doc.components),
    };
  }
  return undefined;
}

/** SPDX's tag-value form (`text/spdx`): one `PackageName:` line per package. */
export function summariseSbomText(text: string): SbomSummary | undefined {
  const version = /^SPDXVersion:\s*SPDX-(\S+)/m.exec(text);
  if (!version) return undefined;
  const name = /^DocumentName:\s*(.+)$/m.exec(text);
  return { format: 'SPDX', version: str(version[1], 20), name: str(name?.[1]), packages: (text.match(/^PackageName:/gm) ?? []).length };
}

/**
 * The in-toto statement a blob holds: a bare statement (BuildKit's attestation layers), one inside a DSSE
 * envelope (cosign `.att`, `cosign attest`), or a sigstore bundle's DSSE envelope (cosign v3).
 */
export function inTotoStatement(doc: unknown): InTotoStatement | undefined {
  if (!isObject(doc)) return undefined;
  const envelope = isObject(doc.dsseEnvelope) ? doc.dsseEnvelope : doc;
  if (typeof envelope.payload === 'string' && typeof envelope.payloadType === 'string') {
    if (!/in-toto/i.test(envelope.payloadType)) return undefined;
    return inTotoStatement(parseJson(Buffer.from(envelope.payload, 'base64')));
  }
  if (typeof doc.predicateType === 'string' && (typeof doc._type !== 'string' || /in-toto/i.test(doc._type))) {
    return { predicateType: sanitizeRemoteText(doc.predicateType, 300), predicate: doc.predicate };
  }
  return undefined;
}

export function isSbomPredicate(predicateType: string): boolean {
  return /spdx|cyclonedx/i.test(predicateType);
}

export function isProvenancePredicate(predicateType: string): boolean {
  return /^https:\/\/slsa\.dev\/provenance\//.test(predicateType);
}

/** `git+https://github.com/org/repo@refs/heads/main` -> `https://github.com/org/repo`. */
function repositoryOf(uri: unknown): string | undefined {
  const s = str(uri);
  if (!s) return undefined;
  const url = s.replace(/^git\+/, '');
  // The ref after the path's `@` (a branch, a tag: it may hold slashes), not a user@ before the host.
  const path = /^([a-z][a-z0-9+.-]*:\/\/[^/]+\/[^@]*)@.*$/i.exec(url);
  return (path?.[1] ?? url).replace(/\.git$/, '');
}

function commitOf(digest: unknown): string | undefined {
  if (!isObject(digest)) return undefined;
  const value = digest.gitCommit ?? digest.sha1 ?? digest.sha256;
  return typeof value === 'string' && /^[0-9a-f]{7,64}$/i.test(value) ? value.toLowerCase() : undefined;
}

const BUILDKIT_METADATA = 'https://mobyproject.org/buildkit@v1#metadata';

/** The builder, source repository and commit of SLSA provenance (v0.1, v0.2 and v1; BuildKit's and GitHub's shapes). */
export function summariseProvenance(statement: InTotoStatement): ProvenanceSummary {
  const p = statement.predicate;
  let builderId = str(at(p, 'builder', 'id')) ?? str(at(p, 'runDetails', 'builder', 'id'));
  let sourceRepository: string | undefined;
  let commit: string | undefined;
  // BuildKit records the repository and revision it built from in its own metadata (v0.2 and v1).
  const vcs = at(p, 'metadata', BUILDKIT_METADATA, 'vcs') ?? at(p, 'runDetails', 'metadata', BUILDKIT_METADATA, 'vcs');
  if (isObject(vcs)) {
    sourceRepository = repositoryOf(vcs.source);
    commit = commitOf({ sha1: vcs.revision });
  }
  // v0.2: the config source; v1 (GitHub): the workflow's repository and the resolved dependencies.
  const configSource = at(p, 'invocation', 'configSource');
  if (isObject(configSource)) {
    sourceRepository ??= repositoryOf(configSource.uri);
    commit ??= commitOf(configSource.digest);
  }
  sourceRepository ??= repositoryOf(at(p, 'buildDefinition', 'externalParameters', 'workflow', 'repository'));
  const dependencies = [
    ...(Array.isArray(at(p, 'buildDefinition', 'resolvedDependencies')) ? (at(p, 'buildDefinition', 'resolvedDependencies') as unknown[]) : []),
    ...(Array.isArray(at(p, 'materials')) ? (at(p, 'materials') as unknown[]) : []),
  ];
  for (const d of dependencies.slice(0, 100)) {
    if (!isObject(d) || typeof d.uri !== 'string' || !d.uri.startsWith('git+')) continue;
    sourceRepository ??= repositoryOf(d.uri);
    commit ??= commitOf(d.digest);
  }
  if (builderId === '') builderId = undefined;
  return { predicateType: statement.predicateType, builderId, sourceRepository, commit };
}

/** The signer a certificate names: its first e-mail or URI subject alternative name, else its subject's CN. */
export function certificateSigner(der: Buffer): { signer: string | undefined; fingerprint: string } | undefined {
  try {
    const cert = new X509Certificate(der);
    const san = cert.subjectAltName
      ?.split(',')
      .map((s) => s.trim())
      .find((s) => /^(email|URI):/.test(s));
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
    return { signer: str(san?.replace(/^(email|URI):/, '') ?? cn), fingerprint: cert.fingerprint256.replace(/:/g, '').toLowerCase() };
  } catch {
    return undefined;
  }
}

function pemOrDer(text: string): Buffer {
  const body = text.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  return Buffer.from(body, 'base64');
}

/** A cosign simple-signing layer's signer, from the certificate its annotations carry (keyless), else none (a key). */
export function cosignSignature(annotations: Record<string, string> | undefined): SignatureSummary {
  const pem = annotations?.['dev.sigstore.cosign/certificate'];
  const cert = pem ? certificateSigner(pemOrDer(pem)) : undefined;
  return { scheme: 'cosign', signer: cert?.signer, keyId: cert ? `sha256:${cert.fingerprint.slice(0, 16)}` : undefined };
}

/** A notation signature: its signing certificate's thumbprint (an annotation) and, from a JWS envelope, the certificate's subject. */
export function notationSignature(annotations: Record<string, string> | undefined, envelope: unknown): SignatureSummary {
  let keyId: string | undefined;
  try {
    const thumbprints = JSON.parse(annotations?.['io.cncf.notary.x509chain.thumbprint#S256'] ?? '[]') as unknown;
    if (Array.isArray(thumbprints) && typeof thumbprints[0] === 'string' && /^[0-9a-f]{64}$/i.test(thumbprints[0]))
      keyId = `sha256:${thumbprints[0].slice(0, 16).toLowerCase()}`;
  } catch {
    // No usable thumbprint: the key is unnamed.
  }
  const x5c = at(envelope, 'header', 'x5c');
  const cert = Array.isArray(x5c) && typeof x5c[0] === 'string' ? certificateSigner(Buffer.from(x5c[0], 'base64')) : undefined;
  return { scheme: 'notation', signer: cert?.signer, keyId: keyId ?? (cert ? `sha256:${cert.fingerprint.slice(0, 16)}` : undefined) };
}

/** A sigstore bundle (cosign v3) that signs an image: the certificate it carries, else its public key's hint. */
export function bundleSignature(bundle: unknown): SignatureSummary {
  const material = at(bundle, 'verificationMaterial');
  const raw =
    at(material, 'certificate', 'rawBytes') ??
    (Array.isArray(at(material, 'x509CertificateChain', 'certificates'))
      ? at((at(material, 'x509CertificateChain', 'certificates') as unknown[])[0], 'rawBytes')
      : undefined);
  const cert = typeof raw === 'string' ? certificateSigner(Buffer.from(raw, 'base64')) : undefined;
  return {
    scheme: 'sigstore-bundle',
    signer: cert?.signer,
    keyId: str(at(material, 'publicKey', 'hint'), 100) ?? (cert ? `sha256:${cert.fingerprint.slice(0, 16)}` : undefined),
  };
}

/** The SBOM document a blob holds: the predicate of an in-toto statement about one, else the blob itself. */
export function sbomDocument(bytes: Buffer): Buffer {
  const statement = inTotoStatement(parseJson(bytes));
  if (statement && isSbomPredicate(statement.predicateType) && statement.predicate !== undefined) return Buffer.from(JSON.stringify(statement.predicate));
  return bytes;
}
