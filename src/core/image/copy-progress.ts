// Progress of one copy, as the CLI's progress line and the extension's notification show it:
// layers (blobs) done of total, bytes done of total, and the transfer rate of the bytes that moved.

export interface CopyProgress {
  phase: 'resolving' | 'blobs' | 'manifests' | 'done';
  blobsDone: number;
  blobsTotal: number;
  /** Bytes of blobs finished or in flight (skipped and mounted blobs count whole). */
  bytesDone: number;
  bytesTotal: number;
  /** Bytes actually moved over the wire so far. */
  bytesMoved: number;
  /** bytesMoved per second since blobs began moving. */
  bytesPerSecond: number;
  /** The blob that just finished, if one did. */
  blob?: { digest: string; outcome: 'copied' | 'skipped' | 'mounted' };
}

export class ProgressTracker {
  private state: CopyProgress = { phase: 'resolving', blobsDone: 0, blobsTotal: 0, bytesDone: 0, bytesTotal: 0, bytesMoved: 0, bytesPerSecond: 0 };
  private started = Date.now();

  constructor(private readonly listener: ((p: CopyProgress) => void) | undefined) {}

  get snapshot(): CopyProgress {
    return { ...this.state };
  }

  begin(blobsTotal: number, bytesTotal: number): void {
    this.started = Date.now();
    this.state = { ...this.state, phase: 'blobs', blobsTotal, bytesTotal };
    this.emit();
  }

  /** More blobs to move than begin() said (those of the referrers that travel with the image). */
  grow(blobs: number, bytes: number): void {
    this.state.blobsTotal += blobs;
    this.state.bytesTotal += bytes;
    this.emit();
  }

  /** Bytes moved for a blob; negative to take back an attempt that failed and will be retried. */
  bytes(n: number): void {
    this.state.bytesDone += n;
    this.state.bytesMoved += n;
    const seconds = (Date.now() - this.started) / 1000;
    this.state.bytesPerSecond = seconds > 0 ? this.state.bytesMoved / seconds : 0;
    this.emit();
  }

  blobDone(digest: string, size: number, outcome: 'copied' | 'skipped' | 'mounted'): void {
    this.state.blobsDone++;
    if (outcome !== 'copied' && size > 0) this.state.bytesDone += size;
    this.state.blob = { digest, outcome };
    this.emit();
    delete this.state.blob;
  }

  phase(phase: CopyProgress['phase']): void {
    this.state.phase = phase;
    this.emit();
  }

  private emit(): void {
    this.listener?.({ ...this.state });
  }
}
