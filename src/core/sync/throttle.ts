// One registry's pace, shared by every client a sync opens to it: a rate limit (requests per second,
// spaced evenly, first come first served) and a pause. A 429 answer tells the registry's throttle to
// hold every request to that registry until its Retry-After has passed, not just the one that got it:
// the others would only collect 429s of their own (and on Quay or Harbor, a longer ban).
import { sleep } from '../http/retry';
import type { RequestGate } from '../http/client';

/** Without Retry-After, a 429 pauses the registry this long. */
const DEFAULT_PAUSE_MS = 1000;
/** No registry pauses a run for longer than this at once, whatever it asks. */
const MAX_PAUSE_MS = 60_000;

export class RegistryThrottle implements RequestGate {
  private nextSlot = 0;
  private pausedUntil = 0;
  private readonly interval: number;
  /** How many 429s paused this registry (for the run's report). */
  pauses = 0;

  /** `rate`: requests per second; undefined: no limit, only pauses. */
  constructor(
    readonly rate?: number,
    private readonly now: () => number = Date.now,
  ) {
    this.interval = rate ? 1000 / rate : 0;
  }

  async wait(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      const slot = Math.max(now, this.pausedUntil, this.interval ? this.nextSlot : 0);
      if (this.interval) this.nextSlot = slot + this.interval;
      if (slot > now) await sleep(slot - now, signal);
      // A 429 that came in while this request waited for its slot holds it too.
      if (this.now() >= this.pausedUntil) return;
    }
  }

  backOff(ms: number | undefined): void {
    const until = this.now() + Math.min(Math.max(0, ms ?? DEFAULT_PAUSE_MS), MAX_PAUSE_MS);
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.pauses++;
    }
  }
}

/** One throttle per registry host, made on first use with that host's rate limit. */
export class RegistryThrottles {
  private readonly byHost = new Map<string, RegistryThrottle>();
  constructor(private readonly rateOf: (host: string) => number | undefined = () => undefined) {}

  for(host: string): RegistryThrottle {
    let t = this.byHost.get(host);
    if (!t) this.byHost.set(host, (t = new RegistryThrottle(this.rateOf(host))));
    return t;
  }
}
