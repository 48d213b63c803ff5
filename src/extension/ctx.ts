import type * as vscode from 'vscode';
import type * as HandlersModule from './commands/handlers';
import { Clients } from './clients';
import { Config } from './config';
import { Disposable } from './disposable';
import { Log } from './log';
import { Logins } from './logins';
import { RawDocuments } from './inspect/raw-documents';
import { LocalImages } from './local/local-images';
import { registerImageStreamDocuments } from './openshift/image-stream-documents';
import { OpenShift } from './openshift/openshift';
import { RegistriesTree } from './tree/registries-tree';

/**
 * What every command and view needs, passed explicitly instead of living in globals.
 * It owns everything it creates; disposing it (on deactivate) releases all of it.
 */
export class Ctx extends Disposable {
  readonly log: Log;
  readonly config: Config;
  readonly logins: Logins;
  readonly clients: Clients;
  readonly tree: RegistriesTree;
  readonly openshift: OpenShift;
  readonly rawDocuments: RawDocuments;
  readonly local: LocalImages;
  private loadedHandlers: typeof HandlersModule | undefined;

  /** `loadHandlers`: the command handlers' module, which the package keeps in a bundle of its own (src/extension/launcher.ts). */
  constructor(
    readonly extension: vscode.ExtensionContext,
    private readonly loadHandlers: () => typeof HandlersModule,
  ) {
    super();
    this.log = this.register(new Log());
    this.config = this.register(new Config());
    this.logins = this.register(new Logins(extension.secrets, extension.globalState, this.config, this.log));
    this.clients = this.register(new Clients(this.config, this.logins, this.log));
    this.tree = this.register(new RegistriesTree(this));
    this.openshift = this.register(new OpenShift(this.log));
    this.rawDocuments = this.register(new RawDocuments(this));
    this.local = this.register(new LocalImages(this));
    registerImageStreamDocuments(this.rawDocuments, this.openshift);
  }

  /** The command handlers' module, loaded by the first command or sync file check, not at activation. */
  handlers(): typeof HandlersModule {
    if (!this.loadedHandlers) {
      const asked = performance.now();
      this.loadedHandlers = this.loadHandlers();
      this.log.info(`command handlers loaded in ${(performance.now() - asked).toFixed(1)} ms`);
    }
    return this.loadedHandlers;
  }

  /** Gives an object to the context to own (tree views, watchers, providers). */
  own<T extends vscode.Disposable>(item: T): T {
    return this.register(item);
  }

  /** Takes back an object given with own() that has disposed itself (a closed panel), so it is not kept alive. */
  disown(item: vscode.Disposable): void {
    this.release(item);
  }
}
