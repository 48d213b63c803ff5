import * as vscode from 'vscode';
import { imageSize } from '../../core/image/image-size';
import { inspectImage } from '../../core/image/inspect';
import { parseImageIndex } from '../../core/image/manifest-walk';
import { isIndexMediaType } from '../../core/image/mediatypes';
import { runPool } from '../../core/image/pool';
import { imageReferenceName, shortReferenceSuffix } from '../../core/reference/tag-or-digest';
import { isInspectRequest } from '../../webview/inspect/protocol';
import type { InspectNotification, InspectRequest, InspectView, SupplyChainRowView } from '../../webview/inspect/protocol';
import type { Ctx } from '../ctx';
import { Disposable } from '../disposable';
import { copyText, pageHtml, panelError } from '../webview-panel';
import { indexView, inspectView } from './inspect-view';
import type { ViewNames } from './inspect-view';
import { supplyChainRows } from '../supply-chain/inspect-rows';
import type { SignatureChecks } from '../supply-chain/rows';
import { signatureCheck, simpleSignatureCheck } from '../supply-chain/signature-states';
import type { Judgement } from '../supply-chain/signature-states';
import type { SubjectNode } from '../../core/supply-chain/discover';
import { webLink } from './web-link';

export const inspectViewType = 'registryExplorer.inspect';

/** What was read for the page, with the bytes its Open buttons show. */
interface Loaded {
  readonly view: InspectView;
  readonly rawManifest: Buffer;
  readonly rawConfig: Buffer | undefined;
}

/**
 * One webview per inspected reference. The page holds no registry data: it loads, says "ready",
 * and receives the view as a message. CSP `default-src 'none'`, scripts only with this page's nonce,
 * resources only from the bundle. A reference naming an index shows the index (its platforms, each
 * opening its own Inspect); one naming an image shows the image.
 */
export class InspectPanel extends Disposable {
  private static readonly open = new Map<string, InspectPanel>();
  private readonly panel: vscode.WebviewPanel;
  private loaded: Promise<Loaded>;

  static show(ctx: Ctx, host: string, repository: string, reference: string): void {
    const name = imageReferenceName(host, repository, reference);
    const known = InspectPanel.open.get(name);
    if (known) {
      known.panel.reveal();
      return;
    }
    const panel = ctx.own(new InspectPanel(ctx, name, host, repository, reference));
    InspectPanel.open.set(name, panel);
  }

  private constructor(
    private readonly ctx: Ctx,
    private readonly name: string,
    private readonly host: string,
    private readonly repository: string,
    private readonly reference: string,
  ) {
    super();
    const root = ctx.extension.extensionUri;
    const title = `Inspect ${repository.split('/').pop()}${shortReferenceSuffix(reference)}`;
    this.panel = this.register(
      vscode.window.createWebviewPanel(inspectViewType, title, vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media')],
      }),
    );
    this.loaded = this.load();
    this.register(this.panel.webview.onDidReceiveMessage((m: unknown) => isInspectRequest(m) && void this.handle(m)));
    this.register(this.panel.onDidDispose(() => this.dispose()));
    this.register({ dispose: () => InspectPanel.open.delete(this.name) });
    // A closed panel is dropped by the context too, not kept until the extension deactivates.
    this.register({ dispose: () => ctx.disown(this) });
    this.panel.webview.html = this.html();
  }

  private load(): Promise<Loaded> {
    const p = this.read();
    p.catch(() => undefined);
    return p;
  }

  /** The manifest the reference names; then the index's platform sizes, or the image's config. */
  private async read(): Promise<Loaded> {
    const client = this.ctx.clients.for(this.host);
    const names: ViewNames = { reference: this.name, repositoryName: `${this.host}/${this.repository}` };
    const top = await client.getManifest(this.repository, this.reference);
    if (isIndexMediaType(top.mediaType)) {
      const index = parseImageIndex(top.bytes);
      return {
        view: indexView(names, top.digest, top.mediaType, index, await this.platformSizes(index.manifests.map((d) => d.digest))),
        rawManifest: top.bytes,
        rawConfig: undefined,
      };
    }
    // By digest: the image shown is the one just read, even if the tag moves meanwhile.
    const image = await inspectImage(client, this.repository, top.digest, { noTags: true });
    return { view: inspectView(names, image), rawManifest: image.rawManifest, rawConfig: image.rawConfig };
  }

  /** Config plus layers of each platform image of an index (one manifest read each, a few at a time). */
  private async platformSizes(digests: readonly string[]): Promise<Map<string, number | undefined>> {
    const sizes = new Map<string, number | undefined>();
    const client = this.ctx.clients.for(this.host);
    await runPool([...new Set(digests)], this.ctx.config.concurrency, async (digest, signal) => {
      sizes.set(
        digest,
        await imageSize(client, this.repository, digest, signal).catch((error: unknown) => {
          this.ctx.log.warn(`inspect ${this.name}: no size for ${digest}: ${error instanceof Error ? error.message : String(error)}`);
          return undefined;
        }),
      );
    });
    return sizes;
  }

  private supplyChain: Promise<SupplyChainRowView[] | undefined> | undefined;

  /** The Supply chain section, sent after the rest (the tree's reading of the same image is reused). */
  private async postSupplyChain(): Promise<void> {
    this.supplyChain ??= this.loaded.then(async ({ view }) => {
      const chains = this.ctx.tree.supplyChains;
      const [found, gpg] = await Promise.all([
        chains.get(this.host, this.repository, view.digest),
        chains.simpleSignatures(this.host, this.repository, view.digest),
      ]);
      const judgement = (): Promise<Judgement> =>
        this.ctx.tree.verdicts.settledJudgement({
          registry: this.host,
          repository: this.repository,
          reference: this.reference,
          digest: view.digest,
          rowId: '',
        });
      const judged = gpg.length ? await judgement() : undefined;
      const simple = judged ? { rows: gpg, check: (index: number) => simpleSignatureCheck(judged, index) } : undefined;
      return supplyChainRows(this.host, this.repository, view.digest, found, await this.signatureChecks(found.discovery.root, view.digest), simple);
    });
    try {
      this.post({ type: 'supplyChain', rows: (await this.supplyChain) ?? [], error: undefined });
    } catch (error) {
      this.supplyChain = undefined;
      this.post({ type: 'supplyChain', rows: [], error: panelError(this.ctx, `inspect ${this.name}: supply chain`, error) });
    }
  }

  /**
   * The trust policy's judgement of the image and of each platform something signed, waited for (the
   * section comes after the rest of the page anyway). The image is judged under the reference inspected.
   */
  private async signatureChecks(root: SubjectNode, digest: string): Promise<(subject: SubjectNode) => SignatureChecks> {
    const verdicts = this.ctx.tree.verdicts;
    const signed = (s: SubjectNode): boolean => s.referrers.some((r) => r.kind === 'signature');
    const subjects = [root, ...root.manifests].filter(signed);
    const judged = new Map<string, Judgement>();
    await Promise.all(
      subjects.map(async (s) => {
        const reference = s === root ? this.reference : s.digest;
        judged.set(
          s.digest,
          await verdicts.settledJudgement({ registry: this.host, repository: this.repository, reference, digest: s === root ? digest : s.digest, rowId: '' }),
        );
      }),
    );
    return (subject) => (item) => signatureCheck(judged.get(subject.digest) ?? { kind: 'pending' }, item);
  }

  private post(message: InspectNotification): void {
    void this.panel.webview.postMessage(message);
  }

  private async handle(message: InspectRequest): Promise<void> {
    try {
      switch (message.type) {
        case 'retry':
          this.loaded = this.load();
          this.supplyChain = undefined;
          this.post({ type: 'show', view: (await this.loaded).view });
          void this.postSupplyChain();
          return;
        case 'ready':
          this.post({ type: 'show', view: (await this.loaded).view });
          void this.postSupplyChain();
          return;
        case 'openSbom': {
          // Only a blob this panel listed: the page names nothing else to read.
          const rows = await this.supplyChain;
          if (!rows?.some((r) => r.sbomBlob === message.blob)) return;
          await this.ctx.rawDocuments.open({ host: this.host, repository: this.repository, reference: message.blob, part: 'sbom' });
          return;
        }
        case 'openLog':
          this.ctx.log.show();
          return;
        case 'openRaw': {
          const loaded = await this.loaded;
          const bytes = message.what === 'manifest' ? loaded.rawManifest : loaded.rawConfig;
          if (!bytes) return;
          await this.ctx.rawDocuments.show({ host: this.host, repository: this.repository, reference: this.reference, part: message.what }, bytes);
          return;
        }
        case 'copy':
          await copyText(message.text);
          return;
        case 'openLink':
          await this.openLink(message.url);
          return;
        case 'inspectPlatform': {
          const { view } = await this.loaded;
          // Only a digest this index lists: the page asks, the extension decides what is read.
          if (view.kind === 'index' && view.platforms.some((p) => p.digest === message.digest))
            InspectPanel.show(this.ctx, this.host, this.repository, message.digest);
          return;
        }
      }
    } catch (error) {
      this.post({ type: 'error', message: `Could not inspect ${this.name}: ${panelError(this.ctx, `inspect ${this.name}`, error)}` });
    }
  }

  /** Opens a label's web address in the browser: only http(s), and only a value one of this image's labels holds. */
  private async openLink(url: string): Promise<void> {
    const { view } = await this.loaded;
    const target = webLink(url);
    if (!target || view.kind !== 'image' || !view.labels.some((l) => l.link && l.value === url)) {
      this.ctx.log.warn(`inspect ${this.name}: refused to open ${JSON.stringify(url.slice(0, 200))}: not an http(s) label value of this image`);
      return;
    }
    await vscode.env.openExternal(vscode.Uri.parse(target, true));
  }

  private html(): string {
    const root = this.ctx.extension.extensionUri;
    return pageHtml(this.panel.webview, {
      script: vscode.Uri.joinPath(root, 'dist', 'webview', 'inspect.js'),
      style: vscode.Uri.joinPath(root, 'media', 'inspect.css'),
      title: 'Inspect',
      images: true,
    });
  }
}
