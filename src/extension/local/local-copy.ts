// The local ends of a copy: a name in podman's store (`containers-storage:`) or Docker's
// (`docker-daemon:`), spelled as skopeo spells them and parsed by the core like any other location.
import type { LocalEngine } from '../../core/local/engine';
import { parseImageLocation } from '../../core/reference/transport';
import type { ImageLocation } from '../../core/reference/transport';

/**
 * `reference` (a name, or an image ID) in the store of the engine the view talks to. For podman the
 * store is named in skopeo's `[driver@root+runroot]` prefix: the copy engine connects on its own and
 * then uses exactly that store (the socket serving it, else podman started on it), even when the
 * view's socket is one only the Local Engine: Socket setting names.
 */
export function localLocation(engine: LocalEngine, reference: string): ImageLocation {
  if (!engine.engine.startsWith('Podman')) return parseImageLocation(`docker-daemon:${reference}`);
  const store = engine.store;
  const specifier = store?.graphRoot && store.runRoot ? `[${store.driver ? `${store.driver}@` : ''}${store.graphRoot}+${store.runRoot}]` : '';
  return parseImageLocation(`containers-storage:${specifier}${reference}`);
}
