// What the cluster's image importer does for an ImageStreamImport: fetch the manifest of `from` from the
// real registry it names (here a Distribution started by the test, over loopback), following Basic or
// Bearer challenges with the namespace's pull secrets, and report a failure the way OpenShift words it.
import { createHash } from 'node:crypto';
import { Agent, request } from 'undici';

export interface ImportedManifest {
  /** `host/repo@sha256:...` */
  dockerImageReference: string;
  digest: string;
  mediaType: string;
  layers: { name: string; size: number; mediaType: string }[];
}

export class ImportFailure extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export type Credentials = (host: string) => { username: string; password: string } | undefined;

export interface ImporterOptions {
  /** CA PEMs the cluster trusts for registries (additionalTrustedCA). */
  caPem?: string;
}

const manifestAccept = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface ParsedRef {
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Docker reference parsing (enough for the double): a first part with '.', ':' or `localhost` is the host. */
export function parseDockerRef(ref: string): ParsedRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  let host = 'docker.io';
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      host = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (host === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  return { host, repository: rest, tag: tag ?? (digest ? undefined : 'latest'), digest };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export class Importer {
  private readonly verifying: Agent;
  private readonly lenient: Agent;

  constructor(opts: ImporterOptions = {}) {
    this.verifying = new Agent({ connect: { ...(opts.caPem ? { ca: opts.caPem } : {}), rejectUnauthorized: true, timeout: 10_000 } });
    this.lenient = new Agent({ connect: { rejectUnauthorized: false, timeout: 10_000 } });
  }

  async close(): Promise<void> {
    await Promise.all([this.verifying.close(), this.lenient.close()]);
  }

  private async get(ref: ParsedRef, path: string, insecure: boolean, accept: string, origRef: string, creds?: Credentials): Promise<Answer> {
    const schemes = insecure ? ['https', 'http'] : ['https'];
    let lastError: unknown;
    for (const scheme of schemes) {
      const url = `${scheme}://${ref.host}${path}`;
      try {
        return await this.getWithAuth(url, ref, insecure, accept, creds);
      } catch (e) {
        lastError = e;
      }
    }
    const why =
      (lastError as { cause?: { code?: string; message?: string }; message?: string })?.cause?.code ?? (lastError as Error)?.message ?? 'unknown error';
    throw new ImportFailure(500, 'InternalError', `Internal error occurred: ${origRef}: Get "https://${ref.host}/v2/": ${why}`);
  }

  private async getWithAuth(url: string, ref: ParsedRef, insecure: boolean, accept: string, credentials?: Credentials): Promise<Answer> {
    const dispatcher = insecure ? this.lenient : this.verifying;
    const send = async (auth?: string): Promise<Answer> => {
      const res = await request(url, { method: 'GET', headers: { accept, ...(auth ? { authorization: auth } : {}) }, dispatcher });
      return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) };
    };
    const first = await send();
    if (first.status !== 401) return first;
    const challenge = String(first.headers['www-authenticate'] ?? '');
    const creds = credentials?.(ref.host);
    const basic = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
    if (/^basic/i.test(challenge)) return basic ? send(basic) : first;
    if (/^bearer/i.test(challenge)) {
      const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      if (!params.realm) return first;
      const tokenUrl = new URL(params.realm);
      if (params.service) tokenUrl.searchParams.set('service', params.service);
      tokenUrl.searchParams.set('scope', `repository:${ref.repository}:pull`);
      const tr = await request(tokenUrl, { method: 'GET', headers: basic ? { authorization: basic } : {}, dispatcher });
      const text = await tr.body.text();
      if (tr.statusCode !== 200) return first;
      const tok = JSON.parse(text) as { token?: string; access_token?: string };
      return send(`Bearer ${tok.token ?? tok.access_token}`);
    }
    return first;
  }

  /** Resolves `from` to the manifest an import would record (Legacy mode: one platform of an index). */
  async resolve(from: string, insecure: boolean, creds?: Credentials): Promise<ImportedManifest> {
    const ref = parseDockerRef(from);
    const reference = ref.digest ?? (ref.tag as string);
    let answer = await this.get(ref, `/v2/${ref.repository}/manifests/${reference}`, insecure, manifestAccept, from, creds);
    this.check(answer, from);
    let manifest = JSON.parse(answer.body.toString('utf8')) as {
      mediaType?: string;
      manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[];
      layers?: { digest: string; size: number; mediaType: string }[];
    };
    let mediaType = String(answer.headers['content-type'] ?? manifest.mediaType ?? '').split(';')[0] as string;
    let digest = String(answer.headers['docker-content-digest'] ?? '') || `sha256:${createHash('sha256').update(answer.body).digest('hex')}`;
    if (manifest.manifests) {
      const pick = manifest.manifests.find((m) => m.platform?.os === 'linux' && m.platform?.architecture === 'amd64') ?? manifest.manifests[0];
      if (!pick)
        throw new ImportFailure(404, 'NotFound', `dockerimage.image.openshift.io "${from}" not found`, {
          name: from,
          group: 'image.openshift.io',
          kind: 'dockerimage',
        });
      answer = await this.get(ref, `/v2/${ref.repository}/manifests/${pick.digest}`, insecure, manifestAccept, from, creds);
      this.check(answer, from);
      manifest = JSON.parse(answer.body.toString('utf8'));
      mediaType = String(answer.headers['content-type'] ?? manifest.mediaType ?? '').split(';')[0] as string;
      digest = pick.digest;
    }
    return {
      dockerImageReference: `${ref.host}/${ref.repository}@${digest}`,
      digest,
      mediaType,
      layers: (manifest.layers ?? []).map((l) => ({ name: l.digest, size: l.size, mediaType: l.mediaType })),
    };
  }

  /** The tags of a repository (for `--all`). */
  async tags(from: string, insecure: boolean, creds?: Credentials): Promise<string[]> {
    const ref = parseDockerRef(from);
    const answer = await this.get(ref, `/v2/${ref.repository}/tags/list`, insecure, 'application/json', from, creds);
    this.check(answer, from);
    return ((JSON.parse(answer.body.toString('utf8')) as { tags?: string[] }).tags ?? []).sort();
  }

  private check(answer: Answer, from: string): void {
    if (answer.status === 200) return;
    if (answer.status === 404)
      throw new ImportFailure(404, 'NotFound', `dockerimage.image.openshift.io "${from}" not found`, {
        name: from,
        group: 'image.openshift.io',
        kind: 'dockerimage',
      });
    if (answer.status === 401 || answer.status === 403)
      throw new ImportFailure(401, 'Unauthorized', `you may not have access to the container image "${from}"`);
    throw new ImportFailure(500, 'InternalError', `Internal error occurred: ${from}: the registry answered ${answer.status}`);
  }
}
