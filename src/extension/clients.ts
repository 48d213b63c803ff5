import { RegistryClient } from '../core/registry/client';
import type { Config } from './config';
import { Disposable } from './disposable';
import type { Logins } from './logins';
import type { Log } from './log';
import type { ConfiguredRegistry } from './registry-settings';

/**
 * One core RegistryClient per registry, kept while its settings and login stay the same (so its
 * connections and Bearer tokens are reused), replaced when either changes.
 */
export class Clients extends Disposable {
  private readonly byHost = new Map<string, { key: string; client: RegistryClient }>();

  constructor(
    private readonly config: Config,
    private readonly logins: Logins,
    private readonly log: Log,
  ) {
    super();
    this.register(config.onDidChange((c) => c.registries && this.forgetAll()));
    this.register(logins.onDidChange((host) => this.forget(host)));
    this.register({ dispose: () => this.forgetAll() });
  }

  /** The client for a configured registry, or for a host typed at a prompt (verified TLS, no CA file). */
  for(registry: ConfiguredRegistry | string): RegistryClient {
    const r = typeof registry === 'string' ? this.config.registries.find((c) => c.host === registry) : registry;
    const host = typeof registry === 'string' ? registry : registry.host;
    const tlsVerify = r ? r.tlsVerify && !r.insecureHttp : true;
    const caFile = r?.caFile;
    const key = JSON.stringify([tlsVerify, caFile]);
    const known = this.byHost.get(host);
    if (known?.key === key) return known.client;
    if (known) void known.client.close();
    const client = new RegistryClient(host, {
      tlsVerify,
      caFile,
      credentials: () => this.logins.credentials(host),
      onRetry: (what, attempt, reason) => this.log.warn(`retrying ${what} (attempt ${attempt}): ${reason}`),
    });
    this.byHost.set(host, { key, client });
    return client;
  }

  /** A client with explicit settings, for checking a login before it is saved. Close it after use. */
  probe(host: string, options: { tlsVerify: boolean; caFile: string | undefined; username: string; password: string }): RegistryClient {
    return new RegistryClient(host, {
      tlsVerify: options.tlsVerify,
      caFile: options.caFile,
      credentials: { username: options.username, password: options.password, source: 'the login being checked' },
    });
  }

  forget(host: string): void {
    const known = this.byHost.get(host);
    this.byHost.delete(host);
    if (known) void known.client.close();
  }

  private forgetAll(): void {
    for (const host of [...this.byHost.keys()]) this.forget(host);
  }
}
