// Image shapes met on real registries, built in memory byte for byte as the tools that make them write
// them: Docker lists with Windows entries and foreign layers (docker/Hub: 3-space indent), BuildKit
// attestation indexes (2-space indent), cosign signature tags and oras artifacts (compact JSON), and
// huge indexes. Each shape is pushed over the registry API (pushShape) with its digests as built.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { hex, sha256, tarOneFile } from './images';
import { pushBlob, registryFetch } from './registry-http';
import type { TestRegistry } from './registry';

const gzipAsync = promisify(gzip);

export const ShapeMediaTypes = {
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  inToto: 'application/vnd.in-toto+json',
  cosignSimpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
} as const;

/** The OCI empty descriptor's blob: the two bytes `{}`. */
export const EMPTY_JSON = Buffer.from('{}');

export interface ShapeManifest {
  bytes: Buffer;
  digest: string;
  mediaType: string;
}

/** One pushable shape: its blobs, the manifests an index names (pushed first, by digest), and the top manifest. */
export interface Shape {
  top: ShapeManifest;
  children: ShapeManifest[];
  blobs: Map<string, Buffer>;
  /** Digests of blobs manifests name but no registry holds (foreign layers): never pushed, never fetched. */
  foreign: string[];
}

function manifestOf(bytes: Buffer, mediaType: string): ShapeManifest {
  return { bytes, digest: sha256(bytes), mediaType };
}

/** docker and Distribution's schema 2 structs: json.MarshalIndent with three spaces. */
const dockerJson = (v: unknown): Buffer => Buffer.from(JSON.stringify(v, null, 3));
/** BuildKit's image exporter: json.MarshalIndent with two spaces. */
const buildkitJson = (v: unknown): Buffer => Buffer.from(JSON.stringify(v, null, 2));
/** go-containerregistry (cosign) and oras-go: compact json.Marshal. */
const compactJson = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

interface Layer {
  blob: Buffer;
  digest: string;
  diffId: string;
}

async function gzipLayer(name: string, size: number): Promise<Layer> {
  const tar = tarOneFile(name, randomBytes(size));
  const blob = await gzipAsync(tar, { level: 1 });
  return { blob, digest: sha256(blob), diffId: sha256(tar) };
}

const created = '2024-03-12T09:41:27.1234567Z';

/** A Linux Docker schema 2 image as `docker push` writes it. */
async function dockerLinuxImage(blobs: Map<string, Buffer>, architecture = 'amd64'): Promise<ShapeManifest> {
  const layers = await Promise.all([gzipLayer('bin/busybox', 2048), gzipLayer('etc/os-release', 256)]);
  const config = compactJson({
    architecture,
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['sh'],
      Labels: { 'org.opencontainers.image.source': 'https://example.com/team/app' },
    },
    created,
    history: layers.map((_, i) => ({ created, created_by: `/bin/sh -c #(nop) ADD file:${i} in / ` })),
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
  });
  blobs.set(sha256(config), config);
  for (const l of layers) blobs.set(l.digest, l.blob);
  return manifestOf(
    dockerJson({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha256(config) },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: l.blob.length, digest: l.digest })),
    }),
    'application/vnd.docker.distribution.manifest.v2+json',
  );
}

/**
 * A Windows Server Core based Docker image: the base layer is foreign (Microsoft's, fetched from
 * mcr.microsoft.com by its `urls`, never pushed to another registry), the layer on top an ordinary one.
 */
async function dockerWindowsImage(blobs: Map<string, Buffer>, foreign: string[], osVersion: string): Promise<ShapeManifest> {
  const baseDigest = `sha256:${randomBytes(32).toString('hex')}`;
  const baseDiffId = `sha256:${randomBytes(32).toString('hex')}`;
  foreign.push(baseDigest);
  const top = await gzipLayer('Files/app/app.exe', 4096);
  blobs.set(top.digest, top.blob);
  const config = compactJson({
    architecture: 'amd64',
    config: { Env: ['APP_HOME=C:\\app'], Cmd: ['c:\\windows\\system32\\cmd.exe'], WorkingDir: 'C:\\app' },
    created,
    history: [
      { created: '2024-02-29T17:05:12.6423611Z', created_by: 'Apply image 10.0' },
      { created, created_by: 'cmd /S /C #(nop) COPY dir:abc in C:\\app ' },
    ],
    os: 'windows',
    'os.version': osVersion,
    rootfs: { type: 'layers', diff_ids: [baseDiffId, top.diffId] },
  });
  blobs.set(sha256(config), config);
  return manifestOf(
    dockerJson({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha256(config) },
      layers: [
        {
          mediaType: ShapeMediaTypes.dockerForeignLayer,
          size: 1_698_764_432,
          digest: baseDigest,
          urls: [`https://mcr.microsoft.com/v2/windows/servercore/blobs/${baseDigest}`],
        },
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: top.blob.length, digest: top.digest },
      ],
    }),
    'application/vnd.docker.distribution.manifest.v2+json',
  );
}

/** A Docker image (no list) whose base layer is foreign, as Windows images are. */
export async function dockerForeignLayerImage(): Promise<Shape> {
  const blobs = new Map<string, Buffer>();
  const foreign: string[] = [];
  const top = await dockerWindowsImage(blobs, foreign, '10.0.17763.5576');
  return { top, children: [], blobs, foreign };
}

/** A Docker manifest list: linux/amd64 next to two Windows versions (ltsc2019, ltsc2022), whose base layers are foreign. */
export async function windowsManifestList(): Promise<Shape & { linux: ShapeManifest; windows: ShapeManifest[] }> {
  const blobs = new Map<string, Buffer>();
  const foreign: string[] = [];
  const linux = await dockerLinuxImage(blobs);
  const windows = [await dockerWindowsImage(blobs, foreign, '10.0.17763.5576'), await dockerWindowsImage(blobs, foreign, '10.0.20348.2340')];
  const entry = (m: ShapeManifest, platform: Record<string, string>): Record<string, unknown> => ({
    mediaType: m.mediaType,
    size: m.bytes.length,
    digest: m.digest,
    platform,
  });
  const top = manifestOf(
    dockerJson({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      manifests: [
        entry(linux, { architecture: 'amd64', os: 'linux' }),
        entry(windows[0] as ShapeManifest, { architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.5576' }),
        entry(windows[1] as ShapeManifest, { architecture: 'amd64', os: 'windows', 'os.version': '10.0.20348.2340' }),
      ],
    }),
    'application/vnd.docker.distribution.manifest.list.v2+json',
  );
  return { top, children: [linux, ...windows], blobs, foreign, linux, windows };
}

/** A BuildKit-built OCI image for one platform. */
async function buildkitImage(blobs: Map<string, Buffer>, architecture: string, variant?: string): Promise<ShapeManifest> {
  const layers = await Promise.all([gzipLayer('lib/apk/db/installed', 1024), gzipLayer('app/server', 3072)]);
  const config = compactJson({
    architecture,
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Entrypoint: ['/app/server'],
      WorkingDir: '/app',
      Labels: { 'org.opencontainers.image.revision': 'f00dfeed' },
    },
    created,
    history: [
      { created: '2024-01-26T23:44:57Z', created_by: '/bin/sh -c #(nop) ADD file:37a76ec18f9887751cd8473744917d08b7431fc4085097bb6a09d81b41775473 in / ' },
      { created, created_by: 'COPY server /app/server # buildkit', comment: 'buildkit.dockerfile.v0' },
    ],
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    ...(variant ? { variant } : {}),
  });
  blobs.set(sha256(config), config);
  for (const l of layers) blobs.set(l.digest, l.blob);
  return manifestOf(
    buildkitJson({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.blob.length })),
    }),
    'application/vnd.oci.image.manifest.v1+json',
  );
}

/** BuildKit's attestation manifest for `image`: in-toto statements (SPDX SBOM, SLSA provenance) as uncompressed layers. */
function attestationManifest(blobs: Map<string, Buffer>, image: ShapeManifest, platform: string): ShapeManifest {
  const subject = [{ name: `pkg:docker/team/app@latest?platform=${encodeURIComponent(platform)}`, digest: { sha256: hex(image.digest) } }];
  const statements = [
    {
      predicateType: 'https://spdx.dev/Document',
      body: {
        _type: 'https://in-toto.io/Statement/v0.1',
        predicateType: 'https://spdx.dev/Document',
        subject,
        predicate: {
          spdxVersion: 'SPDX-2.3',
          dataLicense: 'CC0-1.0',
          SPDXID: 'SPDXRef-DOCUMENT',
          name: 'sbom',
          packages: [{ name: 'busybox', versionInfo: '1.36.1-r15', SPDXID: 'SPDXRef-Package-apk-busybox' }],
        },
      },
    },
    {
      predicateType: 'https://slsa.dev/provenance/v0.2',
      body: {
        _type: 'https://in-toto.io/Statement/v0.1',
        predicateType: 'https://slsa.dev/provenance/v0.2',
        subject,
        predicate: {
          builder: { id: '' },
          buildType: 'https://mobyproject.org/buildkit@v1',
          metadata: {
            buildInvocationID: randomBytes(13).toString('hex'),
            completeness: { parameters: false, environment: true, materials: false },
            reproducible: false,
          },
        },
      },
    },
  ];
  const layers = statements.map((s) => {
    const blob = compactJson(s.body);
    blobs.set(sha256(blob), blob);
    return { mediaType: ShapeMediaTypes.inToto, digest: sha256(blob), size: blob.length, annotations: { 'in-toto.io/predicate-type': s.predicateType } };
  });
  const config = compactJson({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) } });
  blobs.set(sha256(config), config);
  return manifestOf(
    buildkitJson({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers,
    }),
    'application/vnd.oci.image.manifest.v1+json',
  );
}

/** `docker buildx build --platform linux/amd64,linux/arm64 --sbom --provenance`: images and their attestation manifests in one OCI index. */
export async function buildkitAttestationIndex(): Promise<Shape & { images: ShapeManifest[]; attestations: ShapeManifest[] }> {
  const blobs = new Map<string, Buffer>();
  const amd64 = await buildkitImage(blobs, 'amd64');
  const arm64 = await buildkitImage(blobs, 'arm64', 'v8');
  const attAmd64 = attestationManifest(blobs, amd64, 'linux/amd64');
  const attArm64 = attestationManifest(blobs, arm64, 'linux/arm64/v8');
  const attEntry = (m: ShapeManifest, of: ShapeManifest): Record<string, unknown> => ({
    mediaType: m.mediaType,
    digest: m.digest,
    size: m.bytes.length,
    annotations: { 'vnd.docker.reference.digest': of.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
    platform: { architecture: 'unknown', os: 'unknown' },
  });
  const top = manifestOf(
    buildkitJson({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: amd64.mediaType, digest: amd64.digest, size: amd64.bytes.length, platform: { architecture: 'amd64', os: 'linux' } },
        { mediaType: arm64.mediaType, digest: arm64.digest, size: arm64.bytes.length, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
        attEntry(attAmd64, amd64),
        attEntry(attArm64, arm64),
      ],
    }),
    'application/vnd.oci.image.index.v1+json',
  );
  return { top, children: [amd64, arm64, attAmd64, attArm64], blobs, foreign: [], images: [amd64, arm64], attestations: [attAmd64, attArm64] };
}

/** The tag cosign stores a signature of `digest` under: `sha256-<hex>.sig`. */
export function cosignSignatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}

/**
 * `cosign sign` of `digest` (in `repository` on `host`): a simple-signing payload as the one layer, the
 * ECDSA P-256 signature over it in the layer's annotation, and go-containerregistry's minimal config.
 */
export function cosignSignature(host: string, repository: string, digest: string): Shape {
  const blobs = new Map<string, Buffer>();
  const payload = compactJson({
    critical: {
      identity: { 'docker-reference': `${host}/${repository}` },
      image: { 'docker-manifest-digest': digest },
      type: 'cosign container image signature',
    },
    optional: null,
  });
  blobs.set(sha256(payload), payload);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signature = sign('sha256', payload, privateKey).toString('base64');
  const config = compactJson({
    architecture: '',
    created: '0001-01-01T00:00:00Z',
    history: [{ created: '0001-01-01T00:00:00Z' }],
    os: '',
    rootfs: { type: 'layers', diff_ids: [sha256(payload)] },
    config: {},
  });
  blobs.set(sha256(config), config);
  const top = manifestOf(
    compactJson({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: sha256(config) },
      layers: [
        {
          mediaType: ShapeMediaTypes.cosignSimpleSigning,
          size: payload.length,
          digest: sha256(payload),
          annotations: { 'dev.cosignproject.cosign/signature': signature },
        },
      ],
    }),
    'application/vnd.oci.image.manifest.v1+json',
  );
  return { top, children: [], blobs, foreign: [] };
}

/**
 * `oras attach --artifact-type application/vnd.cncf.notary.signature`: an OCI 1.1 artifact with the
 * empty config (the 2-byte `{}` blob, inlined as `data`) and a `subject` naming the image it is about.
 */
export function orasReferrer(subject: ShapeManifest): Shape {
  const blobs = new Map<string, Buffer>([[sha256(EMPTY_JSON), EMPTY_JSON]]);
  const envelope = compactJson({
    payload: Buffer.from(JSON.stringify({ targetArtifact: { digest: subject.digest, mediaType: subject.mediaType, size: subject.bytes.length } })).toString(
      'base64url',
    ),
    protected: 'eyJhbGciOiJQUzI1NiJ9',
    header: { 'io.cncf.notary.signingAgent': 'Notation/1.0.0' },
    signature: randomBytes(256).toString('base64url'),
  });
  blobs.set(sha256(envelope), envelope);
  const top = manifestOf(
    compactJson({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.cncf.notary.signature',
      config: { mediaType: ShapeMediaTypes.ociEmpty, digest: sha256(EMPTY_JSON), size: 2, data: 'e30=' },
      layers: [{ mediaType: 'application/jose+json', digest: sha256(envelope), size: envelope.length }],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.bytes.length },
      annotations: {
        'io.cncf.notary.x509chain.thumbprint#S256': `["${randomBytes(32).toString('hex')}"]`,
        'org.opencontainers.image.created': '2024-03-12T09:45:00Z',
      },
    }),
    'application/vnd.oci.image.manifest.v1+json',
  );
  return { top, children: [], blobs, foreign: [] };
}

/**
 * An OCI 1.1 artifact about `subject` as `oras attach --artifact-type T` writes one: the empty config, one
 * layer holding `doc`, and a `subject`. `layerAnnotations` go on the layer, `annotations` on the manifest.
 */
export function attachedArtifact(
  subject: ShapeManifest,
  artifactType: string,
  layerType: string,
  doc: Buffer,
  opts: { layerAnnotations?: Record<string, string>; annotations?: Record<string, string> } = {},
): Shape {
  const blobs = new Map<string, Buffer>([
    [sha256(EMPTY_JSON), EMPTY_JSON],
    [sha256(doc), doc],
  ]);
  const top = manifestOf(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType,
        config: { mediaType: ShapeMediaTypes.ociEmpty, digest: sha256(EMPTY_JSON), size: 2 },
        layers: [{ mediaType: layerType, digest: sha256(doc), size: doc.length, ...(opts.layerAnnotations ? { annotations: opts.layerAnnotations } : {}) }],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.bytes.length },
        ...(opts.annotations ? { annotations: opts.annotations } : {}),
      }),
    ),
    'application/vnd.oci.image.manifest.v1+json',
  );
  return { top, children: [], blobs, foreign: [] };
}

/** The tag a registry without the referrers API keeps `subject`'s referrers index under (OCI 1.1's tag schema): `sha256-<hex>`. */
export function referrersTag(subject: string): string {
  return subject.replace(':', '-');
}

/** The referrers index clients write at referrersTag(): one entry per artifact, with its artifactType and annotations. */
export function referrersIndex(referrers: Shape[]): Shape {
  const children = referrers.map((r) => r.top);
  const entries = children.map((m) => {
    const json = JSON.parse(m.bytes.toString('utf8')) as { artifactType?: string; annotations?: Record<string, string> };
    return {
      mediaType: m.mediaType,
      digest: m.digest,
      size: m.bytes.length,
      ...(json.artifactType ? { artifactType: json.artifactType } : {}),
      ...(json.annotations ? { annotations: json.annotations } : {}),
    };
  });
  const top = manifestOf(
    compactJson({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries }),
    'application/vnd.oci.image.index.v1+json',
  );
  const blobs = new Map<string, Buffer>();
  for (const r of referrers) for (const [d, b] of r.blobs) blobs.set(d, b);
  return { top, children, blobs, foreign: [] };
}

/** An SBOM pushed as an artifact of the ORAS 1.0 era: a custom config media type, an SPDX document as the layer. */
export function sbomArtifact(): Shape {
  const blobs = new Map<string, Buffer>();
  const config = compactJson({ generator: 'syft-1.0.1', format: 'spdx-json' });
  blobs.set(sha256(config), config);
  const sbom = Buffer.from(
    JSON.stringify(
      { spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'team/app', packages: [{ name: 'openssl', versionInfo: '3.1.4-r5' }] },
      null,
      1,
    ),
  );
  blobs.set(sha256(sbom), sbom);
  const top = manifestOf(
    compactJson({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.example.sbom.config.v1+json', digest: sha256(config), size: config.length },
      layers: [
        { mediaType: 'application/spdx+json', digest: sha256(sbom), size: sbom.length, annotations: { 'org.opencontainers.image.title': 'sbom.spdx.json' } },
      ],
      annotations: { 'org.opencontainers.image.created': '2024-03-12T09:45:00Z' },
    }),
    'application/vnd.oci.image.manifest.v1+json',
  );
  return { top, children: [], blobs, foreign: [] };
}

/**
 * An OCI index of `entries` entries naming `distinct` different image manifests (round robin), all on one
 * config and layer: a `distinct` of a few is a list that repeats children, a large one many small images.
 * Entry i has platform linux/amd64 when i % distinct is 0, else an architecture no machine has.
 */
export async function hugeIndex(entries: number, distinct: number): Promise<Shape> {
  const blobs = new Map<string, Buffer>();
  const layer = await gzipLayer('data.bin', 512);
  blobs.set(layer.digest, layer.blob);
  const config = compactJson({
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/bin:/bin'] },
    created,
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
  });
  blobs.set(sha256(config), config);
  const children = Array.from({ length: distinct }, (_, i) =>
    manifestOf(
      compactJson({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.blob.length }],
        annotations: { 'org.example.variant': String(i) },
      }),
      'application/vnd.oci.image.manifest.v1+json',
    ),
  );
  const manifests = Array.from({ length: entries }, (_, i) => {
    const child = children[i % distinct] as ShapeManifest;
    const platform = i % distinct === 0 ? { architecture: 'amd64', os: 'linux' } : { architecture: `arch${i % distinct}`, os: 'linux' };
    return { mediaType: child.mediaType, digest: child.digest, size: child.bytes.length, platform };
  });
  const top = manifestOf(
    compactJson({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }),
    'application/vnd.oci.image.index.v1+json',
  );
  return { top, children, blobs, foreign: [] };
}

async function putManifest(reg: TestRegistry, repository: string, reference: string, m: ShapeManifest): Promise<void> {
  const res = await registryFetch(reg, `/v2/${repository}/manifests/${reference}`, { method: 'PUT', body: m.bytes, headers: { 'content-type': m.mediaType } });
  if (res.status !== 201) throw new Error(`PUT ${repository}:${reference}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  const got = res.headers.get('docker-content-digest');
  if (got !== m.digest) throw new Error(`registry stored ${repository}:${reference} as ${got}, expected ${m.digest}`);
}

/**
 * Pushes a shape over the registry API: blobs, child manifests by digest (`jobs` at a time), then the top
 * manifest under `reference` (a tag, or its digest for a shape pushed by digest).
 */
export async function pushShape(reg: TestRegistry, repository: string, reference: string, shape: Shape, jobs = 8): Promise<void> {
  for (const [digest, data] of shape.blobs) await pushBlob(reg, repository, digest, data);
  const queue = [...shape.children];
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      for (let m = queue.shift(); m; m = queue.shift()) await putManifest(reg, repository, m.digest, m);
    }),
  );
  await putManifest(reg, repository, reference, shape.top);
}

/** Every manifest type, so a HEAD or GET is answered with what is stored, not a conversion or a 404. */
export const ACCEPT_ALL_MANIFESTS = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
  'application/vnd.docker.distribution.manifest.v1+json',
].join(', ');

/** The digest the registry names `repository:reference` by (HEAD), or undefined when it has none. */
export async function registryDigest(reg: TestRegistry, repository: string, reference: string): Promise<string | undefined> {
  const res = await registryFetch(reg, `/v2/${repository}/manifests/${reference}`, { method: 'HEAD', headers: { accept: ACCEPT_ALL_MANIFESTS } });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`HEAD ${repository}:${reference}: HTTP ${res.status}`);
  return res.headers.get('docker-content-digest') ?? undefined;
}

/** The manifest bytes the registry serves for `repository:reference` (GET). */
export async function registryManifest(reg: TestRegistry, repository: string, reference: string): Promise<Buffer> {
  const res = await registryFetch(reg, `/v2/${repository}/manifests/${reference}`, { headers: { accept: ACCEPT_ALL_MANIFESTS } });
  if (res.status !== 200) throw new Error(`GET ${repository}:${reference}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  return Buffer.from(await res.arrayBuffer());
}
