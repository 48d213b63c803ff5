// Caps on work in flight: one for the whole run and one per registry, so a sync of many images
// neither opens unbounded connections nor piles all of them on one registry.
import { CancelledError } from '../errors';

export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(readonly limit: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new CancelledError();
    if (this.active < this.limit) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const go = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(go);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(go);
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter: `active` stays the same.
      if (next) next();
      else this.active--;
    };
  }
}

/** A global cap and one cap per registry host; an item holds the global slot and one per host it touches. */
export class RegistryLimits {
  private readonly perHost = new Map<string, Limiter>();
  private readonly global: Limiter;
  constructor(
    globalLimit: number,
    private readonly hostLimit: (host: string) => number,
  ) {
    this.global = new Limiter(globalLimit);
  }

  async run<T>(hosts: readonly string[], signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    const releases: Array<() => void> = [];
    try {
      releases.push(await this.global.acquire(signal));
      // Always in the same order: two items never wait on each other's hosts.
      for (const host of [...new Set(hosts)].sort()) {
        let l = this.perHost.get(host);
        if (!l) this.perHost.set(host, (l = new Limiter(Math.max(1, this.hostLimit(host)))));
        releases.push(await l.acquire(signal));
      }
      return await work();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }
}
