import * as vscode from 'vscode';
import { defaultAuthFilePath, removeAuthEntry, setAuthEntry } from '../core/auth/authfile';
import { resolveCredentials } from '../core/auth/credentials';
import type { Credentials } from '../core/auth/credentials';
import type { Config } from './config';
import { Disposable } from './disposable';
import type { Log } from './log';

/** Shown as the source of a login made in this editor. */
export const secretStorageSource = 'VS Code secret storage';

const secretKey = (host: string): string => `registryExplorer.login/${host}`;
const usernameKey = (host: string): string => `registryExplorer.username/${host}`;
const hostsKey = 'registryExplorer.loginHosts';

/**
 * Registry logins. Made here: the password in SecretStorage, the username in global state (so
 * listing logins never needs a secret). Made elsewhere (podman login, docker login, credential
 * helpers): read through the core's auth.json chain, as containers/image does, without asking.
 * The CLI's OS-keychain logins are not read here: the keychain binding is a native module the
 * extension does not ship.
 */
export class Logins extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<string>());
  /** Fires with the host whose login changed (here or in another window). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
    private readonly config: Config,
    private readonly log: Log,
  ) {
    super();
    this.register(
      secrets.onDidChange((e) => {
        if (e.key.startsWith(secretKey(''))) this.changed.fire(e.key.slice(secretKey('').length));
      }),
    );
  }

  /** Hosts with a login made in this editor. */
  get hosts(): string[] {
    return this.state.get<string[]>(hostsKey, []);
  }

  /** The credentials a request to `host` uses: this editor's login first, then the auth.json chain. */
  async credentials(host: string, repository?: string): Promise<Credentials | undefined> {
    const username = this.state.get<string>(usernameKey(host));
    if (username !== undefined) {
      const password = await this.secrets.get(secretKey(host));
      if (password !== undefined) {
        this.log.addSecret(password);
        return { username, password, source: secretStorageSource };
      }
    }
    const found = await resolveCredentials(host, repository, { env: process.env, keychain: false, debug: (m) => this.log.debug(m) });
    if (found) {
      this.log.addSecret(found.password);
      this.log.addSecret(found.identityToken);
    }
    return found;
  }

  /** Saves a login that the registry has accepted. Returns where it was also shared, if anywhere. */
  async save(host: string, username: string, password: string): Promise<string | undefined> {
    this.log.addSecret(password);
    // Username first: the secret's change event (seen by every window) must find the login whole.
    await this.state.update(usernameKey(host), username);
    if (!this.hosts.includes(host)) await this.state.update(hostsKey, [...this.hosts, host]);
    await this.secrets.store(secretKey(host), password);
    let sharedTo: string | undefined;
    if (this.config.shareLoginsWithAuthFile) sharedTo = await setAuthEntry(defaultAuthFilePath(process.env), host, username, password, process.env);
    this.changed.fire(host);
    return sharedTo;
  }

  /** Forgets this editor's login for `host` (and its auth.json copy when logins are shared). */
  async remove(host: string): Promise<{ removedHere: boolean; removedFromAuthFile: boolean }> {
    const removedHere = this.hosts.includes(host) || (await this.secrets.get(secretKey(host))) !== undefined;
    await this.state.update(usernameKey(host), undefined);
    await this.state.update(
      hostsKey,
      this.hosts.filter((h) => h !== host),
    );
    await this.secrets.delete(secretKey(host));
    const removedFromAuthFile = this.config.shareLoginsWithAuthFile ? await removeAuthEntry(defaultAuthFilePath(process.env), host, process.env) : false;
    this.changed.fire(host);
    return { removedHere, removedFromAuthFile };
  }
}
