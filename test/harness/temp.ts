// Temporary directories under os.tmpdir() that are removed when the test process exits,
// even when a test fails halfway (so parallel helpers do not fill /tmp).
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created = new Set<string>();
let hooked = false;

/**
 * A RAM-backed base directory (/dev/shm) when there is one, else os.tmpdir(). On these machines creating small
 * files on the disk costs about 1.5 ms each (tmpfs: 0.03 ms), which matters when seeding thousands of repositories.
 */
export function memoryTmpdir(): string {
  try {
    if (statSync('/dev/shm').isDirectory()) {
      accessSync('/dev/shm', constants.W_OK);
      return '/dev/shm';
    }
  } catch {
    // no tmpfs here: fall back to the normal temp dir
  }
  return tmpdir();
}

/**
 * Creates a fresh directory `BASE/regx-PREFIX-XXXXXX` (BASE: os.tmpdir() unless given); it is deleted at
 * process exit (or by removeTempDir / removeAllTempDirs).
 */
export function makeTempDir(prefix: string, base: string = tmpdir()): string {
  const dir = mkdtempSync(join(base, `regx-${prefix}-`));
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
