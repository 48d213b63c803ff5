import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { parseRegistrySettings } from './registry-settings';
import type { ConfiguredRegistry } from './registry-settings';

const section = 'registryExplorer';

/** Which parts of the configuration changed, so listeners redo only what depends on them. */
export interface ConfigChange {
  readonly registries: boolean;
  readonly browsing: boolean;
  /** The trust policy or registries.d folder: signatures are judged again. */
  readonly trust: boolean;
}

/** `registryExplorer.policyFile`: unset follows skopeo's default lookup; "" turns checking off. */
export interface PolicyFileSetting {
  readonly path: string;
  /** Set by the user (a missing file is then an error), not the default (a missing file is no policy). */
  readonly explicit: boolean;
}

/** Typed view of the `registryExplorer.*` settings, with one change listener. */
export class Config extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<ConfigChange>());
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(section)) return;
        this.changed.fire({
          registries: e.affectsConfiguration(`${section}.registries`),
          browsing: ['pageSize', 'tagPageSize', 'concurrency', 'showSupplyChainTags'].some((s) => e.affectsConfiguration(`${section}.${s}`)),
          trust: ['policyFile', 'registriesDirectory'].some((s) => e.affectsConfiguration(`${section}.${s}`)),
        });
      }),
    );
  }

  private get settings(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(section);
  }

  get registries(): ConfiguredRegistry[] {
    return parseRegistrySettings(this.settings.get<unknown>('registries'));
  }

  /** Repositories and tags fetched per request ("Load more" fetches the next page). */
  get pageSize(): number {
    return clamp(this.settings.get<number>('pageSize', 100), 1, 10_000);
  }

  /** Tags shown per "Load more", also when the registry sent them all in one answer. */
  get tagPageSize(): number {
    return clamp(this.settings.get<number>('tagPageSize', 100), 1, 10_000);
  }

  /** How many requests the tree sends at once for tag details. */
  get concurrency(): number {
    return clamp(this.settings.get<number>('concurrency', 4), 1, 32);
  }

  /** List cosign `.sig/.att/.sbom` and referrers-index `sha256-<hex>` tags as ordinary tags. */
  get showSupplyChainTags(): boolean {
    return this.settings.get<boolean>('showSupplyChainTags', false);
  }

  /** The trust policy (containers-policy.json) signatures are judged by. Application scope: a workspace cannot loosen it. */
  get policyFile(): PolicyFileSetting {
    const set = this.settings.inspect<string>('policyFile')?.globalValue;
    return typeof set === 'string' ? { path: set.trim(), explicit: true } : { path: '', explicit: false };
  }

  /** registries.d (where GPG signatures are stored, whether sigstore attachments are used); '' = containers/image's default. */
  get registriesDirectory(): string {
    const set = this.settings.inspect<string>('registriesDirectory')?.globalValue;
    return typeof set === 'string' ? set.trim() : '';
  }

  get shareLoginsWithAuthFile(): boolean {
    return this.settings.get<boolean>('shareLoginsWithAuthFile', false);
  }

  /**
   * Rewrites the registry list in the user's settings. Only the user-level value is read and
   * written, so workspace-level registries are not copied into the user's settings.
   */
  async updateRegistries(change: (current: readonly unknown[]) => unknown[]): Promise<void> {
    const current = this.settings.inspect<unknown[]>('registries')?.globalValue ?? [];
    await this.settings.update('registries', change(Array.isArray(current) ? current : []), vscode.ConfigurationTarget.Global);
  }
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.floor(n))) : min;
}
