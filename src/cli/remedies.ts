// What the user can do about a failure, phrased as this verb's own flags. The core names problems
// only; a hint here never names a flag the verb would refuse (copy's are --src-*/--dest-*, inspect's
// are plain), and it picks the side of a copy by the host the error is about.
import { AuthenticationError, RegxError, TlsError } from '../core/errors';
import type { FlagSpec } from './args';

/** Which flag prefixes ('' for plain verbs, 'src-' / 'dest-' for copy) speak for each registry host. */
export type RegistrySides = Map<string, Set<string>>;

export function noteRegistrySide(sides: RegistrySides | undefined, host: string, prefix: string): void {
  if (!sides) return;
  const set = sides.get(host) ?? new Set<string>();
  set.add(prefix);
  sides.set(host, set);
}

function hostOf(err: RegxError): string | undefined {
  if (err instanceof AuthenticationError) return err.registry;
  if (err instanceof TlsError) return err.host;
  return undefined;
}

/** The prefixes whose flags fit this error: the side(s) of its host when known, else every prefix the verb has. */
function prefixesFor(err: RegxError, flags: readonly FlagSpec[], sides: RegistrySides | undefined): string[] {
  const host = hostOf(err);
  const known = host ? sides?.get(host) : undefined;
  if (known?.size) return [...known];
  const all = new Set<string>();
  for (const f of flags) {
    const m = /^(src-|dest-|)tls-verify$/.exec(f.name);
    if (m) all.add(m[1] as string);
  }
  return [...all];
}

function has(flags: readonly FlagSpec[], name: string): boolean {
  return flags.some((f) => f.name === name);
}

/** Lines of advice for `err` under a verb taking `flags`; empty when there is nothing to say. */
export function remediesFor(err: unknown, flags: readonly FlagSpec[], sides?: RegistrySides): string[] {
  if (!(err instanceof RegxError)) return [];
  const prefixes = prefixesFor(err, flags, sides);
  const flag = (name: string): string[] => prefixes.map((p) => `--${p}${name}`).filter((f) => has(flags, f.slice(2)));
  const host = hostOf(err);
  switch (err.reason) {
    case 'auth-required':
    case 'auth-refused': {
      const creds = flag('creds');
      const login = host ? `regx login ${host}` : 'regx login REGISTRY';
      const verb = err.reason === 'auth-required' ? 'log in with' : 'log in again with';
      return [`${verb} \`${login}\`${creds.length ? `, or pass ${creds.join(' / ')} USERNAME:PASSWORD` : ''}`];
    }
    case 'tls-untrusted': {
      const certDir = flag('cert-dir');
      const noVerify = flag('tls-verify');
      const lines: string[] = [];
      if (certDir.length) lines.push(`trust its CA with ${certDir.join(' / ')} DIR (a folder holding the CA certificate as ca.crt)`);
      if (noVerify.length) lines.push(`or skip verification for this registry only with ${noVerify.map((f) => `${f}=false`).join(' / ')}`);
      return lines;
    }
    case 'tls-hostname':
    case 'tls-expired':
    case 'tls-failed': {
      const noVerify = flag('tls-verify');
      return noVerify.length ? [`if you trust this registry anyway, skip verification for it only with ${noVerify.map((f) => `${f}=false`).join(' / ')}`] : [];
    }
    case 'no-matching-platform': {
      const ways: string[] = [];
      if (has(flags, 'override-os')) ways.push('--override-os, --override-arch and --override-variant');
      if (has(flags, 'platform')) ways.push('--platform OS/ARCH[/VARIANT]');
      const raw = has(flags, 'raw') ? '; --raw prints the index itself' : '';
      return ways.length ? [`choose another with ${ways.join(', or ')}${raw}`] : [];
    }
    case 'keychain':
      return has(flags, 'keychain') ? ['without --keychain the login is kept in the containers auth.json instead'] : [];
    case 'signing-key':
      return has(flags, 'sign-passphrase-file')
        ? ["give the key's passphrase with --sign-passphrase-file FILE (its first line), the one the key was made with"]
        : [];
    case 'policy-rejected': {
      const lines: string[] = [];
      if (has(flags, 'registries.d'))
        lines.push(
          "signatures are read from the registry's signature API or the lookaside registries.d names: point --registries.d DIR at the folder that says where they are",
        );
      if (has(flags, 'policy')) lines.push('`regx verify --policy FILE docker://IMAGE` shows each signature and why it was refused');
      return lines;
    }
    case 'signing-failed':
      return has(flags, 'sign-by')
        ? [
            '--sign-by takes a key fingerprint from `gpg --list-secret-keys` (GNUPGHOME picks the keyring); a key with a passphrase needs --sign-passphrase-file FILE or a gpg-agent that can ask',
          ]
        : [];
    case 'confirmation-required':
      return has(flags, 'confirm') ? ['run again with --confirm to go ahead'] : [];
    case 'referrers-invalidated': {
      const drop = ['remove-signatures', 'no-referrers'].filter((f) => has(flags, f)).map((f) => `--${f}`);
      return drop.length ? [`leave them behind with ${drop.join(' and ')}, or copy without changing the image (--preserve-digests)`] : [];
    }
    case 'engine-unavailable':
      return ["start podman's API socket with `systemctl --user start podman.socket` (as root: `systemctl start podman.socket`), or install podman"];
    case 'unreachable':
      return prefixes.some((p) => has(flags, `${p}tls-verify`)) ? ['check the registry name and port, and that it is up'] : [];
    default:
      return [];
  }
}
