// The local ends of a copy: a name in podman's store (`containers-storage:`) or Docker's
// (`docker-daemon:`), spelled as skopeo spells them and parsed by the core like any other location.
import { RegxError } from '../../core/errors';
import type { LocalEngine, LocalStore } from '../../core/local/engine';
import { parseImageLocation } from '../../core/reference/transport';
import type { ImageLocation } from '../../core/reference/transport';

/** podman (its own API, or its Docker-compatible one), as opposed to a Docker Engine. */
export function isPodman(engine: LocalEngine): boolean {
  return engine.engine.startsWith('Podman');
}

/**
 * `reference` (a name, or an image ID) in the store of the engine the view talks to. For podman the
 * store is named in skopeo's `[driver@root+runroot]` prefix: the copy engine connects on its own and
 * then uses exactly that store (the socket serving it, else podman started on it), even when the
 * view's socket is one only the Local Engine: Socket setting names. A podman whose store is unknown
 * is refused rather than guessed at: the copy could otherwise land in another store than the view's.
 */
export function localLocation(engine: LocalEngine, store: LocalStore | undefined, reference: string): ImageLocation {
  if (!isPodman(engine)) return parseImageLocation(`docker-daemon:${reference}`);
  if (!store?.graphRoot || !store.runRoot) throw new RegxError('engine-unavailable', `${engine.engine} at ${engine.socketPath} did not say where its store is`);
  return parseImageLocation(`containers-storage:[${store.driver ? `${store.driver}@` : ''}${store.graphRoot}+${store.runRoot}]${reference}`);
}
