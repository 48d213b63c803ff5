// A stable split of a sync's images over N processes (an Indexed Job's pods): each image belongs to
// shard hash(source reference) mod N, so every process, listing the same sources, takes a disjoint
// share and together they cover every image exactly once, whatever order the listings come in.
import { createHash } from 'node:crypto';
import { UsageError } from '../errors';

export interface Shard {
  index: number;
  count: number;
}

/** "I/N" with 0 <= I < N (the Kubernetes completion index is 0-based). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(count) || count < 1 || count > 10_000 || index >= count)
    throw new UsageError(`invalid shard "${text}": expected I/N with 0 <= I < N <= 10000, e.g. 0/4`);
  return { index, count };
}

export function shardOf(key: string, count: number): number {
  const h = createHash('sha256').update(key).digest();
  return Number(h.readBigUInt64BE(0) % BigInt(count));
}

export function inShard(key: string, shard: Shard | undefined): boolean {
  return !shard || shardOf(key, shard.count) === shard.index;
}
