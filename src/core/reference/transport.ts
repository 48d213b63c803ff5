// Image locations spelled as skopeo spells them: `docker://REFERENCE`, `oci:PATH[:IMAGE]`, `dir:PATH`,
// `oci-archive:PATH[:IMAGE]`, `docker-archive:PATH[:REFERENCE|:@N]`, and the local engines' stores
// `containers-storage:[STORE]NAME|ID` and `docker-daemon:REFERENCE|sha256:ID`. skopeo's other
// transports are recognised by name so that `sif:x` is refused as unsupported instead of being
// misread as a Docker Hub image.
import { InvalidReferenceError, UnsupportedTransportError } from '../errors';
import { ociRefNameRegexp, registryOnlyRegexp } from './grammar';
import { formatReference, parseNormalizedReference } from './reference';
import type { ImageReference } from './reference';

export type ImageLocation =
  | { transport: 'docker'; ref: ImageReference }
  /**
   * `tag` is the image's name inside the layout's index.json (it may itself contain `:`, e.g.
   * `busybox:latest`); `sourceIndex` (written `oci:PATH:@N`) picks the Nth manifest instead.
   * Neither set means "the only image in the layout".
   */
  | { transport: 'oci'; path: string; tag?: string; sourceIndex?: number }
  /** skopeo's directory format: one image (or one index with its images) per folder, no name. */
  | { transport: 'dir'; path: string }
  /** A tar of an OCI layout; `tag` as for `oci:` (skopeo has no `@N` here). */
  | { transport: 'oci-archive'; path: string; tag?: string }
  /**
   * A `docker save` tar. `ref` (always tagged, `latest` by default, never a digest) picks the image
   * by its RepoTags entry, or names the image written; `sourceIndex` (`:@N`) picks the Nth image.
   */
  | { transport: 'docker-archive'; path: string; ref?: ImageReference; sourceIndex?: number }
  /**
   * An image in podman's store. `storage` is skopeo's `[driver@root+runroot:options]` prefix (each part
   * optional); `ref` is a name (tagged `latest` when it has neither tag nor digest), `id` a full image
   * ID, `maybeId` a short hex string that is an ID prefix if the store has such an image, else a name.
   */
  | { transport: 'containers-storage'; storage?: StorageSpecifier; ref?: ImageReference; id?: string; maybeId?: string }
  /** An image in a Docker Engine (or podman's Docker-compatible API): a tagged or digested name, or `sha256:ID`. */
  | { transport: 'docker-daemon'; ref?: ImageReference; id?: string };

/** skopeo's `[driver@root+runroot:options]` store specifier; an empty field leaves it to podman's configuration. */
export interface StorageSpecifier {
  driver?: string;
  root?: string;
  runroot?: string;
  options?: string[];
}

export const SUPPORTED_TRANSPORTS = ['docker', 'oci', 'dir', 'oci-archive', 'docker-archive', 'containers-storage', 'docker-daemon'] as const;
/** skopeo's transports we know by name but cannot serve. `atomic` is the OpenShift one; `ostree` was removed from skopeo. */
export const UNSUPPORTED_TRANSPORTS = ['sif', 'tarball', 'atomic', 'ostree'] as const;
const knownTransports: readonly string[] = [...SUPPORTED_TRANSPORTS, ...UNSUPPORTED_TRANSPORTS];

export const TRANSPORT_HELP =
  'use docker://REFERENCE, oci:DIRECTORY[:TAG], dir:DIRECTORY, oci-archive:FILE[:TAG], docker-archive:FILE[:REFERENCE], containers-storage:[STORE]REFERENCE or docker-daemon:REFERENCE';

function fail(message: string, input: string): never {
  throw new InvalidReferenceError(message, input);
}

/** True when `input` begins with a transport name skopeo knows, followed by `:`. */
export function hasTransportPrefix(input: string): boolean {
  const colon = input.indexOf(':');
  return colon > 0 && knownTransports.includes(input.slice(0, colon));
}

/**
 * Refuses a docker reference that names only a registry, with a message that says the repository
 * is missing: `registry.example.com/`, `registry.example.com`, `localhost`, `[::1]:5000`, ''.
 * Distribution would say only "invalid reference format" for most of these, and for a dotted host
 * or `localhost` alone it would even pick a Docker Hub image nobody meant. A host-like name with a
 * port-like suffix and no slash (`example.com:8080`) is not refused: docker and skopeo read it as
 * the Docker Hub repository `library/example.com` with the tag `8080`, and so does regx.
 */
export function requireRepository(input: string): void {
  const example = '[REGISTRY/]REPOSITORY[:TAG]';
  if (input === '') fail(`invalid reference format: repository name is missing (expected ${example})`, input);
  const slash = input.indexOf('/');
  let registry: string | undefined;
  if (slash >= 0) {
    if (/^\/*$/.test(input.slice(slash + 1))) registry = input.slice(0, slash);
  } else {
    const name = input.split('@')[0] as string;
    // `[::1]:5000` cannot be a Docker Hub name; `host:8080` is a name with a tag (see above).
    if (registryOnlyRegexp.test(name) && (name.startsWith('[') || !name.includes(':'))) registry = name;
  }
  if (registry === undefined) return;
  if (registry === '') fail(`invalid reference format: repository name is missing in "${input}" (expected ${example})`, input);
  fail(`invalid reference format: repository name is missing after registry "${registry}" (expected ${registry}/REPOSITORY[:TAG])`, input);
}

function parseDockerLocation(within: string, input: string): ImageLocation {
  if (!within.startsWith('//')) fail(`docker: image reference "${within}" does not start with // (expected docker://REFERENCE)`, input);
  const refString = within.slice(2);
  requireRepository(refString);
  const ref = parseNormalizedReference(refString);
  // The registry API fetches by tag or by digest, never both, and skopeo refuses such references for that reason.
  if (ref.tag !== undefined && ref.digest !== undefined) fail(`docker: reference "${refString}" has both a tag and a digest; give only one of them`, input);
  return { transport: 'docker', ref };
}

/** containers/image's split: on Windows the path keeps its drive colon (`C:\dir:img`), elsewhere the first `:` ends the path. */
function splitOciReference(within: string, platform: NodeJS.Platform): [string, string] {
  if (platform === 'win32') {
    const m = /^([a-zA-Z]:\\.+?):(.*)$/.exec(within);
    return m ? [m[1] as string, m[2] as string] : [within, ''];
  }
  const colon = within.indexOf(':');
  return colon < 0 ? [within, ''] : [within.slice(0, colon), within.slice(colon + 1)];
}

/** `@N` as containers/image reads it (Go's strconv.Atoi, then not negative). */
function parseSourceIndex(digits: string, transport: string, input: string): number {
  if (!/^[+-]?[0-9]+$/.test(digits) || !Number.isSafeInteger(Number(digits))) fail(`${transport}: invalid source index @${digits}: not an integer`, input);
  const sourceIndex = Number(digits) + 0; // + 0 turns Go's "-0" (which is 0) from -0 into 0
  if (sourceIndex < 0) fail(`${transport}: invalid source index @${sourceIndex}: must not be negative`, input);
  return sourceIndex;
}

function parseOciLocation(within: string, input: string, platform: NodeJS.Platform): ImageLocation {
  const [path, image] = splitOciReference(within, platform);
  // containers/image would resolve an empty path to the working directory; an explicit one is clearer.
  if (path === '') fail(`oci: a layout directory is required (expected oci:DIRECTORY[:TAG])`, input);
  if (platform === 'win32' && (path.match(/:/g) ?? []).length > 1) fail(`oci: path "${path}" contains more than one colon`, input);
  if (image.startsWith('@')) return { transport: 'oci', path, sourceIndex: parseSourceIndex(image.slice(1), 'oci', input) };
  if (image === '') return { transport: 'oci', path };
  if (!ociRefNameRegexp.test(image)) fail(`oci: invalid image name "${image}" (letters and digits joined by - . _ : @ + or --, components split by /)`, input);
  return { transport: 'oci', path, tag: image };
}

function parseOciArchiveLocation(within: string, input: string, platform: NodeJS.Platform): ImageLocation {
  const [path, image] = splitOciReference(within, platform);
  if (path === '') fail(`oci-archive: an archive file is required (expected oci-archive:FILE[:TAG])`, input);
  if (image === '') return { transport: 'oci-archive', path };
  if (!ociRefNameRegexp.test(image))
    fail(`oci-archive: invalid image name "${image}" (letters and digits joined by - . _ : @ + or --, components split by /)`, input);
  return { transport: 'oci-archive', path, tag: image };
}

/** containers/image's docker-archive split: the first `:` ends the path; then `@N`, or a docker reference with a tag. */
function parseDockerArchiveLocation(within: string, input: string): ImageLocation {
  const colon = within.indexOf(':');
  const path = colon < 0 ? within : within.slice(0, colon);
  if (path === '') fail(`docker-archive: an archive file is required (expected docker-archive:FILE[:REFERENCE])`, input);
  if (colon < 0) return { transport: 'docker-archive', path };
  const rest = within.slice(colon + 1);
  if (rest.startsWith('@')) return { transport: 'docker-archive', path, sourceIndex: parseSourceIndex(rest.slice(1), 'docker-archive', input) };
  if (rest === '') return { transport: 'docker-archive', path };
  requireRepository(rest);
  const ref = parseNormalizedReference(rest);
  // The archive's RepoTags hold name:tag only; a digest cannot name anything there.
  if (ref.digest !== undefined) fail(`docker-archive: reference "${rest}" has a digest; an archive names images by tag only`, input);
  return { transport: 'docker-archive', path, ref: { ...ref, tag: ref.tag ?? 'latest' } };
}

function parseDirLocation(within: string, input: string): ImageLocation {
  if (within === '') fail('dir: a directory is required (expected dir:DIRECTORY)', input);
  return { transport: 'dir', path: within };
}

/** containers/image's split of `[driver@root+runroot:options]`: driver first, then options, then the run root. */
function parseStorageSpecifier(spec: string, input: string): StorageSpecifier {
  const out: StorageSpecifier = {};
  let rest = spec;
  const at = rest.indexOf('@');
  if (at >= 0) {
    if (at === 0) fail(`containers-storage: the store specifier "[${spec}]" has an empty driver before @`, input);
    out.driver = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (rest === '') fail(`containers-storage: the store specifier "[${spec}]" has nothing after the driver`, input);
  } else if (rest === '') fail('containers-storage: the store specifier "[]" is empty', input);
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    out.options = rest.slice(colon + 1).split(',');
    rest = rest.slice(0, colon);
  }
  const plus = rest.indexOf('+');
  if (plus >= 0) {
    if (rest.slice(plus + 1)) out.runroot = rest.slice(plus + 1);
    rest = rest.slice(0, plus);
  }
  if (rest) out.root = rest;
  for (const [what, path] of [
    ['root', out.root],
    ['run root', out.runroot],
  ] as const) {
    if (path !== undefined && !path.startsWith('/')) fail(`containers-storage: the store's ${what} "${path}" must be an absolute path`, input);
  }
  return out;
}

const fullId = /^[0-9a-f]{64}$/;

/** `containers-storage:[STORE]NAME[:TAG][@DIGEST]`, `[STORE]ID`, `[STORE]@ID` or `NAME@ID`, as containers/image reads them. */
function parseStorageLocation(within: string, input: string): ImageLocation {
  let rest = within;
  let storage: StorageSpecifier | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 1) fail('containers-storage: the store specifier has no closing "]"', input);
    storage = parseStorageSpecifier(rest.slice(1, close), input);
    rest = rest.slice(close + 1);
  }
  if (rest === '') fail('containers-storage: an image name or ID is required (expected containers-storage:[STORE]REFERENCE)', input);
  let id: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0 && !rest.slice(at + 1).includes(':')) {
    const possible = rest.slice(at + 1);
    if (!fullId.test(possible)) fail(`containers-storage: "${possible}" does not look like an image ID or digest`, input);
    id = possible;
    rest = rest.slice(0, at);
  }
  const base = storage ? { transport: 'containers-storage' as const, storage } : { transport: 'containers-storage' as const };
  if (rest === '') return { ...base, id: id as string };
  if (id === undefined && fullId.test(rest)) return { ...base, id: rest };
  const maybeId = id === undefined && rest.length >= 3 && /^[0-9a-f]+$/.test(rest) ? rest : undefined;
  const ref = parseNormalizedReference(rest);
  const named = ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: 'latest' } : ref;
  return { ...base, ref: named, ...(id ? { id } : {}), ...(maybeId ? { maybeId } : {}) };
}

/** `docker-daemon:NAME:TAG`, `NAME@DIGEST` or `sha256:ID`, as containers/image reads them. */
function parseDaemonLocation(within: string, input: string): ImageLocation {
  if (/^sha256:[0-9a-f]{64}$/.test(within)) return { transport: 'docker-daemon', id: within };
  if (within === '') fail('docker-daemon: a reference is required (expected docker-daemon:NAME:TAG or docker-daemon:sha256:ID)', input);
  requireRepository(within);
  const ref = parseNormalizedReference(within);
  if (ref.repository === 'library/sha256' || ref.repository === 'sha256')
    fail(`Invalid docker-daemon: reference ${within}: the sha256 repository name is reserved for full image IDs`, input);
  if (ref.tag === undefined && ref.digest === undefined) fail(`docker-daemon: reference ${within} has neither a tag nor a digest`, input);
  if (ref.tag !== undefined && ref.digest !== undefined) fail(`docker-daemon: reference ${within} has both a tag and a digest, which is not supported`, input);
  return { transport: 'docker-daemon', ref };
}

/** Parses `TRANSPORT:REFERENCE` as skopeo does, for the transports we serve; throws for all others. */
export function parseImageLocation(input: string, options: { platform?: NodeJS.Platform } = {}): ImageLocation {
  const colon = input.indexOf(':');
  if (colon < 0) fail(`Invalid image name "${input}", expected colon-separated transport:reference (${TRANSPORT_HELP})`, input);
  const transport = input.slice(0, colon);
  const within = input.slice(colon + 1);
  if (transport === 'docker') return parseDockerLocation(within, input);
  if (transport === 'oci') return parseOciLocation(within, input, options.platform ?? process.platform);
  if (transport === 'oci-archive') return parseOciArchiveLocation(within, input, options.platform ?? process.platform);
  if (transport === 'docker-archive') return parseDockerArchiveLocation(within, input);
  if (transport === 'dir') return parseDirLocation(within, input);
  if (transport === 'containers-storage') return parseStorageLocation(within, input);
  if (transport === 'docker-daemon') return parseDaemonLocation(within, input);
  if (knownTransports.includes(transport)) throw new UnsupportedTransportError(transport);
  fail(`Invalid image name "${input}", unknown transport "${transport}" (${TRANSPORT_HELP})`, input);
}

/** The inverse of parseImageLocation: docker references in full form, so the string means the same anywhere. */
export function formatImageLocation(loc: ImageLocation): string {
  if (loc.transport === 'docker') return `docker://${formatReference(loc.ref)}`;
  if (loc.transport === 'dir') return `dir:${loc.path}`;
  if (loc.transport === 'containers-storage') {
    const st = loc.storage;
    const spec = st
      ? `[${st.driver ? `${st.driver}@` : ''}${st.root ?? ''}${st.runroot ? `+${st.runroot}` : ''}${st.options?.length ? `:${st.options.join(',')}` : ''}]`
      : '';
    if (loc.maybeId) return `containers-storage:${spec}${loc.maybeId}`;
    return `containers-storage:${spec}${loc.ref ? formatReference(loc.ref) : ''}${loc.id ? (loc.ref ? `@${loc.id}` : loc.id) : ''}`;
  }
  if (loc.transport === 'docker-daemon') return `docker-daemon:${loc.ref ? formatReference(loc.ref) : (loc.id as string)}`;
  if (loc.transport === 'oci-archive') return loc.tag ? `oci-archive:${loc.path}:${loc.tag}` : `oci-archive:${loc.path}`;
  if (loc.transport === 'docker-archive') {
    if (loc.sourceIndex !== undefined) return `docker-archive:${loc.path}:@${loc.sourceIndex}`;
    return loc.ref ? `docker-archive:${loc.path}:${formatReference(loc.ref)}` : `docker-archive:${loc.path}`;
  }
  if (loc.sourceIndex !== undefined) return `oci:${loc.path}:@${loc.sourceIndex}`;
  return loc.tag ? `oci:${loc.path}:${loc.tag}` : `oci:${loc.path}`;
}
