// The one-line progress a TTY shows while a copy runs: blobs, bytes and rate.
import type { CopyProgress } from '../core/image/copy-progress';

function mib(n: number): string {
  return (n / (1 << 20)).toFixed(1);
}

export function progressLine(p: CopyProgress): string {
  if (p.phase === 'resolving') return 'Reading manifests...';
  if (p.phase === 'manifests') return `Writing manifests (${p.blobsDone}/${p.blobsTotal} blobs done)`;
  if (p.phase === 'done') return `Done: ${p.blobsDone}/${p.blobsTotal} blobs, ${mib(p.bytesDone)} MiB`;
  // podman pushing an image itself says when layers are done, not how many bytes moved.
  if (p.bytesTotal === 0) return `Copying blobs ${p.blobsDone}/${p.blobsTotal}`;
  return `Copying blobs ${p.blobsDone}/${p.blobsTotal}, ${mib(p.bytesDone)}/${mib(p.bytesTotal)} MiB, ${mib(p.bytesPerSecond)} MiB/s`;
}
