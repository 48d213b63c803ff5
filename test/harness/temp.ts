// Temporary directories under os.tmpdir() that are removed when the test process exits,
// even when a test fails halfway (so parallel helpers do not fill /tmp).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created = new Set<string>();
let hooked = false;

/** Creates a fresh directory `os.tmpdir()/regx-PREFIX-XXXXXX`; it is deleted at process exit (or by removeTempDir). */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `regx-${prefix}-`));
  created.add(dir);
  if (!hooked) {
    hooked = true;
    // 'exit' handlers must be synchronous: rmSync is.
    process.on('exit', removeAllTempDirs);
  }
  return dir;
}

/** Deletes one directory made by makeTempDir now. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  created.delete(dir);
}

/** Deletes every directory made by makeTempDir in this process. */
export function removeAllTempDirs(): void {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
  created.clear();
}
