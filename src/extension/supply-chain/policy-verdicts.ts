// The trust policy's judgement of the images the tree shows: asked only for rows drawn (a tag once its
// details are in, a Supply chain branch when opened), a few at a time, kept per reference and digest
// until its repository is refreshed or the settings change. Nothing waits for it: a row says
// "checking" and is redrawn when the judgement settles.
import * as vscode from 'vscode';
import { RegxError } from '../../core/errors';
import { dockerPolicyImage } from '../../core/policy/docker-image';
import { evaluatePolicy, requirementsFor } from '../../core/policy/evaluate';
import { sigstoreVerifier } from '../../core/policy/sigstore-requirement';
import type { ImageReference } from '../../core/reference/reference';
import { useSigstoreAttachments } from '../../core/signing/registries-d';
import type { Ctx } from '../ctx';
import { Disposable } from '../disposable';
import { Limiter } from '../limiter';
import type { ConfiguredRegistry } from '../registry-settings';
import { failedJudgementText } from './signature-states';
import type { Judgement } from './signature-states';
import { brokenTrustText, loadTrust } from './trust-settings';
import type { Trust } from './trust-settings';

const pending: Judgement = { kind: 'pending' };

/** The image judged: a tag (its identity is what signatures claim) or a digest. */
export interface JudgedImage {
  readonly registry: ConfiguredRegistry | string;
  readonly repository: string;
  /** A tag, or a digest (contains ':'). */
  readonly reference: string;
  /** The manifest digest the row shows: a tag moved to another image is judged again. */
  readonly digest: string;
  /** The tree row to draw again when the judgement arrives ('' for none; not part of what is judged). */
  readonly rowId: string;
}

const hostOf = (i: JudgedImage): string => (typeof i.registry === 'string' ? i.registry : i.registry.host);
const keyOf = (i: JudgedImage): string => `${hostOf(i)}/${i.repository}${i.reference.includes(':') ? '@' : ':'}${i.reference}@${i.digest}`;

export class PolicyVerdicts extends Disposable {
  private trust: Promise<Trust> | undefined;
  private trustKnown: Trust | undefined;
  private readonly judged = new Map<string, Judgement>();
  private readonly running = new Map<string, Promise<Judgement>>();
  private readonly limiter: Limiter;
  private abort = new AbortController();
  private readonly settled = this.register(new vscode.EventEmitter<JudgedImage>());
  /** A judgement arrived: the rows of that image should be drawn again. */
  readonly onDidSettle = this.settled.event;
  private readonly trustChanged = this.register(new vscode.EventEmitter<void>());
  /** The policy or registries.d setting changed: everything is judged again. */
  readonly onDidChangeTrust = this.trustChanged.event;

  constructor(private readonly ctx: Ctx) {
    super();
    this.limiter = new Limiter(() => ctx.config.concurrency);
    this.register(
      ctx.config.onDidChange((c) => {
        if (!c.trust) return;
        this.trust = undefined;
        this.trustKnown = undefined;
        this.clear();
        this.trustChanged.fire();
      }),
    );
    this.register({ dispose: () => this.abort.abort() });
  }

  /** The policy and registries.d as the settings name them (read once until they change). */
  trustNow(): Promise<Trust> {
    this.trust ??= loadTrust({ policyFile: this.ctx.config.policyFile, registriesDirectory: this.ctx.config.registriesDirectory }).then((t) => {
      if (t.kind === 'broken') this.ctx.log.warn(brokenTrustText(t));
      this.trustKnown = t;
      return t;
    });
    return this.trust;
  }

  /** What is known now, without asking for anything. */
  peek(image: JudgedImage): Judgement | undefined {
    return this.quick() ?? this.judged.get(keyOf(image));
  }

  /** What is known now; starts the judgement when nothing is (onDidSettle says when it arrives). */
  judgement(image: JudgedImage): Judgement {
    const known = this.peek(image);
    if (known) return known;
    void this.settledJudgement(image);
    return pending;
  }

  /** The judgement once it is made (for a page that can wait, unlike the tree). */
  async settledJudgement(image: JudgedImage): Promise<Judgement> {
    const key = keyOf(image);
    const known = this.quick() ?? this.judged.get(key);
    if (known && known.kind !== 'pending') return known;
    let running = this.running.get(key);
    if (!running) {
      this.judged.set(key, pending);
      const signal = this.abort.signal;
      running = this.limiter.run(() => this.judge(image, signal));
      this.running.set(key, running);
      void running.then((j) => {
        if (this.running.get(key) === running) this.running.delete(key);
        if (signal.aborted || this.judged.get(key) !== pending) return;
        this.judged.set(key, j);
        this.settled.fire(image);
      });
    }
    return running;
  }

  /** No policy, or one that cannot be read: the same answer for every image, known without a request. */
  private quick(): Judgement | undefined {
    const t = this.trustKnown;
    if (t?.kind === 'none') return { kind: 'none', why: t.why };
    if (t?.kind === 'broken') return { kind: 'broken', text: brokenTrustText(t) };
    return undefined;
  }

  private async judge(image: JudgedImage, signal: AbortSignal): Promise<Judgement> {
    const trust = await this.trustNow();
    if (trust.kind !== 'policy') return this.quick() ?? pending;
    const ref: ImageReference = {
      registry: hostOf(image),
      repository: image.repository,
      ...(image.reference.includes(':') ? { digest: image.reference } : { tag: image.reference }),
    };
    try {
      const policyImage = dockerPolicyImage(this.ctx.clients.for(image.registry), ref, trust.registries, { signal });
      const verdict = await evaluatePolicy(trust.policy, policyImage, sigstoreVerifier);
      return {
        kind: 'judged',
        verdict,
        requirements: requirementsFor(trust.policy, policyImage).requirements,
        policyPath: trust.path,
        attachments: useSigstoreAttachments(trust.registries, ref),
      };
    } catch (error) {
      const message = this.ctx.log.redact(error instanceof Error ? error.message : String(error));
      this.ctx.log.warn(`${keyOf(image)}: the trust policy could not judge it: ${message}`);
      // A key file or registries.d the policy names is the user's to fix; a registry that failed to answer is not.
      return {
        kind: 'failed',
        text: failedJudgementText(message, trust.path, error instanceof RegxError && (error.reason === 'usage' || error.reason === 'signing-key')),
      };
    }
  }

  /** Forgets the judgements of a host (a repository of it, when given). */
  forget(host: string, repository?: string): void {
    const prefix = repository ? `${host}/${repository}` : `${host}/`;
    const mine = (key: string): boolean => key.startsWith(prefix) && (!repository || /^[:@]/.test(key.slice(prefix.length)));
    for (const key of [...this.judged.keys()]) if (mine(key)) this.judged.delete(key);
    for (const key of [...this.running.keys()]) if (mine(key)) this.running.delete(key);
  }

  clear(): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.judged.clear();
    this.running.clear();
  }
}
