// Runs async work over a list with at most `limit` items in flight. The first failure stops new
// items from starting and aborts the ones running (through the signal each item gets), and is the
// error thrown once everything has settled, so no request is left running behind the caller.
import { setMaxListeners } from 'node:events';
import { CancelledError } from '../errors';

export async function runPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, signal: AbortSignal) => Promise<void>,
  outer?: AbortSignal,
): Promise<void> {
  const inner = new AbortController();
  // Every request in flight listens on this one signal: jobs x (read + write) is expected, not a leak.
  setMaxListeners(Math.max(10, limit * 4), inner.signal);
  const onAbort = (): void => inner.abort(new CancelledError());
  if (outer?.aborted) throw new CancelledError();
  outer?.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (!inner.signal.aborted && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item, inner.signal);
      } catch (err) {
        // The first real failure wins; what the abort then causes in the other workers is noise.
        if (failure === undefined && !(inner.signal.aborted && err instanceof CancelledError)) failure = err;
        inner.abort(new CancelledError());
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
  if (outer?.aborted) throw new CancelledError();
  if (failure !== undefined) throw failure;
}
