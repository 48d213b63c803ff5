// Blobs several copies running at once send to one registry: each digest is moved there once. The
// first copy that needs it moves it; the others wait for that move and then skip it (same
// repository) or mount it from the repository it landed in, instead of uploading it again.

/** Where a blob already is on the destination registry, for a copy that needs it too. */
export type BlobHolder = string | undefined;

export class BlobLedger {
  private readonly moves = new Map<string, Promise<string>>();

  /**
   * Runs `work` for `digest` bound for `repository` on `host`. `work` gets the repository that
   * already holds the blob on that registry (after another copy's move finished), or undefined
   * when it is the first to move it. A failed move is forgotten, so the next copy tries afresh.
   */
  async run(host: string, repository: string, digest: string, work: (holder: BlobHolder) => Promise<void>): Promise<void> {
    const key = `${host} ${digest}`;
    const prior = this.moves.get(key);
    if (prior) {
      const holder = await prior.catch(() => undefined);
      if (holder !== undefined) return work(holder);
      return this.run(host, repository, digest, work);
    }
    const mine = work(undefined).then(() => repository);
    this.moves.set(key, mine);
    // Registered before any waiter's: a failed move is gone from the map by the time they look again.
    mine.catch(() => {
      if (this.moves.get(key) === mine) this.moves.delete(key);
    });
    await mine;
  }

  /** Blobs known to be on some repository of `host` (for tests and summaries). */
  get size(): number {
    return this.moves.size;
  }
}
