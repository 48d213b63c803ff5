// The OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows)
// through @napi-rs/keyring. One entry per registry: service = "regx", account = registry, and the
// secret is JSON {username, password} so both travel together and the username is not guessed.
import { KeychainError } from '../errors';

export interface KeychainStore {
  get(registry: string): Promise<{ username: string; password: string } | undefined>;
  set(registry: string, username: string, password: string): Promise<void>;
  delete(registry: string): Promise<boolean>;
  /** Registries with an entry (for `logout --all`); optional because not every store can enumerate. */
  list?(): Promise<string[]>;
}

interface AsyncEntryLike {
  getPassword(): Promise<string | null>;
  setPassword(password: string): Promise<void>;
  deletePassword(): Promise<boolean>;
}
type KeyringModule = {
  AsyncEntry: new (service: string, account: string) => AsyncEntryLike;
  findCredentialsAsync(service: string): Promise<{ account: string; password: string }[]>;
};

let keyringModule: KeyringModule | undefined;

function loadKeyring(): KeyringModule {
  if (!keyringModule) {
    try {
      // A native module kept out of the bundles: loaded from node_modules only when a keychain is used.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      keyringModule = require('@napi-rs/keyring') as KeyringModule;
    } catch (err) {
      throw new KeychainError(`no OS keychain available: the @napi-rs/keyring module could not be loaded (${(err as Error).message})`, { cause: err });
    }
  }
  return keyringModule;
}

function unavailable(err: unknown): KeychainError {
  if (err instanceof KeychainError) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new KeychainError(`no OS keychain available: ${why}`, { cause: err });
}

/**
 * On Linux the Secret Service lives on the D-Bus session bus. Without one, the binding answers
 * "nothing stored" to reads and fails writes obscurely, so say it plainly before trying.
 */
function checkSessionBus(env: NodeJS.ProcessEnv): void {
  if (process.platform === 'linux' && !env.DBUS_SESSION_BUS_ADDRESS) {
    throw new KeychainError(
      'no OS keychain available: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), so no Secret Service such as gnome-keyring can be reached',
    );
  }
}

export function osKeychain(service = 'regx', env: NodeJS.ProcessEnv = process.env): KeychainStore {
  const entry = (registry: string): AsyncEntryLike => {
    checkSessionBus(env);
    const { AsyncEntry } = loadKeyring();
    return new AsyncEntry(service, registry);
  };
  return {
    async get(registry) {
      let secret: string | null;
      try {
        secret = await entry(registry).getPassword();
      } catch (err) {
        throw unavailable(err);
      }
      if (secret === null || secret === undefined) return undefined;
      try {
        const o = JSON.parse(secret) as { username?: unknown; password?: unknown };
        if (typeof o.username === 'string' && typeof o.password === 'string') return { username: o.username, password: o.password };
      } catch {
        /* fall through */
      }
      throw new KeychainError(`the OS keychain entry "${service}" / "${registry}" is not one regx wrote`);
    },
    async set(registry, username, password) {
      try {
        await entry(registry).setPassword(JSON.stringify({ username, password }));
      } catch (err) {
        throw unavailable(err);
      }
    },
    async delete(registry) {
      try {
        return await entry(registry).deletePassword();
      } catch (err) {
        throw unavailable(err);
      }
    },
    async list() {
      checkSessionBus(env);
      try {
        const found = await loadKeyring().findCredentialsAsync(service);
        return [...new Set(found.map((c) => c.account))].sort();
      } catch (err) {
        throw unavailable(err);
      }
    },
  };
}
