// Where credentials for a registry come from, in order: explicit flags, the OS keychain, then the
// containers auth.json chain read exactly as containers/image pkg/docker/config does.
import { KeychainError, UsageError } from '../errors';
import { authFileChain, authKeyLookupOrder, decodeAuthEntry, findAuthEntry, readAuthFile } from './authfile';
import { helperGet } from './credhelper';
import type { HelperCredentials } from './credhelper';
import type { KeychainStore } from './keychain';
import { osKeychain } from './keychain';

export interface Credentials {
  username: string;
  password: string;
  /** An OAuth2 refresh token (auth.json `identitytoken`, or a helper's "<token>" user). */
  identityToken?: string;
  /** Where these came from, for humans; never secret: '--creds', 'OS keychain', a file path, 'docker-credential-pass'. */
  source: string;
}

/** `user:password`, split at the first ':' so a password may contain ':'; `source` names where it was given (the caller's flag). */
export function parseCredsFlag(value: string, source: string): Credentials {
  const colon = value.indexOf(':');
  if (colon < 0) throw new UsageError(`${source} needs USERNAME:PASSWORD, got only a username`);
  const username = value.slice(0, colon);
  if (!username) throw new UsageError(`${source} needs USERNAME:PASSWORD, the username is empty`);
  return { username, password: value.slice(colon + 1), source };
}

export interface CredentialLookup {
  explicit?: Credentials;
  /** --authfile: only this file is read (and the keychain is not consulted: the user named one source). */
  authFile?: string;
  env: NodeJS.ProcessEnv;
  /** undefined: the OS keychain (skipped quietly when there is none); false: never. */
  keychain?: KeychainStore | false;
  /** Called with human-readable notes (never secrets) on where a lookup went, for --debug and the log. */
  debug?: (message: string) => void;
}

function fromHelper(c: HelperCredentials | undefined, helper: string): Credentials | undefined {
  if (!c) return undefined;
  const source = `docker-credential-${helper}`;
  if (c.identityToken) return { username: c.username, password: c.password, identityToken: c.identityToken, source };
  if (!c.username && !c.password) return undefined;
  return { username: c.username, password: c.password, source };
}

/**
 * registry: host[:port], normalized (docker.io for Docker Hub). repository: its path, e.g.
 * "library/redis", so namespaced auth.json keys (`quay.io/org`) can match. Undefined when nothing
 * is configured: the caller then tries anonymously.
 */
export async function resolveCredentials(registry: string, repository: string | undefined, lookup: CredentialLookup): Promise<Credentials | undefined> {
  const debug = lookup.debug ?? (() => undefined);
  if (lookup.explicit) return lookup.explicit;
  const key = repository ? `${registry}/${repository}` : registry;

  if (lookup.keychain !== false && !lookup.authFile) {
    const store = lookup.keychain ?? osKeychain('regx', lookup.env);
    try {
      // `regx login --keychain quay.io/org` stores under the namespace: most specific first, as in auth.json.
      for (const k of authKeyLookupOrder(key, registry, false)) {
        const found = await store.get(k);
        if (found) return { ...found, source: 'OS keychain' };
      }
    } catch (err) {
      // No keychain on this machine is normal (CI, containers): fall through to the files.
      if (!(err instanceof KeychainError)) throw err;
      debug(`OS keychain not used: ${err.message}`);
    }
  }

  for (const { path, legacy } of authFileChain(lookup.env, lookup.authFile)) {
    const file = await readAuthFile(path, legacy);
    if (!file.exists) continue;
    // credHelpers are keyed by registry only: helpers know no namespaces.
    const helper = file.credHelpers[registry];
    if (helper) {
      debug(`${path}: credHelpers routes ${registry} to docker-credential-${helper}`);
      const c = fromHelper(await helperGet(helper, registry, lookup.env), helper);
      if (c) return c;
      continue;
    }
    const hit = findAuthEntry(file, key, registry, legacy);
    if (hit) {
      const c = decodeAuthEntry(path, hit.key, hit.entry);
      if (c) {
        debug(`using credentials for ${hit.key} from ${path}`);
        return { ...c, source: path };
      }
    }
    // Docker's global helper. containers/image does not read it; Docker Desktop users rely on it,
    // so we ask it last in this file. A missing helper program is not an error here.
    if (file.credsStore) {
      try {
        const c = fromHelper(await helperGet(file.credsStore, registry, lookup.env), file.credsStore);
        if (c) return c;
      } catch (err) {
        debug(`${path}: credsStore docker-credential-${file.credsStore} not used: ${(err as Error).message}`);
      }
    }
  }
  debug(`no credentials for ${key}`);
  return undefined;
}
