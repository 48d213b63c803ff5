// The pull commands Copy Pull Command offers, as podman, docker and skopeo users type them. Pure (no
// vscode import), so what each tool needs for an unverified or plain-HTTP registry is unit-tested.

export interface PullSource {
  readonly host: string;
  readonly repository: string;
  /** Undefined for a platform row (its tag names the whole index). */
  readonly tag: string | undefined;
  /** For a platform row: the tag of its index, to name the local copy of a pull by digest. */
  readonly indexTag?: string;
  /** Undefined while the tag's digest is not known yet. */
  readonly digest: string | undefined;
  /** Plain HTTP, or TLS whose certificate is not verified for this registry. */
  readonly unverified: boolean;
  /** The registry's CA file in this editor's settings (the tools do not read it). */
  readonly caFile: string | undefined;
}

export interface PullCommand {
  readonly tool: 'podman' | 'docker' | 'skopeo';
  readonly by: 'tag' | 'digest';
  readonly command: string;
  /** What the tool needs besides the command line, in a sentence. */
  readonly detail: string;
}

export function pullCommands(s: PullSource): PullCommand[] {
  const refs: { by: 'tag' | 'digest'; ref: string }[] = [];
  if (s.tag) refs.push({ by: 'tag', ref: `${s.host}/${s.repository}:${s.tag}` });
  if (s.digest) refs.push({ by: 'digest', ref: `${s.host}/${s.repository}@${s.digest}` });
  const caNote = s.caFile && !s.unverified ? ` The CA this editor trusts for ${s.host} must also be in /etc/containers/certs.d/${s.host}/ca.crt.` : '';
  const dockerCa = s.caFile && !s.unverified ? ` Docker needs the CA in /etc/docker/certs.d/${s.host}/ca.crt.` : '';
  const out: PullCommand[] = [];
  for (const { by, ref } of refs) {
    out.push({
      tool: 'podman',
      by,
      command: `podman pull ${s.unverified ? '--tls-verify=false ' : ''}${ref}`,
      detail: `${s.unverified ? 'Skips TLS verification for this pull only.' : 'Verifies TLS.'}${caNote}`,
    });
    out.push({
      tool: 'docker',
      by,
      command: `docker pull ${ref}`,
      detail: s.unverified
        ? `docker pull has no TLS flag: add "${s.host}" to "insecure-registries" in /etc/docker/daemon.json and restart the Docker daemon first.`
        : `Verifies TLS.${dockerCa}`,
    });
    const local = by === 'tag' ? ref : `${s.host}/${s.repository}:${s.tag ?? s.indexTag ?? 'latest'}`;
    out.push({
      tool: 'skopeo',
      by,
      command: `skopeo copy ${s.unverified ? '--src-tls-verify=false ' : ''}docker://${ref} containers-storage:${local}`,
      detail: `Copies into the local podman storage${by === 'digest' ? ` tagged ${local}` : ''}.${s.unverified ? ' Skips TLS verification of the source only.' : ''}${caNote}`,
    });
  }
  return out;
}
