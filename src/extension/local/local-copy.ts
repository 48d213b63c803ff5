// The local ends of a copy: a name in podman's store (`containers-storage:`) or Docker's
// (`docker-daemon:`), spelled as skopeo spells them and parsed by the core like any other location.
import type { CopyOptions } from '../../core/image/copy';
import type { LocalEngine } from '../../core/local/engine';
import { parseImageLocation } from '../../core/reference/transport';
import type { ImageLocation } from '../../core/reference/transport';

/** `reference` (a name, or an image ID) in the store of the engine that answered. */
export function localLocation(engine: LocalEngine, reference: string): ImageLocation {
  return parseImageLocation(`${engine.engine.startsWith('Podman') ? 'containers-storage' : 'docker-daemon'}:${reference}`);
}

/** What the copy engine needs to reach the local store: the connection the view already holds. */
export function localCopyOptions(engine: LocalEngine): Partial<CopyOptions> {
  return { localEngine: engine } as Partial<CopyOptions>;
}
